"""The workspace's outcomes: figures per current persona (after the user's edits), of a
selection of customers, and as one table for charts."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..i18n import _
from .reading import OutcomeSpec, specs_for
from .stats import ALL, UNASSIGNED, OutcomeFigure, figures
from .words import sentence, title


def outcome_columns(roles: Any) -> list[str]:
    """Outcome columns of a workspace's roles (``Workspace.roles``), in table order."""
    from ..roles import OUTCOME

    return roles.columns(OUTCOME)


def workspace_specs(ws: Any) -> list[OutcomeSpec]:
    """How each outcome column of the workspace is read (kept with it: data never change)."""
    return ws.memo("outcome_specs", lambda: specs_for(
        ws.data, outcome_columns(ws.roles), ws.source.source or "data"))


def persona_outcomes(ws: Any) -> dict[str, list[OutcomeFigure]]:
    """Outcome figures per current persona (after edits), for the unassigned customers
    and for all customers (:data:`ALL`); {} when the data have no outcome column.
    Kept per edit, like the profiles."""
    specs = workspace_specs(ws)
    if not specs:
        return {}

    def compute() -> dict[str, list[OutcomeFigure]]:
        from ..profile import persona_ids

        labels = np.asarray(ws.state().labels).astype(str)
        groups = persona_ids(labels) + ([UNASSIGNED] if (labels == UNASSIGNED).any() else [])
        return figures(specs, ws.data, labels, groups)

    return ws.memo(("outcomes", len(ws.edits)), compute)


def selection_outcomes(ws: Any, rows: Sequence[int]) -> list[OutcomeFigure]:
    """Outcome figures of a selection of customers (e.g. brushed on the map) vs all."""
    specs = workspace_specs(ws)
    if not specs:
        return []
    mask = np.zeros(ws.n, dtype=bool)
    mask[np.asarray(rows, dtype=np.int64)] = True
    return figures(specs, ws.data, np.where(mask, "selection", "rest"), ["selection"])["selection"]


def overview_frame(ws: Any, persona_label: Any = None) -> pd.DataFrame:
    """One row per (group, outcome): persona, outcome, value, low, high, customers, all
    customers' value, sentence — for the Explore chart and tables. Empty without outcomes."""
    cols = ["group", "persona", "outcome", "column", "kind", "value", "low", "high",
            "customers", "overall", "differs", "suppressed", "sentence"]
    per = persona_outcomes(ws)
    rows = []
    for group, figs in per.items():
        name = (_("All customers") if group == ALL else _("Unassigned") if group == UNASSIGNED
                else persona_label(ws, group) if persona_label else group)
        for f in figs:
            rows.append({"group": group, "persona": name, "outcome": title(f.spec),
                         "column": f.column, "kind": f.kind, "value": f.value, "low": f.low,
                         "high": f.high, "customers": f.n, "overall": f.overall,
                         "differs": f.differs, "suppressed": f.suppressed,
                         "sentence": sentence(f)})
    return pd.DataFrame(rows, columns=cols)
