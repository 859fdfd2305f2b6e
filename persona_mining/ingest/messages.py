"""How input problems are worded: one sentence naming the file (and column or row)
and what to do, plus the small formatting helpers the messages share.
"""

from __future__ import annotations

import difflib
from typing import Any, Sequence

import numpy as np

from ..errors import InputError


def _fail(fname: str, what: str, todo: str, **where: Any) -> InputError:
    """The one-sentence error every input problem becomes: '<file>: <what> — <todo>'."""
    return InputError(f"{fname}: {what} — {todo}", source=fname, **where)


def _short(exc: Any, limit: int = 120) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _unknown_column(source: str, column: str, what: str, available: Sequence[str]) -> InputError:
    """'x.csv: column 'Custid' (id column) does not exist — did you mean ...; available: ...'."""
    close = difflib.get_close_matches(str(column), list(available), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    shown = ", ".join(f"'{c}'" for c in list(available)[:10])
    more = f", … ({len(available)} columns)" if len(available) > 10 else ""
    return InputError(f"{source}: column '{column}' ({what}) does not exist — {hint}"
                      f"available columns: {shown}{more}", source=source, column=str(column))


def _pct(share: float) -> str:
    if 0 < share < 0.01:
        return "<1%"
    if 0.99 < share < 1:
        return ">99%"
    return f"{share * 100:.0f}%"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _show(value: Any) -> str:
    """A value for a message: whole floats without '.0', text in quotes, long text cut."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (int, float, np.integer, np.floating, bool, np.bool_)):
        return str(value)
    text = str(value)
    return f"'{text if len(text) <= 40 else text[:39] + '…'}'"
