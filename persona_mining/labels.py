"""How personas and trait values are named for readers: 'P3 · Bargain hunters', '48 %',
'40 days ago' (shared by the charts, the tables and the pages; never calls streamlit)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .profile import UNASSIGNED, fmt, humanize


def persona_label(ws: Any, pid: str) -> str:
    """'P3 · Bargain hunters', or 'Unassigned'."""
    return "Unassigned" if pid == UNASSIGNED else f"{pid} · {ws.persona_name(pid)}"


def feature_label(feature: str) -> str:
    if " = " in feature:
        col, level = feature.split(" = ", 1)
        return f"{humanize(col)}: {level}"
    return humanize(feature)


def trait_value(kind: str, column: str, value: float) -> str:
    """A trait's value in the units a reader expects: '48 %', '13.5', '40 days ago'."""
    if value is None or not np.isfinite(value):
        return "n/a"
    if kind in ("categorical", "boolean"):
        return f"{value * 100:.0f} %"
    if kind == "datetime":
        return f"{fmt(value)} days ago"
    return fmt(value, column)
