"""How input problems are worded: one sentence naming the file (and column or row)
and what to do, plus the small formatting helpers the messages share.
"""

from __future__ import annotations

import difflib
from typing import Any, Sequence

import numpy as np

from ..errors import InputError
from ..i18n import _, current_language, fmt_number


def _fail(fname: str, what: str, todo: str, **where: Any) -> InputError:
    """The one-sentence error every input problem becomes: '<file>: <what> — <todo>'
    (``what`` and ``todo`` come translated: whole clauses, each its own text)."""
    return InputError(_("{file}: {problem} — {todo}", file=fname, problem=what, todo=todo),
                      source=fname, **where)


def _short(exc: Any, limit: int = 120) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _unknown_column(source: str, column: str, what: str, available: Sequence[str]) -> InputError:
    """'x.csv: column 'Custid' (id column) does not exist — did you mean ...; available: ...'."""
    close = difflib.get_close_matches(str(column), list(available), n=1, cutoff=0.6)
    hint = _("did you mean '{column}'? ", column=close[0]) if close else ""
    shown = ", ".join(f"'{c}'" for c in list(available)[:10])
    more = _(", … ({n} columns)", n=len(available)) if len(available) > 10 else ""
    return InputError(_("{source}: column '{column}' ({what}) does not exist — {hint}available "
                        "columns: {columns}{more}", source=source, column=column, what=what,
                        hint=hint, columns=shown, more=more), source=source, column=str(column))


def _pct(share: float) -> str:
    """'42%' (English, as the messages always were) / '42 %' (German)."""
    sign = "%" if current_language() == "en" else "\u00a0%"
    if 0 < share < 0.01:
        return "<1" + sign
    if 0.99 < share < 1:
        return ">99" + sign
    return fmt_number(share * 100) + sign


def _show(value: Any) -> str:
    """A value for a message: whole floats without '.0', text in quotes, long text cut."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (int, float, np.integer, np.floating, bool, np.bool_)):
        return str(value)
    text = str(value)
    return f"'{text if len(text) <= 40 else text[:39] + '…'}'"
