"""How personas and trait values are named for readers: 'P3 · Bargain hunters', '48 %',
'40 days ago' (shared by the charts, the tables and the pages; never calls streamlit)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .i18n import N_, _, fmt_percent, pgettext
from .profile import UNASSIGNED, fmt, humanize


def persona_label(ws: Any, pid: str) -> str:
    """'P3 · Bargain hunters', or 'Unassigned' (in the current language)."""
    return unassigned_label() if pid == UNASSIGNED else f"{pid} · {ws.persona_name(pid)}"


def unassigned_label() -> str:
    return _("Unassigned")


STABILITY_WORDS = {"stable": N_("stable"), "shaky": N_("shaky"), "unstable": N_("unstable"),
                   "not measured": N_("not measured")}


def stability_word(label: str) -> str:
    """'stable' / 'shaky' / 'unstable' / 'not measured' in the current language (the
    stored label stays the English key)."""
    return _(STABILITY_WORDS[label]) if label in STABILITY_WORDS else str(label)


def lineage_word(status: str) -> str:
    """'kept' / 'changed' / 'new' / 'gone' since the last discovery, in words (with a
    context: 'new' alone is also a persona-name adjective, 'neue' in German)."""
    words = {"kept": pgettext("since last run", "kept"),
             "changed": pgettext("since last run", "changed"),
             "new": pgettext("since last run", "new"),
             "gone": pgettext("since last run", "gone")}
    return words.get(status, str(status or ""))


def feature_label(feature: str) -> str:
    if " = " in feature:
        col, level = feature.split(" = ", 1)
        return f"{humanize(col)}: {level}"
    return humanize(feature)


def trait_value(kind: str, column: str, value: float) -> str:
    """A trait's value in the units a reader expects: '48 %', '13.5', '40 days ago'."""
    if value is None or not np.isfinite(value):
        return _("n/a")
    if kind in ("categorical", "boolean"):
        return fmt_percent(value)
    if kind == "datetime":
        return _("{days} days ago", days=fmt(value))
    return fmt(value, column)
