"""The :class:`ColumnRoles` model: the role of every column (see :mod:`persona_mining.roles`), why,
and whether the user set it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pandas as pd

from ..errors import InputError
from ..roles import ALL_ROLES, FEATURE_ROLES, ID, IGNORE
from ..i18n import _
from .messages import _unknown_column


@dataclass(frozen=True)
class ColumnRole:
    """What one column is used for, and why (shown next to the column in the workbench)."""

    column: str
    role: str
    reason: str
    inferred: bool = True       # False when set by the user


@dataclass(frozen=True)
class ColumnRoles:
    """The role of every column, in table order; at most one id column."""

    items: tuple[ColumnRole, ...]
    _by_column: dict = field(init=False, repr=False, compare=False, hash=False, default=None)

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))
        by_column = {}
        for item in self.items:
            if item.role not in ALL_ROLES:
                raise InputError(_("column '{column}': '{role}' is not a column role — use one "
                                   "of: {roles}", column=item.column, role=item.role,
                                   roles=", ".join(ALL_ROLES)), column=item.column)
            if item.column in by_column:
                raise InputError(_("column '{column}' has two roles — give each column one role",
                                   column=item.column), column=item.column)
            by_column[item.column] = item
        ids = [i.column for i in self.items if i.role == ID]
        if len(ids) > 1:
            raise InputError(_("two id columns ('{first}' and '{second}') — choose one id column",
                               first=ids[0], second=ids[1]))
        object.__setattr__(self, "_by_column", by_column)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, column: object) -> bool:
        return column in self._by_column

    def get(self, column: str) -> ColumnRole | None:
        """The :class:`ColumnRole` of ``column``, None if it is unknown."""
        return self._by_column.get(column)

    def role(self, column: str) -> str:
        """Role of ``column``; InputError for a column that is not in the table."""
        item = self._by_column.get(column)
        if item is None:
            known = [i.column for i in self.items]
            raise InputError(_("column '{column}' has no role: it is not in the table — known "
                               "columns: {columns}", column=column,
                               columns=", ".join(known[:10]) + (" …" if len(known) > 10 else "")),
                             column=str(column))
        return item.role

    def columns(self, *roles: str) -> list[str]:
        """Columns with any of ``roles`` (all columns without arguments), in table order."""
        return [i.column for i in self.items if not roles or i.role in roles]

    @property
    def id_col(self) -> str | None:
        ids = self.columns(ID)
        return ids[0] if ids else None

    @property
    def feature_columns(self) -> list[str]:
        """Columns that become behaviour features (numeric, categorical, boolean, datetime)."""
        return self.columns(*FEATURE_ROLES)

    def as_mapping(self) -> dict[str, str]:
        """column -> role, in table order."""
        return {i.column: i.role for i in self.items}

    def with_overrides(self, overrides: Mapping[str, str], source: str = "data") -> "ColumnRoles":
        """New roles with the user's choices (column -> role) applied.

        A new id column replaces the old one, which becomes ``ignore``; two id columns in
        one set of overrides, unknown columns and unknown roles are InputErrors.
        """
        overrides = dict(overrides or {})
        known = [i.column for i in self.items]
        for col, role in overrides.items():
            if col not in self._by_column:
                raise _unknown_column(source, col, _("role override"), known)
            if role not in ALL_ROLES:
                raise InputError(_("{source}: '{role}' is not a column role (column '{column}') — "
                                   "use one of: {roles}", source=source, role=role, column=col,
                                   roles=", ".join(ALL_ROLES)), source=source, column=col)
        new_ids = [c for c, r in overrides.items() if r == ID]
        if len(new_ids) > 1:
            raise InputError(_("{source}: two id columns given ('{first}' and '{second}') — choose "
                               "one id column", source=source, first=new_ids[0],
                               second=new_ids[1]), source=source)
        items = []
        for item in self.items:
            if item.column in overrides:
                role = overrides[item.column]
                reason = _("set by you") if role != IGNORE else _("left out by you")
                items.append(ColumnRole(item.column, role, reason, inferred=False))
            elif new_ids and item.role == ID:
                items.append(ColumnRole(item.column, IGNORE,
                                        _("not used: '{column}' is the id column",
                                          column=new_ids[0]),
                                        inferred=item.inferred))
            else:
                items.append(item)
        return ColumnRoles(tuple(items))

    def to_frame(self) -> pd.DataFrame:
        """One row per column: column, role, reason, inferred (for tables in the UI)."""
        return pd.DataFrame([{"column": i.column, "role": i.role, "reason": i.reason,
                              "inferred": i.inferred} for i in self.items],
                            columns=["column", "role", "reason", "inferred"])

    def to_dict(self) -> dict[str, Any]:
        return {"items": [{"column": i.column, "role": i.role, "reason": i.reason,
                           "inferred": bool(i.inferred)} for i in self.items]}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "ColumnRoles":
        return cls(tuple(ColumnRole(str(i["column"]), str(i["role"]), str(i.get("reason", "")),
                                    bool(i.get("inferred", True))) for i in d["items"]))
