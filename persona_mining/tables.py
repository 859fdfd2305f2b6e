"""Tables for the workbench pages: the personas at a glance, what changed since the last
discovery, a persona's typical customers, a proposed split, the edit log.

Pure functions of a workspace (never calls streamlit). Nothing returned here contains
customer ids unless a function says so explicitly (``example_customers(show_ids=True)``).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from .labels import persona_label
from .profile import UNASSIGNED, fmt, humanize, is_share, real_traits, trait_table


def persona_overview(ws: Any) -> pd.DataFrame:
    """One row per persona: label, customers, share, stability (word and score), where it
    came from (discovered / merge / split) and what happened since the last discovery."""
    st = ws.state()
    rows = []
    for p in ws.personas():
        rows.append({"persona": persona_label(ws, p.id), "customers": p.size, "share": p.share,
                     "stability": p.stability_label,
                     "stability score": None if p.stability is None else round(p.stability, 2),
                     "origin": st.origin.get(p.id, "discovered"),
                     "since last run": ws.lineage.get(p.id, "")})
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
        ex.insert(0, "customer id", np.asarray(ws.ids)[rows])
    return ex.reset_index(drop=True)


def _cell(kind: str, column: str, value: Any) -> str:
    """One value of a customer as a reader expects it: '80 %', 'yes', '2024-03-01'."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)) or pd.isna(value):
        return "–"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if kind == "boolean":
        return "yes" if float(value) >= 0.5 else "no"
    if isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
        if is_share(column, v):
            return fmt(v, column)
        if abs(v) >= 100 or v == int(v):
            return f"{v:,.0f}"
        return f"{v:.2f}".rstrip("0").rstrip(".") if abs(v) < 10 else f"{v:.1f}"
    return str(value)


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
        rows.append({"part": f"Part {i + 1}" + (" (keeps the name)" if i == 0 else " (new)"),
                     "customers": len(p), "share": len(p) / max(1, int(members.sum())),
                     "stands out by": list(t["sentence"])})
    return pd.DataFrame(rows, columns=["part", "customers", "share", "stands out by"])


def edit_log(ws: Any) -> pd.DataFrame:
    """The audit log, newest first: number, time (UTC) and what was done."""
    rows = [{"#": i + 1, "when (UTC)": str(e.get("at", "")).replace("T", " ").replace("+00:00", ""),
             "what": e.get("summary", e.get("op", ""))} for i, e in enumerate(ws.edits)]
    return pd.DataFrame(rows, columns=["#", "when (UTC)", "what"]).iloc[::-1].reset_index(drop=True)
