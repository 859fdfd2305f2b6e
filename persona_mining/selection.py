"""A selection of customers (a rectangle brushed on the persona map): which customers it
holds, which personas they belong to, and how they differ from everyone and from their
persona. Row positions only, never customer ids; never calls streamlit."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from .i18n import _
from .labels import feature_label, persona_label, trait_value
from .profile import UNASSIGNED, real_traits, trait_table


def rows_in_box(ws: Any, box: dict[str, Sequence[float]]) -> np.ndarray:
    """Customers (all of them, not only the plotted sample) inside a brushed rectangle."""
    if not box or "x" not in box or "y" not in box:
        return np.array([], dtype=np.int64)
    (x0, x1), (y0, y1) = sorted(box["x"]), sorted(box["y"])
    m = ws.map2d
    inside = (m[:, 0] >= x0) & (m[:, 0] <= x1) & (m[:, 1] >= y0) & (m[:, 1] <= y1)
    return np.flatnonzero(inside)


def valid_rows(ws: Any, rows: Sequence[int]) -> np.ndarray:
    """Row positions that exist in this workspace (a stale selection is dropped)."""
    r = np.asarray(rows, dtype=np.int64)
    return r[(r >= 0) & (r < ws.n)]


def selection_mix(ws: Any, rows: Sequence[int], top: int = 4) -> list[tuple[str, float]]:
    """Which personas a selection of customers belongs to: (label, share), largest first."""
    rows = np.asarray(rows, dtype=np.int64)
    if len(rows) == 0:
        return []
    ids, counts = np.unique(ws.state().labels[rows], return_counts=True)
    order = sorted(zip(ids, counts), key=lambda t: (-t[1], str(t[0])))
    keep = [t for t in order[:top] if t[1] / len(rows) >= 0.01] or order[:1]
    return [(persona_label(ws, pid), float(c / len(rows))) for pid, c in keep]


def selection_profile(ws: Any, rows: np.ndarray, top: int = 12) -> pd.DataFrame:
    """How a selection of customers differs from everyone and from its main persona."""
    labels = ws.state().labels
    mask = np.zeros(ws.n, dtype=bool)
    mask[np.asarray(rows, dtype=np.int64)] = True
    ids, counts = np.unique(labels[mask], return_counts=True)
    main = ids[np.argmax(counts)] if len(ids) else UNASSIGNED
    sel = np.where(mask, "selection", "rest").astype(object)
    table = trait_table(ws.data, sel, ws.X, ws.prep)
    table = table[(table["persona"] == "selection")]
    table = real_traits(table)
    out = table.assign(abs=table["effect_size"].abs()).sort_values("abs", ascending=False).head(top)
    persona_vals = {}
    if main != UNASSIGNED:
        pm = np.where(labels == main, "persona", "rest").astype(object)
        pt = trait_table(ws.data, pm, ws.X, ws.prep)
        pt = pt[pt["persona"] == "persona"]
        persona_vals = dict(zip(pt["feature"], pt["persona_value"]))
    main_col = (_("its persona ({name})", name=ws.persona_name(main)) if main != UNASSIGNED
                else _("its persona"))
    show = lambda r, v: trait_value(r.kind, r.column, v)  # noqa: E731
    recs = out.itertuples()
    cols = [_("trait"), _("selection"), main_col, _("all customers"), _("difference")]
    rows_out = [dict(zip(cols, (feature_label(r.feature), show(r, r.persona_value),
                                show(r, persona_vals.get(r.feature, np.nan)),
                                show(r, r.population_value), r.sentence))) for r in recs]
    return pd.DataFrame(rows_out, columns=cols)
