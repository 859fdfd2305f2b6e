"""What was read and how: the :class:`IngestReport` saved with every workspace, and
the findings collected while one file is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class IngestReport:
    """What was read and how: shown to the user and saved with every workspace.

    ``source`` is the file name only, never a full path of the user's machine.
    """

    source: str
    sha256: str
    format: str                 # "csv" | "parquet" | "xlsx" | "jsonl"
    encoding: str | None
    delimiter: str | None       # ",", ";", "\t", "|", "whitespace"
    decimal: str | None
    thousands: str | None
    n_rows: int
    n_columns: int
    dropped_rows: tuple[tuple[str, int], ...] = ()
    dropped_columns: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict (tuples become lists)."""
        return {"source": self.source, "sha256": self.sha256, "format": self.format,
                "encoding": self.encoding, "delimiter": self.delimiter, "decimal": self.decimal,
                "thousands": self.thousands, "n_rows": self.n_rows, "n_columns": self.n_columns,
                "dropped_rows": [[r, int(n)] for r, n in self.dropped_rows],
                "dropped_columns": [[c, r] for c, r in self.dropped_columns],
                "notes": list(self.notes)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "IngestReport":
        """Inverse of :meth:`to_dict`; unknown keys are ignored (newer versions may add some)."""
        return cls(source=str(d["source"]), sha256=str(d["sha256"]), format=str(d["format"]),
                   encoding=d.get("encoding"), delimiter=d.get("delimiter"),
                   decimal=d.get("decimal"), thousands=d.get("thousands"),
                   n_rows=int(d["n_rows"]), n_columns=int(d["n_columns"]),
                   dropped_rows=tuple((str(r), int(n)) for r, n in d.get("dropped_rows", ())),
                   dropped_columns=tuple((str(c), str(r)) for c, r in d.get("dropped_columns", ())),
                   notes=tuple(str(n) for n in d.get("notes", ())))


@dataclass
class _ReadState:
    """Findings collected while reading one file (becomes the IngestReport)."""

    fname: str
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    thousands: str | None = None
    dropped_rows: list[tuple[str, int]] = field(default_factory=list)
    dropped_columns: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    keep_text: set[str] = field(default_factory=set)      # leading-zero code columns
    unnamed: set[str] = field(default_factory=set)        # columns that had no header
