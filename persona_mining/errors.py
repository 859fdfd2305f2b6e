"""Errors a user can act on.

Every problem caused by the user's input (file, column, setting) is raised as
:class:`InputError` with one sentence that names the file, column or row and says
what to do. The CLI turns it into exit status 2 and one line on stderr; the
workbench shows it as an error box and keeps the previous state.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad input the user can fix: the message is shown to them verbatim."""

    def __init__(self, message: str, *, source: str | None = None,
                 column: str | None = None, row: int | None = None) -> None:
        self.source = source
        self.column = column
        self.row = row
        super().__init__(message)


class ModelError(InputError):
    """A saved workspace or persona model that cannot be used (tampered, wrong version)."""
