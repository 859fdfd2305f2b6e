"""Outcomes of a persona model and of tracking periods: what the model keeps (specs and
training figures), additive sums per scored partition, one table per period."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..i18n import _
from .personas import persona_outcomes, workspace_specs
from .reading import OutcomeSpec
from .stats import ALL, UNASSIGNED, figure, group_sums

def model_outcomes(ws: Any) -> list[dict[str, Any]]:
    """What a persona model keeps about outcomes: how to read each column and the training
    figure per persona and overall (JSON; aggregates only)."""
    per = persona_outcomes(ws)
    out = []
    for i, spec in enumerate(workspace_specs(ws)):
        training = {g: figs[i].value for g, figs in per.items() if g not in (ALL, UNASSIGNED)}
        out.append({**spec.to_dict(), "training": training, "overall": per[ALL][i].value})
    return out


def partition_sums(specs: Sequence[OutcomeSpec], frame: pd.DataFrame, codes: np.ndarray,
                   n_personas: int) -> dict[str, np.ndarray]:
    """Per outcome column the table has: [n, sum, sum of squares] per persona code, the
    unassigned (code -1) in the last row. Sums of partitions add up (see Scored.combine)."""
    codes = np.where(np.asarray(codes) < 0, n_personas, codes).astype(np.int64)
    return {spec.column: group_sums(spec.values(frame[spec.column]), codes, n_personas + 1)
            for spec in specs if spec.column in frame.columns}


TRACKING_COLUMNS = ["period", "outcome", "kind", "persona_id", "persona_name", "customers",
                    "value", "low", "high", "training_value", "change_vs_training", "suppressed"]


def tracking_frame(model: Any, periods: Sequence[tuple[str, Any]]) -> pd.DataFrame:
    """One row per period, outcome and persona (then unassigned and all customers) from
    the scored periods' outcome sums: value with its 95 % interval, the training value and
    the change. Periods whose file lacks an outcome column have no rows for it; groups
    below the privacy minimum have no figures."""
    specs = [OutcomeSpec.from_dict(d) for d in getattr(model, "outcomes_", [])]
    training = {d["column"]: d for d in getattr(model, "outcomes_", [])}
    pids = list(model.persona_ids_) + [UNASSIGNED]
    names = {**model.persona_names_, UNASSIGNED: _("Unassigned"), ALL: _("All customers")}
    rows = []
    for name, scored in periods:
        for spec in specs:
            sums = getattr(scored, "outcomes", {}).get(spec.column)
            if sums is None:
                continue
            groups = list(zip(pids, sums)) + [(ALL, sums.sum(axis=0))]
            for pid, s in groups:
                base = training[spec.column]["overall"] if pid == ALL else \
                    training[spec.column]["training"].get(pid)
                f = figure(spec, pid, int(s[0]), s, None)
                change = None if f.value is None or base is None else f.value - base
                rows.append({"period": name, "outcome": spec.column, "kind": spec.kind,
                             "persona_id": pid, "persona_name": names.get(pid, pid),
                             "customers": f.n, "value": _round(f.value), "low": _round(f.low),
                             "high": _round(f.high), "training_value": _round(base),
                             "change_vs_training": _round(change), "suppressed": f.suppressed})
    return pd.DataFrame(rows, columns=TRACKING_COLUMNS)


def _round(v: float | None) -> float | None:
    return None if v is None or not np.isfinite(v) else round(float(v), 6)
