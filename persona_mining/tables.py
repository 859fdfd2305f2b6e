"""Tables for the workbench pages: the personas at a glance, what changed since the last
discovery, a persona's typical customers, a proposed split, the edit log.

Pure functions of a workspace (never calls streamlit). Nothing returned here contains
customer ids unless a function says so explicitly (``example_customers(show_ids=True)``).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from .i18n import N_, _, fmt_date, fmt_datetime, fmt_number, fmt_percent, ngettext
from .features import balance_of
from .labels import lineage_word, persona_label, stability_word
from .profile import UNASSIGNED, humanize, is_share, real_traits, trait_table

OVERVIEW_LABELS = {"persona": N_("persona"), "customers": N_("customers"), "share": N_("share"),
                   "stability": N_("stability"), "stability score": N_("stability score"),
                   "origin": N_("origin"), "since last run": N_("since last run")}
EDIT_LOG_LABELS = {"#": "#", "when (UTC)": N_("when (UTC)"), "what": N_("what")}


def overview_labels() -> dict[str, str]:
    """Column headers of :func:`persona_overview` in the current language (the frame's own
    column names stay the same in every language: pages pick columns by them)."""
    return {c: _(label) for c, label in OVERVIEW_LABELS.items()}


HOW_MANY_LABELS = {"k": N_("personas"), "closest_gain": N_("how distinct the closest two are"),
                   "closest_differ_in": N_("the closest two differ in"),
                   "least_stable": N_("least stable persona"), "silhouette": N_("separation"),
                   "bic": N_("BIC"), "chosen": N_("engine's choice")}


def how_many_labels() -> dict[str, str]:
    """Column headers of :func:`howmany.readable_table` in the current language."""
    return {c: _(label) for c, label in HOW_MANY_LABELS.items()}


def edit_log_labels() -> dict[str, str]:
    """Column headers of :func:`edit_log` in the current language."""
    return {c: _(label) if c != "#" else c for c, label in EDIT_LOG_LABELS.items()}


def persona_overview(ws: Any) -> pd.DataFrame:
    """One row per persona: label, customers, share, stability (word and score), where it
    came from (discovered / merge / split) and what happened since the last discovery;
    in the current language."""
    from .refine import origin_label

    st = ws.state()
    rows = []
    for p in ws.personas():
        rows.append({"persona": persona_label(ws, p.id), "customers": p.size, "share": p.share,
                     "stability": stability_word(p.stability_label),
                     "stability score": None if p.stability is None else round(p.stability, 2),
                     "origin": origin_label(st.origin.get(p.id, "discovered")),
                     "since last run": lineage_word(ws.lineage.get(p.id, ""))})
    return pd.DataFrame(rows, columns=["persona", "customers", "share", "stability",
                                       "stability score", "origin", "since last run"])


def lineage_summary(ws: Any) -> dict[str, list[str]]:
    """Personas per status since the previous discovery: kept / changed / new / gone."""
    out: dict[str, list[str]] = {"kept": [], "changed": [], "new": [], "gone": []}
    present = {p.id for p in ws.personas()}
    for pid, status in ws.lineage.items():
        out.setdefault(status, []).append(persona_label(ws, pid) if pid in present else pid)
    return out


def example_customers(ws: Any, persona: Any, show_ids: bool = False,
                      max_columns: int = 8) -> pd.DataFrame:
    """The persona's most typical customers by their behaviour (the features that set the
    persona apart first). Customer ids only with ``show_ids``."""
    features = [c for c in ws.prep.source_columns_ if c in ws.data.columns]
    first = [t.column for t in persona.traits if t.column in features]
    cols = list(dict.fromkeys(first + features))[:max_columns]
    rows = list(persona.prototypes)
    kinds = {getattr(s, "column", None): getattr(s, "kind", "categorical")
             for s in ws.prep.steps_}
    raw = ws.data.iloc[rows][cols]
    ex = pd.DataFrame({humanize(c): [_cell(kinds.get(c, ""), c, v) for v in raw[c]]
                       for c in cols})
    if show_ids:
        ex.insert(0, _("customer id"), np.asarray(ws.ids)[rows])
    return ex.reset_index(drop=True)


def _cell(kind: str, column: str, value: Any) -> str:
    """One value of a customer as a reader expects it: '80 %', 'yes', '2024-03-01'."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)) or pd.isna(value):
        return "–"
    if isinstance(value, pd.Timestamp):
        return fmt_date(value)
    if kind == "boolean":
        return _("yes") if float(value) >= 0.5 else _("no")
    if isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
        if is_share(column, v):
            return fmt_percent(v)
        if abs(v) >= 100 or v == int(v):
            return fmt_number(v)
        return _trimmed(v, 2 if abs(v) < 10 else 1)
    return str(value)


def _trimmed(v: float, decimals: int) -> str:
    """At most ``decimals`` decimals, no trailing zeros: 2.5, 0.25, 3."""
    places = next(d for d in range(decimals + 1) if round(v, d) == round(v, decimals))
    return fmt_number(v, places)


def split_preview(ws: Any, parts: Sequence[np.ndarray], top: int = 3) -> pd.DataFrame:
    """Size and what stands out (against the other parts: a list of sentences) for each
    part of a proposed split."""
    sel = np.full(ws.n, UNASSIGNED, dtype=object)
    for i, p in enumerate(parts):
        sel[np.asarray(p, dtype=np.int64)] = f"part {i + 1}"
    members = sel != UNASSIGNED
    table = trait_table(ws.data.loc[members].reset_index(drop=True), sel[members],
                        ws.X[members], ws.prep)
    table = real_traits(table)
    rows = []
    for i, p in enumerate(parts):
        t = table[table["persona"] == f"part {i + 1}"]
        t = t[(t["kind"] != "categorical") | (t["effect_size"] > 0)]   # "is iOS", not "is not"
        t = t.assign(a=t["effect_size"].abs()).sort_values("a", ascending=False)
        t = t.drop_duplicates("column").head(top)
        rows.append({"part": _("Part {i} (keeps the name)", i=i + 1) if i == 0 else
                     _("Part {i} (new)", i=i + 1),
                     "customers": len(p), "share": len(p) / max(1, int(members.sum())),
                     "stands out by": list(t["sentence"])})
    return pd.DataFrame(rows, columns=["part", "customers", "share", "stands out by"])


def edit_log(ws: Any) -> pd.DataFrame:
    """The audit log, newest first: number, time (UTC) and what was done (in the current
    language, from the edit itself: a log written in English reads German in German)."""
    from .refine import describe_edit

    rows = [{"#": i + 1, "when (UTC)": _when(e.get("at")), "what": describe_edit(e)}
            for i, e in enumerate(ws.edits)]
    return pd.DataFrame(rows, columns=["#", "when (UTC)", "what"]).iloc[::-1].reset_index(drop=True)


def _when(at: Any) -> str:
    try:
        return fmt_datetime(at) if at else ""
    except ValueError:
        return str(at)


# -- how columns are weighted ----------------------------------------------------------------
WEIGHTING_LABELS = {"column": N_("column"), "kind": N_("kind"), "prepared": N_("prepared as"),
                    "weight": N_("your weight"), "balance": N_("balance"),
                    "counts": N_("share of the distances")}
_KINDS = {"numeric": N_("number"), "boolean": N_("yes/no"), "datetime": N_("date"),
          "categorical": N_("category")}


def weighting_labels() -> dict[str, str]:
    """Column headers of :func:`feature_weighting` in the current language."""
    return {c: _(label) for c, label in WEIGHTING_LABELS.items()}


def feature_weighting(ws: Any) -> pd.DataFrame:
    """One row per behaviour column: how it was prepared, the user's weight, the balancing
    factor (a category's one-hot block scaled to half a number, near-copies sharing one
    column's weight; see :mod:`.features`), and the share of the model matrix's variance
    it holds, i.e. how much it counts in the distances that find personas. Largest first."""
    prep = ws.prep
    if prep is None or not getattr(prep, "steps_", None):
        return pd.DataFrame(columns=list(WEIGHTING_LABELS))
    X = ws.X
    variance = np.nanvar(X.astype(np.float64), axis=0) if len(X) else np.zeros(X.shape[1])
    by_source: dict[str, float] = {}
    for info, v in zip(prep.features_, variance):
        by_source[info.source] = by_source.get(info.source, 0.0) + float(v)
    total = sum(by_source.values()) or 1.0
    rows = []
    for step in prep.steps_:
        kind = "categorical" if hasattr(step, "levels") else step.kind
        rows.append({"column": step.column, "kind": _(_KINDS.get(kind, kind)),
                     "prepared": _prepared(step), "weight": float(step.weight),
                     "balance": balance_of(step),
                     "counts": by_source.get(step.column, 0.0) / total})
    return (pd.DataFrame(rows).sort_values("counts", ascending=False, kind="stable")
            .reset_index(drop=True))


def _prepared(step: Any) -> str:
    if hasattr(step, "levels"):
        return ngettext("one-hot, {n} level", "one-hot, {n} levels", len(step.levels))
    words = {"none": _("standardised"), "log1p": _("log(1 + x), standardised"),
             "yeo-johnson": _("Yeo-Johnson (λ = {lam}), standardised",
                              lam=fmt_number(step.lam, 2))}[step.transform]
    if step.kind == "datetime":
        words = _("days since the latest date, {steps}", steps=words)
    if step.kind == "boolean":
        words = _("yes = 1, no = 0, balanced")
    if step.missing_flag:
        words = _("{steps}; missing values flagged", steps=words)
    return words
