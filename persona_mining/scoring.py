"""Scoring new customers with a persona model, and tracking personas over periods.

The unit of work is one *partition*: a table (customer rows, or an event log slice that
holds whole customers) -> assignments plus drift counts. The local engine runs the
whole input as one partition; the Dask engine (``scale``) runs many and adds them up,
so both engines compute the same numbers with the same code.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from . import refine
from .datasource import DataSource, id_column
from .errors import InputError
from .events import EventMapping
from .i18n import N_, _, fmt_number, fmt_percent, ngettext
from .model import PersonaModel, psi
from .outcomes import OutcomeSpec, partition_sums, tracking_frame

SHARE_PREFIXES = ("event_share: ", "channel_share: ", "role_share: ")
ACTIVE = "active_in_period"     # event-log period snapshots: had an event inside the period
FREQS = {"D": N_("day"), "W": N_("week"), "M": N_("month"), "Q": N_("quarter"), "Y": N_("year")}


@dataclass(frozen=True)
class DriftThresholds:
    psi: float = 0.2             # per feature: population stability index above this = drift
    unassigned: float = 0.05     # unassigned share rising by more than this (5 points) = drift

    def __post_init__(self) -> None:
        if not 0 < self.psi < 100:
            raise InputError(_("--psi-threshold {value}: give a positive number (0.2 is usual)",
                               value=self.psi))
        if not 0 < self.unassigned <= 1:
            raise InputError(_("--unassigned-threshold {value}: give a share between 0 and 1 "
                               "(0.05 = 5 points)", value=self.unassigned))


@dataclass
class Scored:
    """Assignments of one input (or period) and per-feature bin counts for drift."""
    assignments: pd.DataFrame
    counts: dict[str, np.ndarray] = field(default_factory=dict)
    real_ids: bool = True     # False: customer_id holds row numbers (the input has no id column)
    missing: dict[str, int] = field(default_factory=dict)   # empty cells per model feature column
    active: int | None = None  # event-log period: customers with an event inside the period
    notes: list[str] = field(default_factory=list)         # what the user should know
    # outcome column -> [customers with a value, sum, sum of squares] per persona code,
    # unassigned last (outcomes.partition_sums); only columns the input has
    outcomes: dict[str, np.ndarray] = field(default_factory=dict)

    @staticmethod
    def combine(parts: Sequence["Scored"], renumber: bool = False) -> "Scored":
        """Partitions in order -> one result; ``renumber``: ids were 1-based row numbers
        per partition, make them row numbers of the whole input."""
        frames, offset = [], 0
        for p in parts:
            a = p.assignments
            if renumber:
                a = a.assign(customer_id=(np.arange(1, len(a) + 1) + offset).astype(str))
            offset += len(a)
            frames.append(a)
        counts: dict[str, np.ndarray] = {}
        missing: dict[str, int] = {}
        sums: dict[str, np.ndarray] = {}
        for p in parts:
            for col, c in p.counts.items():
                counts[col] = counts[col] + c if col in counts else c.copy()
            for col, k in p.missing.items():
                missing[col] = missing.get(col, 0) + k
            for col, o in p.outcomes.items():
                sums[col] = sums[col] + o if col in sums else o.copy()
        actives = [p.active for p in parts if p.active is not None]
        cols = ["customer_id", "persona_id", "persona_name", "confidence"]
        out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
        return Scored(out, counts, all(p.real_ids for p in parts) and not renumber, missing,
                      sum(actives) if actives else None, outcomes=sums)


# -- one partition ---------------------------------------------------------------------------
def score_partition(model: PersonaModel, frame: pd.DataFrame, source: str = "input",
                    id_col: str | None = None) -> Scored:
    """Assign every row of a customer table and count its feature values in the drift bins."""
    id_col = id_col if id_col is not None else model.id_col_
    real = bool(id_col and id_col in frame.columns)
    active = int(frame[ACTIVE].sum()) if ACTIVE in frame.columns else None
    if len(frame) == 0:
        return Scored(model.assignments(np.zeros(0, np.int32), np.zeros(0), np.zeros(0, object)),
                      active=active)
    typed = model.prepare(frame, source)
    codes, conf = model.assign_matrix(model.prep_.transform(typed))
    empty = typed[model.prep_.source_columns_].isna()
    nothing = empty.to_numpy().all(axis=1)          # no behaviour data at all: fits no persona
    codes[nothing], conf[nothing] = -1, 0.0
    specs = [OutcomeSpec.from_dict(d) for d in getattr(model, "outcomes_", [])]
    return Scored(model.assignments(codes, conf, _ids(frame, id_col)), feature_counts(typed, model),
                  real, {c: int(k) for c, k in empty.sum().items()}, active,
                  outcomes=partition_sums(specs, frame, codes, len(model.persona_ids_)))


def check_coverage(model: PersonaModel, scored: Scored, source: str) -> Scored:
    """An input that gives no values for most of the model's features is an error (wrong
    file?); a few empty feature columns are a note. Runs on whole inputs (both engines)."""
    n = len(scored.assignments)
    if n == 0:
        return scored
    empty = [c for c, k in scored.missing.items() if k == n]
    if len(empty) > len(model.prep_.source_columns_) / 2:
        raise InputError(_("{source}: no readable values in {empty} of the model's {n} feature "
                           "columns (e.g. {examples}) — is this the kind of file the personas "
                           "were found on?", source=source, empty=len(empty),
                           n=len(model.prep_.source_columns_),
                           examples=", ".join(repr(c) for c in empty[:3])),
                         source=source, column=empty[0])
    if empty:
        scored.notes.append(_("no readable values in {columns}: scored as missing (filled like "
                              "in training)", columns=", ".join(repr(c) for c in empty[:5])))
    return scored


def feature_counts(typed: pd.DataFrame, model: PersonaModel) -> dict[str, np.ndarray]:
    from .model import feature_shares

    return {c: s * len(typed) for c, s in feature_shares(typed, model.baseline_, model.prep_).items()}


def _ids(frame: pd.DataFrame, id_col: str | None) -> np.ndarray:
    if id_col and id_col in frame.columns:
        return frame[id_col].astype(str).to_numpy(dtype=object)
    return np.arange(1, len(frame) + 1).astype(str).astype(object)


# -- reading inputs ------------------------------------------------------------------------------
def model_source(model: PersonaModel, source: DataSource | str | os.PathLike | pd.DataFrame,
                 name: str | None = None) -> DataSource:
    """What a persona model scores: a path or frame is the model's kind of data (an event
    log read with the model's mapping when it was made from one, else a customer table);
    a :class:`DataSource` says itself."""
    if isinstance(source, DataSource):
        return source
    if model.events_ is not None:
        return DataSource.event_log(source, name=name)
    return DataSource.table(source, name)


def event_setup(model: PersonaModel, source: DataSource):
    """(EventMapping, EventConfig, levels) for scoring an event log with this model: the
    model's training mapping and config with what the source names on top."""
    from .events import EventConfig

    spec = model.events_ or {}
    mapping = (source.events or EventMapping()).over(spec.get("mapping") or {})
    if model.events_ is None:
        raise InputError(_("this persona model was made from a customer table, not from an event "
                           "log — score a customer table with the same columns (without --events)"))
    cfg = dict(spec.get("config") or {})
    if source.session_gap is not None:
        cfg["session_gap_minutes"] = source.session_gap
    known = set(EventConfig.__dataclass_fields__)
    return mapping, EventConfig(**{k: v for k, v in cfg.items() if k in known}), \
        spec.get("levels") or {}


def align_event_features(frame: pd.DataFrame, model: PersonaModel) -> pd.DataFrame:
    """Event features in the model's columns: a touchpoint share the log cannot have is 0,
    any other missing feature is missing (imputed like in training)."""
    out = frame.copy()
    for col in model.prep_.source_columns_:
        if col not in out.columns:
            out[col] = 0.0 if col.startswith(SHARE_PREFIXES) else np.nan
    return out


def event_window(model: PersonaModel, period: tuple[Any, Any] | None) -> tuple[Any, Any] | None:
    """The events that describe the customers of one tracking period of an event log.

    Behaviour features depend on how much history they see (events, tenure, sessions over
    six months are not those over one month), so a period is a snapshot like the one the
    personas were found on: everyone with events in a look-back as long as the training
    log, ending with the period (shorter only where the log starts later)."""
    if period is None:
        return None
    span = (model.events_ or {}).get("span_days")
    lo, hi = pd.Timestamp(period[0]), pd.Timestamp(period[1])
    if not span:
        return lo, hi
    # + 1 day: the training span is measured from first to last event (inclusive)
    return min(lo, hi - pd.Timedelta(days=float(span) + 1)), hi


def read_events(model: PersonaModel, source: DataSource | str | os.PathLike | pd.DataFrame,
                window: tuple[Any, Any] | None = None, end_time: Any = None,
                name: str | None = None) -> tuple[pd.DataFrame, str]:
    """Event log (file or frame) -> the model's customer features; returns (table, id column).
    ``window``: a tracking period (see :func:`event_window`)."""
    from .events import aggregate_events

    source = model_source(model, source, name)
    mapping, cfg, levels = event_setup(model, source)
    frame, _report = aggregate_events(source.location, mapping, cfg, levels=levels,
                                window=event_window(model, window), end_time=end_time,
                                name=source.name, active=window)
    return align_event_features(frame, model), id_column(mapping)


def score(model: PersonaModel, source: DataSource | str | os.PathLike) -> Scored:
    """Local engine: a customer table or event log -> assignments (input order for
    tables, customer id order for event logs)."""
    source = model_source(model, source)
    if isinstance(source.location, (str, os.PathLike)) and not Path(source.location).exists():
        raise InputError(_("{file}: file not found — check the path", file=source.location))
    if source.is_event_log:
        frame, id_col = read_events(model, source)
        return check_coverage(model, score_partition(model, frame, source.label, id_col),
                              source.label)
    from .ingest import read_table

    frame, report = read_table(source.location, name=source.name)
    return check_coverage(model, score_partition(model, frame, report.source), report.source)


# -- periods ---------------------------------------------------------------------------------------
def period_windows(start: Any, end: Any, freq: str, last: Any = None
                   ) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    """(name, start, end) for each calendar period from ``start`` to ``end`` inclusive;
    with ``last`` (the log's last event) no period ends after it, so that the last
    snapshot of a log sees exactly what discovery saw."""
    if freq not in FREQS:
        values = ", ".join(f"{k} ({_(v)})" for k, v in FREQS.items())
        raise InputError(_("--freq {freq}: use one of {values}", freq=freq, values=values))
    periods = pd.period_range(pd.Timestamp(start), pd.Timestamp(end), freq=freq)
    if len(periods) > 400:
        raise InputError(_("--freq {freq} gives {n} periods between {start} and {end} — choose a "
                           "coarser period (W, M, Q or Y)", freq=freq, n=len(periods), start=start,
                           end=end))
    cap = None if last is None else pd.Timestamp(last) + pd.Timedelta(microseconds=1)
    return [(str(p), p.start_time, (p + 1).start_time if cap is None else min((p + 1).start_time, cap))
            for p in periods]


def event_time_range(model: PersonaModel, source: DataSource | str | os.PathLike
                     ) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last event of a log, read with the model's mapping."""
    from .events import time_range

    source = model_source(model, source)
    mapping, cfg, _levels = event_setup(model, source)
    return time_range(source.location, mapping, cfg)


def split_table(frame: pd.DataFrame, time_col: str, freq: str,
                source: str = "input") -> list[tuple[str, pd.DataFrame]]:
    """A customer table with a date column -> one table per calendar period."""
    if time_col not in frame.columns:
        raise InputError(_("{source}: no column '{column}' for --time-col — columns are: {columns}",
                           source=source, column=time_col, columns=", ".join(map(str, frame.columns))),
                         source=source, column=time_col)
    ts = pd.to_datetime(frame[time_col], errors="coerce", utc=True).dt.tz_localize(None)
    if ts.notna().mean() < 0.5:
        raise InputError(_("{source}: column '{column}' is not a date for most rows — give the "
                           "column that holds each row's date", source=source, column=time_col),
                         source=source, column=time_col)
    out = []
    for name, lo, hi in period_windows(ts.min(), ts.max(), freq):
        part = frame[(ts >= lo) & (ts < hi)]
        out.append((name, part.reset_index(drop=True)))
    return out


# -- tracking ---------------------------------------------------------------------------------------
def tracking_table(model: PersonaModel, periods: Sequence[tuple[str, Scored]]) -> pd.DataFrame:
    """period, persona_id, persona_name, customers, share, change (points vs. training)."""
    order = list(model.persona_ids_) + [refine.UNASSIGNED]
    names = {**model.persona_names_, refine.UNASSIGNED: "Unassigned"}
    rows = []
    for name, scored in periods:
        counts = scored.assignments["persona_id"].value_counts()
        n = len(scored.assignments)
        for pid in order:
            c = int(counts.get(pid, 0))
            share = c / n if n else 0.0
            rows.append({"period": name, "persona_id": pid, "persona_name": names[pid],
                         "customers": c, "share": round(share, 6),
                         "change_vs_training": round(share - model.training_shares_.get(pid, 0.0), 6)})
    return pd.DataFrame(rows, columns=["period", "persona_id", "persona_name", "customers", "share",
                                       "change_vs_training"])


def drift_report(model: PersonaModel, periods: Sequence[tuple[str, Scored]],
                 thresholds: DriftThresholds = DriftThresholds()) -> dict[str, Any]:
    """Per period: unassigned share and its change vs. training, PSI per feature, new and
    persona-switching customers vs. the previous period, and plain-language warnings."""
    out = []
    prev: Scored | None = None
    base_un = model.training_shares_[refine.UNASSIGNED]
    for name, scored in periods:
        a = scored.assignments
        n = len(a)
        un = float((a["persona_id"] == refine.UNASSIGNED).mean()) if n else 0.0
        psis = {col: round(psi(model.baseline_[col]["shares"], c / max(c.sum(), 1)), 4)
                for col, c in scored.counts.items() if n}
        drifted = sorted((c for c, v in psis.items() if v > thresholds.psi), key=lambda c: -psis[c])
        warnings = []
        if n == 0:
            warnings.append(_("no customers in this period"))
        elif scored.active == 0:
            warnings.append(_("no events in this period: the snapshot repeats the last active one"))
        warnings += scored.notes
        if n and un - base_un > thresholds.unassigned:
            warnings.append(_("unassigned share {share} is {points} points above training "
                              "({training}): customers no persona describes well",
                              share=fmt_percent(un, 1), points=fmt_number(100 * (un - base_un), 1),
                              training=fmt_percent(base_un, 1)))
        if drifted:
            from .profile import humanize

            listed = ", ".join(f"{humanize(c)} (PSI {fmt_number(psis[c], 2)})" for c in drifted[:5])
            if len(drifted) > 5:
                warnings.append(ngettext("feature distributions moved: {features} and {n} more",
                                         "feature distributions moved: {features} and {n} more",
                                         len(drifted) - 5, features=listed))
            else:
                warnings.append(_("feature distributions moved: {features}", features=listed))
        new_share, switch_share = _movement(prev, scored)
        out.append({"period": name, "customers": n, "unassigned_share": round(un, 6),
                    "unassigned_change": round(un - base_un, 6), "new_customer_share": new_share,
                    "persona_switch_share": switch_share, "active_customers": scored.active,
                    "psi": psis,
                    "drifted_features": drifted, "warnings": warnings, "drift": bool(n and (
                        un - base_un > thresholds.unassigned or drifted))})
        prev = scored if n else prev
    return {"thresholds": {"psi": thresholds.psi, "unassigned_points": thresholds.unassigned},
            "training": {"unassigned_share": base_un,
                         "shares": {pid: model.training_shares_[pid] for pid in model.persona_ids_}},
            "periods": out, "drift": any(p["drift"] for p in out)}


def _movement(prev_scored: Scored | None, cur_scored: Scored) -> tuple[float | None, float | None]:
    """Share of this period's customers not seen in the previous one, and share of the
    returning customers whose persona changed. Needs real customer ids (not row numbers)."""
    if prev_scored is None or not len(cur_scored.assignments) or not (
            prev_scored.real_ids and cur_scored.real_ids):
        return None, None
    prev, cur = prev_scored.assignments, cur_scored.assignments
    before = dict(zip(prev["customer_id"], prev["persona_id"]))
    seen = cur["customer_id"].map(before)
    returning = seen.notna()
    new = round(float(1 - returning.mean()), 6)
    if not returning.any():
        return new, None
    return new, round(float((seen[returning] != cur["persona_id"][returning]).mean()), 6)


def summary_lines(table: pd.DataFrame, drift: Mapping[str, Any]) -> list[str]:
    """The tracking numbers as a plain-text table for the command line."""
    wide = table.pivot_table(index="period", columns="persona_id", values="share", sort=False)
    pids = list(dict.fromkeys(table["persona_id"]))
    wide = wide[pids]
    head = (f"{_('period'):<12}{_('customers'):>10}" + "".join(f"{p[:10]:>11}" for p in pids)
            + "  " + _("drift"))
    lines = [head]
    by = {p["period"]: p for p in drift["periods"]}
    for period, row in wide.iterrows():
        d = by[period]
        cells = "".join(f"{fmt_number(v * 100, 1):>10}%" for v in row.to_numpy())
        lines.append(f"{str(period):<12}{fmt_number(d['customers']):>10}{cells}  "
                     + (_("YES") if d['drift'] else _("no")))
    for p in drift["periods"]:
        for w in p["warnings"]:
            lines.append(_("warning [{period}]: {warning}", period=p['period'], warning=w))
    return lines


# -- scoring periods: one path for the command line and the Track page ------------------------
@dataclass(frozen=True)
class Period:
    """One tracking period: its name and where its customers are.

    ``window``: for an event log cut by date, the period (its snapshot, see
    :func:`event_window`); ``rows``: for a customer table cut by a date column, the
    period's rows; neither: the whole source is the period.
    """

    name: str
    source: DataSource
    window: tuple[Any, Any] | None = None
    rows: pd.DataFrame | None = field(default=None, compare=False, repr=False)

    @property
    def label(self) -> str:
        """How messages name the period's data: the file, and the period when it was cut."""
        whole = self.window is None and self.rows is None
        return self.source.label if whole else f"{self.source.label} ({self.name})"


class LocalEngine:
    """Scores each period in this process, the whole period as one partition."""

    def score(self, model: PersonaModel, period: Period) -> Scored:
        if period.rows is not None:
            scored = score_partition(model, period.rows, period.label)
        elif period.window is not None:
            frame, id_col = read_events(model, period.source, window=period.window)
            scored = score_partition(model, frame, period.label, id_col)
        else:
            return score(model, period.source)
        return check_coverage(model, scored, period.label)


LOCAL = LocalEngine()


def periods_by_file(sources: Sequence[DataSource], names: Sequence[str] | None = None
                    ) -> list[Period]:
    """One period per file, named by ``names`` (default: the file names without extension)."""
    names = list(names) if names else [Path(s.label).stem for s in sources]
    if len(names) != len(sources):
        raise InputError(_("--period-names: {names} names for {files} files — give one name per "
                           "file", names=len(names), files=len(sources)))
    return [Period(n, s) for n, s in zip(names, sources)]


def periods_by_date(model: PersonaModel, source: DataSource, freq: str,
                    time_col: str | None = None) -> list[Period]:
    """One file cut into calendar periods (``freq``: D, W, M, Q, Y).

    An event log is cut by its time column (``time_col``, else the model's): every period
    is a snapshot (see :func:`event_window`), and no period ends after the log's last event.
    A customer table is cut by ``time_col``, one table per period.
    """
    source = model_source(model, source)
    if source.is_event_log:
        if time_col:
            source = dataclasses.replace(source, events=dataclasses.replace(source.events,
                                                                            time=time_col))
        lo, hi = event_time_range(model, source)
        return [Period(name, source, (a, b)) for name, a, b in period_windows(lo, hi, freq, last=hi)]
    if not time_col:
        raise InputError(_("{file}: name the date column that cuts the file into periods",
                           file=source.label))
    from .ingest import read_table

    frame, report = read_table(source.location, name=source.name)
    return [Period(name, source, rows=part)
            for name, part in split_table(frame, time_col, freq, report.source)]


@dataclass
class Tracking:
    """Scored periods, the persona shares per period, the drift report, and the outcomes
    per persona and period (:func:`outcomes.tracking_frame`; empty without outcomes)."""
    periods: list[tuple[str, Scored]]
    table: pd.DataFrame
    drift: dict[str, Any]
    outcomes: pd.DataFrame


def track(model: PersonaModel, periods: Sequence[Period], engine: Any = LOCAL,
          thresholds: DriftThresholds = DriftThresholds()) -> Tracking:
    """Score every period with ``engine`` (:data:`LOCAL`, or :class:`.scale.DaskEngine`)
    and measure the personas over them: shares and drift (see :func:`tracking_table`,
    :func:`drift_report`, outcomes per persona: :func:`outcomes.tracking_frame`)."""
    scored = [(p.name, engine.score(model, p)) for p in periods]
    return Tracking(scored, tracking_table(model, scored), drift_report(model, scored, thresholds),
                    tracking_frame(model, scored))


# -- the workbench's Track page -------------------------------------------------------------------
def track_uploads(model: PersonaModel, uploads: Sequence[tuple[str, bytes]], *,
                  time_col: str | None = None, freq: str | None = None,
                  thresholds: DriftThresholds = DriftThresholds()) -> dict[str, Any]:
    """Uploaded files -> a JSON-ready tracking result (kept in the workspace's extras).

    One file per period (ordered by file name, e.g. 2026-01.csv, 2026-02.csv), or one
    file cut into calendar periods by ``time_col`` and ``freq``. Files are customer
    tables, or event logs when the model was made from one.
    """
    import datetime as _dt
    import tempfile

    if not uploads:
        raise InputError(_("upload at least one file: one per period, or one with a date column"))
    if freq and len(uploads) != 1:
        raise InputError(_("cutting by a date column works on one file — upload one file, or "
                           "one file per period without a date column"))
    uploads = sorted(uploads, key=lambda u: _natural(u[0]))
    names = [Path(n).stem for n, _data in uploads]
    if len(set(names)) != len(names):
        raise InputError(_("two uploads have the same name — name the files by period, e.g. "
                           "2026-01.csv"))
    with tempfile.TemporaryDirectory(prefix="persona-track-") as tmp:
        sources = [_upload_source(model, Path(tmp) / str(i), fname, data, time_col)
                   for i, (fname, data) in enumerate(uploads)]
        periods = periods_by_date(model, sources[0], freq, time_col) if freq else \
            periods_by_file(sources, names)
        result = track(model, periods, LOCAL, thresholds)
    return {"created_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "files": [n for n, _data in uploads], "time_col": time_col, "freq": freq,
            "table": result.table.to_dict(orient="records"),
            "outcomes": result.outcomes.to_dict(orient="records"), "drift": result.drift}


def _upload_source(model: PersonaModel, stem: Path, fname: str, data: bytes,
                   time_col: str | None) -> DataSource:
    """An upload as the model's kind of data; event logs are read by DuckDB from a file."""
    if model.events_ is None:
        return DataSource.table(data, fname)
    path = stem.with_suffix(Path(fname).suffix or ".csv")
    path.write_bytes(data)
    return DataSource.event_log(path, EventMapping(time=time_col or None), name=fname)


def _natural(s: str) -> list:
    import re

    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", s)]
