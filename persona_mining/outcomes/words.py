"""Outcome figures in words and numbers, in the current language: labels, values with
their spread, the plain sentence, how a page shows a figure, the JSON record of a card."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..i18n import _, fmt_number, fmt_percent
from ..privacy import MIN_GROUP_SIZE
from .names import VERBS
from .reading import MEAN, RATE, OutcomeSpec
from .stats import ALL, OutcomeFigure

def label(spec: OutcomeSpec) -> str:
    """'churn', 'response', 'attrition flag: Attrited Customer' (readable column name)."""
    from ..profile import humanize

    name = humanize(spec.column)
    return f"{name}: {spec.shown_yes}" if spec.shown_yes else name


def title(spec: OutcomeSpec) -> str:
    text = label(spec)
    return text[:1].upper() + text[1:]


def fmt_value(kind: str, value: float | None) -> str:
    """A rate as a percentage ('42 %', '4.2 %'), a mean with sensible decimals."""
    if value is None or not np.isfinite(value):
        return _("n/a")
    if kind == RATE:
        return fmt_percent(value, 1 if 0 < value < 0.095 else 0)
    a = abs(value)
    return fmt_number(value, 0 if a >= 100 else 1 if a >= 10 else 2)


def fmt_error(kind: str, low: float | None, high: float | None) -> str:
    """Half the interval's width: '3' (percentage points for a rate) or '12.5'."""
    if low is None or high is None:
        return _("n/a")
    half = (high - low) / 2
    if kind == RATE:
        points = half * 100
        return fmt_number(points, 0 if points >= 0.95 else 1)
    a = abs(half)
    return fmt_number(half, 0 if a >= 100 else 1 if a >= 10 else 2)


def fmt_interval(kind: str, low: float | None, high: float | None) -> str:
    """'39–45 %' or '112–134' (the 95 % interval)."""
    if low is None or high is None:
        return _("n/a")
    if kind == RATE:
        decimals = 1 if high < 0.095 else 0
        return f"{fmt_percent(low, decimals).removesuffix(' %')}–{fmt_percent(high, decimals)}"
    return f"{fmt_value(MEAN, low)}–{fmt_value(MEAN, high)}"


def fmt_spread(kind: str, value: float | None, low: float | None = None,
               high: float | None = None) -> str:
    """'42 % ± 3' ('—' without a value: a group below the privacy minimum)."""
    if value is None or not np.isfinite(value):
        return "—"
    if low is None or high is None or not (np.isfinite(low) and np.isfinite(high)):
        return fmt_value(kind, value)
    return f"{fmt_value(kind, value)} ± {fmt_error(kind, low, high)}"


def _times(ratio: float) -> str:
    return fmt_number(ratio, 1) + "×"


def sentence(fig: OutcomeFigure) -> str:
    """The figure in plain words, in the current language, to stand next to the outcome's
    title: 'churns 2.3× as often as the average customer: 42 % ± 3 vs 27 %', or for a
    name without a verb '1.6× the average customer: 4.1 % ± 1 vs 2.5 %' (no line break
    inside '42 %' or '± 3')."""
    return _keep_together(_sentence(fig))


def _keep_together(text: str) -> str:
    return re.sub(r"(?<=\d) (?=%)", "\u00a0", text).replace("± ", "±\u00a0")


def _sentence(fig: OutcomeFigure) -> str:
    if fig.suppressed or fig.value is None:
        return ngettext_suppressed(fig.n)
    value, err = fmt_value(fig.kind, fig.value), fmt_error(fig.kind, fig.low, fig.high)
    if fig.group == ALL or fig.overall is None:
        return _("{value} ± {err} over all customers", value=value, err=err)
    overall = fmt_value(fig.kind, fig.overall)
    verb = VERBS.get(fig.spec.concept)
    if fig.kind == RATE and verb is not None and not fig.spec.shown_yes:
        verb = _(verb)
        if fig.differs > 0 and fig.ratio is not None:
            return _("{verb} {times} as often as the average customer: {value} ± {err} vs "
                     "{overall}", verb=verb, times=_times(fig.ratio), value=value, err=err,
                     overall=overall)
        if fig.differs < 0 and fig.ratio is not None:
            return _("{verb} {less} less often than the average customer: {value} ± {err} vs "
                     "{overall}", verb=verb, less=fmt_percent(1 - fig.ratio), value=value,
                     err=err, overall=overall)
        return _("{verb} about as often as the average customer: {value} ± {err} vs {overall}",
                 verb=verb, value=value, err=err, overall=overall)
    # no verb in the name ("complain", "attrition flag: Attrited Customer"): the sentence
    # stands next to the outcome's title everywhere, so it does not repeat it
    if fig.differs > 0:
        if fig.ratio is not None and fig.ratio >= 1.1:
            return _("{times} the average customer: {value} ± {err} vs {overall}",
                     times=_times(fig.ratio), value=value, err=err, overall=overall)
        return _("higher than the average customer: {value} ± {err} vs {overall}",
                 value=value, err=err, overall=overall)
    if fig.differs < 0:
        if fig.ratio is not None:
            return _("{less} below the average customer: {value} ± {err} vs {overall}",
                     less=fmt_percent(1 - fig.ratio), value=value, err=err,
                     overall=overall)
        return _("lower than the average customer: {value} ± {err} vs {overall}",
                 value=value, err=err, overall=overall)
    return _("about the same as the average customer: {value} ± {err} vs {overall}",
             value=value, err=err, overall=overall)


def ngettext_suppressed(n: int) -> str:
    """Why a figure is not shown (privacy minimum)."""
    from ..i18n import ngettext

    return ngettext("not shown: only {n} customer with a value (fewer than {min}, to protect "
                    "privacy)", "not shown: only {n} customers with a value (fewer than {min}, "
                    "to protect privacy)", n, n=n, min=MIN_GROUP_SIZE)


def method_note() -> str:
    """How the figures are computed, for glossaries and footnotes."""
    return _("Outcomes are not used to find the personas. Rates come with a 95 % Wilson score "
             "interval, averages with a 95 % Student t interval (± is half its width; for a "
             "rate in percentage points). A persona differs from the average customer when its "
             "interval leaves out the figure of all customers. Groups with fewer than {min} "
             "customers with a value show no figure, to protect privacy.", min=MIN_GROUP_SIZE)


@dataclass(frozen=True)
class Metric:
    """A figure as a page shows it: big value, change against all customers, colour."""

    title: str
    value: str            # '42 %' or '—'
    delta: str | None     # '+15 points vs all customers'
    color: str            # normal (more is good) | inverse (more is bad) | off
    help: str             # interval, customers, sentence


def metric(fig: OutcomeFigure) -> Metric:
    """How a page shows one persona's figure (st.metric's parts, computed here)."""
    if fig.suppressed or fig.value is None:
        return Metric(title(fig.spec), "—", None, "off", sentence(fig))
    if fig.overall is None:
        delta = None
    elif fig.kind == RATE:
        delta = _("{diff} points vs all customers",
                  diff=_signed(100 * (fig.value - fig.overall), 0 if abs(fig.value - fig.overall) >= 0.0095 else 1))
    else:
        diff = fig.value - fig.overall
        delta = _("{diff} vs all customers", diff=_signed(diff, 0 if abs(diff) >= 100 else 1 if abs(diff) >= 10 else 2))
    better = fig.spec.higher_is_better
    color = "off" if fig.differs == 0 or better is None else "normal" if better else "inverse"
    info = _("{sentence}. 95 % interval {interval}, {n} customers with a value.",
             sentence=sentence(fig), interval=fmt_interval(fig.kind, fig.low, fig.high),
             n=fmt_number(fig.n))
    return Metric(title(fig.spec), fmt_value(fig.kind, fig.value), delta, color, info)


def _signed(value: float, decimals: int) -> str:
    text = fmt_number(abs(value), decimals)
    return ("+" if value >= 0 else "-") + text      # ASCII: st.metric reads the sign


def figure_record(fig: OutcomeFigure) -> dict[str, Any]:
    """A figure as JSON (persona cards, tracking results): no customer-level data."""
    def r(v: float | None, digits: int = 6) -> float | None:
        return None if v is None else round(float(v), digits)

    return {"column": fig.column, "label": label(fig.spec), "kind": fig.kind,
            "concept": fig.spec.concept, "higher_is_better": fig.spec.higher_is_better,
            "customers": fig.n, "value": r(fig.value), "low": r(fig.low), "high": r(fig.high),
            "overall": r(fig.overall), "ratio": r(fig.ratio, 4), "differs": fig.differs,
            "suppressed": fig.suppressed, "sentence": sentence(fig)}


