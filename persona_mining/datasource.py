"""What personas are found in, or a persona model scores: a customer table, or an event log
with its column mapping.

One value for every entry point, so the table-or-event-log decision is made once: the
Data page builds it from the upload and the mapping the user picked, the command line
from its flags (:mod:`persona_mining.cli`), and discovery (:func:`.pipeline.discover`),
scoring and tracking (:mod:`.scoring`, :mod:`.scale`) take it.

:class:`Dataset` is a source read for discovery (the customer table, how it was read, the
inferred column roles and the user's choices): what the Data page shows and hands to the
Discover page.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from .events import EventConfig, EventMapping
from .ingest import ColumnRoles, IngestReport, QualityReport


@dataclass(frozen=True)
class DataSource:
    """Where the data is and what it is.

    ``location`` is a path, the raw bytes of an upload (tables), or an event log already
    read into a frame; ``name`` is the file name used in reports and messages (needed for
    bytes and frames). ``events`` is None for a customer table (one row per customer);
    for an event log (one row per touchpoint) it is the column mapping, where the roles
    left open are detected by name, or taken from the persona model that scores it.
    ``session_gap``: minutes without events that end a visit (None: 30, or the model's).
    """

    location: Any
    name: str | None = None
    events: EventMapping | None = None
    session_gap: float | None = None

    @classmethod
    def table(cls, location: Any, name: str | None = None) -> "DataSource":
        """A customer table (CSV/TSV/TXT, Parquet, Excel .xlsx, JSON Lines)."""
        return cls(location, name)

    @classmethod
    def event_log(cls, location: Any, mapping: EventMapping | None = None, *,
                  name: str | None = None, session_gap: float | None = None) -> "DataSource":
        """An event log; ``mapping``: the columns named so far (the rest is detected)."""
        return cls(location, name, mapping or EventMapping(), session_gap)

    @property
    def is_event_log(self) -> bool:
        return self.events is not None

    @property
    def label(self) -> str:
        """The file name shown to the user (never a full path)."""
        if self.name:
            return self.name
        if isinstance(self.location, (str, os.PathLike)):
            return Path(self.location).name
        return "events" if self.is_event_log else "upload"

    def at(self, location: Any) -> "DataSource":
        """The same kind of data and mapping, read from ``location`` (e.g. one partition)."""
        return dataclasses.replace(self, location=location)

    def event_config(self, base: EventConfig = EventConfig()) -> EventConfig:
        """How to aggregate the log: ``base`` with this source's session gap, if given."""
        if self.session_gap is None:
            return base
        return dataclasses.replace(base, session_gap_minutes=self.session_gap)

    def completed(self) -> "DataSource":
        """An event log with every role of its mapping decided (the open ones detected from
        the log's column names); a table as it is."""
        if self.events is None or self.events.complete:
            return self
        from .events import log_columns

        _label, columns = log_columns(self.location, self.event_config(), self.name)
        return dataclasses.replace(self, events=self.events.completed(columns))

    def customer_table(self, event_config: EventConfig = EventConfig()
                       ) -> tuple[pd.DataFrame, IngestReport]:
        """One row per customer and how it was read: the table itself, or the event log
        aggregated into behaviour features per customer (per account for B2B logs)."""
        if self.events is None:
            from .ingest import read_table

            return read_table(self.location, name=self.name)
        from .events import aggregate_events

        src = self.completed()
        return aggregate_events(src.location, src.events, self.event_config(event_config),
                                name=self.label)


def id_column(events: EventMapping) -> str:
    """The id column of the customer table aggregated from a log with this mapping."""
    return "account_id" if events.account else "customer_id"


@dataclass(frozen=True, eq=False)      # holds frames: the same dataset is the same object
class Dataset:
    """A source read for discovery, before it becomes a workspace.

    ``frame`` holds one row per customer (for an event log: its behaviour features per
    customer), ``inferred`` the column roles as inferred, ``roles`` the role of every
    column as the user chose it (the inferred ones until they change some).
    ``event_log`` is the log the table was aggregated from, with its complete mapping
    (journeys are read from it); None for a customer table. ``origin`` tells where it
    was read from (e.g. the upload's id), so a page can tell a new upload from this one.
    """

    frame: pd.DataFrame
    report: IngestReport
    inferred: ColumnRoles
    roles: Mapping[str, str]
    event_log: DataSource | None = None
    origin: str = ""
    _memo: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def read(cls, source: DataSource, origin: str = "") -> "Dataset":
        """Read ``source`` and infer its column roles (an event log's customer column is
        the id of the aggregated table)."""
        from .ingest import infer_roles

        source = source.completed()
        frame, report = source.customer_table()
        inferred = infer_roles(frame, id_col=frame.columns[0] if source.is_event_log else None,
                               source=report.source)
        return cls(frame, report, inferred, inferred.as_mapping(),
                   source if source.is_event_log else None, origin)

    @property
    def project(self) -> str:
        """The name of the project a discovery on this data starts: the file's name."""
        from . import projects
        from .errors import InputError
        from .i18n import _

        try:
            return projects.safe_name(self.report.source.rsplit(".", 1)[0])
        except InputError:
            return _("Uploaded data")

    @classmethod
    def of_workspace(cls, ws: Any, changes: Mapping[str, str] | None = None) -> "Dataset":
        """The data a workspace was discovered on, as it keeps it (personal data and free
        text are not kept), with the user's role ``changes`` since."""
        return cls(ws.data, ws.source, ws.roles, {**ws.roles.as_mapping(), **(changes or {})})

    @property
    def role_choices(self) -> tuple[tuple[str, str], ...]:
        """(column, role) of every column of the table: what discovery is configured with."""
        return tuple(sorted((c, r) for c, r in self.roles.items() if c in self.frame.columns))

    def with_roles(self, roles: Mapping[str, str]) -> "Dataset":
        """The same data with the user's roles (column -> role)."""
        return dataclasses.replace(self, roles=dict(roles), _memo=self._memo)

    def quality(self, roles: ColumnRoles) -> QualityReport:
        """The data-quality report under ``roles`` (the last one is kept: the Data page
        redraws with the same roles far more often than the roles change)."""
        from .ingest import quality_report

        key = ("quality", tuple(sorted(roles.as_mapping().items())))
        if key not in self._memo:
            self._memo.clear()
            self._memo[key] = quality_report(self.frame, roles)
        return self._memo[key]
