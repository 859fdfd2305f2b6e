"""Scoring on Dask (``--engine dask``): the same partition function as the local engine,
run on many partitions of the input, on a local or a remote Dask cluster.

* Customer tables (CSV/TSV/TXT): the file is cut into byte blocks at line ends
  (``dask.bytes.read_bytes``, so local paths, globs and remote URLs such as ``s3://``
  work); every block gets the header line and goes through the same reader as a local
  file. Parquet: one partition per row group / file. Row order is kept.
* Event logs (CSV or Parquet): events are shuffled so that each partition holds whole
  customers (or accounts), then every partition is aggregated by the same DuckDB code
  with the global end of the log as "now" and the model's touchpoint levels.

Partition results (assignments and drift-bin counts) come back to the client and are
added up in input order: a 1M-customer assignment table is ~40 MB.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import os
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from . import safe_read
from .errors import InputError
from .i18n import _, current_language, language
from .model import PersonaModel
from .datasource import DataSource
from .scoring import (Period, Scored, event_setup, event_window, model_source, read_events,
                      score_partition)

BLOCKSIZE = 32 * 2**20      # bytes per customer-table partition


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, workers: int = 2) -> Iterator[Any]:
    """A Dask client: connected to ``scheduler`` (e.g. tcp://10.0.0.5:8786), or to a
    LocalCluster of ``workers`` processes on this machine, closed afterwards. The local
    cluster listens on 127.0.0.1 only and serves no dashboard."""
    if not 1 <= workers <= 256:
        raise InputError(_("--workers {n}: give a number of worker processes from 1 to 256",
                           n=workers))
    from distributed import Client, LocalCluster

    # Each shuffle logs two WARNING lines about its own life cycle: not the user's concern.
    logging.getLogger("distributed.shuffle._scheduler_plugin").setLevel(logging.ERROR)

    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(_("--scheduler {address}: cannot reach the Dask scheduler ({problem}) "
                               "— check the address (tcp://HOST:8786) and that it is running",
                               address=scheduler, problem=exc)) from None
        try:
            yield client
        finally:
            _SHUFFLED.clear()
            client.close()
        return
    # silence_logs: a task's InputError reaches the user once, as one line, not as a
    # worker traceback on stderr (the CLI contract). Without a dashboard the scheduler
    # still serves its health routes, by default on port 8787: a free port instead, else a
    # second run on the machine gets a "Port 8787 is already in use" warning on stderr.
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=logging.CRITICAL,
                      scheduler_kwargs={"dashboard": False,
                                        "dashboard_address": "127.0.0.1:0"}) as cluster, \
            Client(cluster) as client:
        try:
            yield client
        finally:
            _SHUFFLED.clear()


def score_dask(model: PersonaModel, source: DataSource | str | os.PathLike, client: Any, *,
               window: tuple[Any, Any] | None = None, blocksize: int = BLOCKSIZE) -> Scored:
    """Dask engine: same result as :func:`scoring.score` (and, for event logs, for one
    tracking ``window``). A path is the model's kind of data (see
    :func:`scoring.model_source`)."""
    source = model_source(model, source)
    path = str(source.location)
    if "://" not in path and not any(ch in path for ch in "*?[") and not Path(path).exists():
        raise InputError(_("{file}: file not found — check the path", file=path))
    if "://" not in path and Path(path).exists():
        safe_read.regular_file(path, safe_read.ANY_SIZE, name=Path(path).name)
    from .scoring import check_coverage

    name = Path(path).name
    if source.is_event_log:
        return check_coverage(model, _score_events(model, source.at(path), client, window),
                              name if window is None else f"{name} (period)")
    return check_coverage(model, _score_table(model, path, client, blocksize), name)


class DaskEngine:
    """Scores each tracking period on a Dask cluster (see :func:`score_dask`)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def score(self, model: PersonaModel, period: Period) -> Scored:
        if period.rows is not None:
            raise InputError(_("--engine dask with --freq needs an event log; for a customer "
                               "table give one file per period"))
        return score_dask(model, period.source, self.client, window=period.window)


def _here(fn: Any) -> Any:
    """``fn`` run on a worker in this client's language (a worker process has its own
    context: messages and notes from there would otherwise be English)."""
    return functools.partial(_in_language, current_language(), fn)


def _in_language(lang: str, fn: Any, *args: Any) -> Any:
    with language(lang):
        return fn(*args)


# -- customer tables ------------------------------------------------------------------------------
def _score_table(model: PersonaModel, path: str, client: Any, blocksize: int) -> Scored:
    import dask

    name = Path(path).name
    if path.lower().endswith((".parquet", ".pq")):
        import dask.dataframe as dd

        parts = dd.read_parquet(path).to_delayed()
        tasks = [dask.delayed(_here(score_partition))(model, p, name) for p in parts]
    elif path.lower().endswith((".csv", ".tsv", ".txt", ".dat")):
        tasks = [dask.delayed(_here(_score_block))(model, b, name) for b in _blocks(path, blocksize)]
    else:
        raise InputError(_("{path}: --engine dask reads CSV/TSV/TXT or Parquet customer tables — "
                           "convert the file, or use the local engine", path=path))
    results = client.compute(tasks, sync=True)
    scored = Scored.combine(results, renumber=not all(r.real_ids for r in results))
    if len(scored.assignments) == 0 and "://" not in path and Path(path).is_file():
        from .ingest import read_table

        read_table(path)        # empty or header only: the local engine's error, word for word
    return scored


def _blocks(path: str, blocksize: int) -> list[Any]:
    """Delayed bytes of line-aligned blocks, each starting with the header line."""
    import dask
    from dask.bytes import read_bytes

    sample, files = read_bytes(path, delimiter=b"\n", blocksize=blocksize, sample=1 << 16)
    header = sample.split(b"\n", 1)[0] + b"\n"
    out = []
    for blocks in files:
        for i, block in enumerate(blocks):
            out.append(block if i == 0 else dask.delayed(lambda b, h: h + b)(block, header))
    return out


def _score_block(model: PersonaModel, block: bytes, name: str) -> Scored:
    from .ingest import read_table

    if len(block.strip().split(b"\n", 1)) < 2:               # the header line only
        return score_partition(model, pd.DataFrame(), name)
    frame, _report = read_table(block, name=name)
    return score_partition(model, frame, name)


# -- event logs ----------------------------------------------------------------------------------
def _score_events(model: PersonaModel, source: DataSource, client: Any,
                  window: tuple[Any, Any] | None) -> Scored:
    import dask

    path = source.location
    mapping, cfg, levels = event_setup(model, source)
    parts = _shuffled(client, path, mapping, cfg, levels).to_delayed()
    span = event_window(model, window)
    ends = client.compute([dask.delayed(_here(_last_time))(p, mapping, cfg, span) for p in parts],
                          sync=True)
    ends = [e for e in ends if e is not None]
    if not ends:
        if window is None:
            raise InputError(_("{source}: no usable events (rows without customer id or timestamp)",
                               source=Path(path).name))
        return score_partition(model, pd.DataFrame(), Path(path).name)
    end = max(ends)
    tasks = [dask.delayed(_here(_score_event_part))(model, p, source, window, end) for p in parts]
    scored = Scored.combine(client.compute(tasks, sync=True))
    a = scored.assignments.sort_values("customer_id", kind="stable").reset_index(drop=True)
    return dataclasses.replace(scored, assignments=a)


_SHUFFLED: dict[tuple, Any] = {}     # the last log shuffled on this client (tracking reuses it)


def _shuffled(client: Any, path: str, mapping: Any, cfg: Any, levels: Any) -> Any:
    """The event log with each customer's (account's) events in one partition, persisted
    on the workers: every pass and every tracking period reuses the one shuffle."""
    stamp = os.stat(path).st_mtime_ns if "://" not in path and os.path.exists(path) else None
    key = (id(client), path, stamp, mapping)
    if key not in _SHUFFLED:
        ddf = _read_events(path, mapping)
        _check_head(ddf, mapping, cfg, levels, Path(path).name)
        on = mapping.account or mapping.customer
        _SHUFFLED.clear()                 # one log at a time in the workers' memory
        _SHUFFLED[key] = client.persist(ddf.shuffle(on=on, npartitions=max(ddf.npartitions, 2)))
    return _SHUFFLED[key]


def _check_head(ddf: Any, mapping: Any, cfg: Any, levels: Any, label: str) -> None:
    """The local engine's errors for a wrong mapping or unreadable timestamps, raised on
    the client before any work is sent out (from the columns and the first rows)."""
    from .events import aggregate_events, check_mapping

    check_mapping(mapping, [str(c) for c in ddf.columns], label)
    head = ddf.head(2000, npartitions=1)
    if len(head):
        aggregate_events(head.reset_index(drop=True), mapping, cfg, levels=levels, name=label)


def _read_events(path: str, mapping: Any):
    import dask.dataframe as dd

    if path.lower().endswith((".parquet", ".pq")):
        return dd.read_parquet(path)
    from .events import _single_delimiter

    delim = _single_delimiter(Path(path)) if "://" not in path and Path(path).exists() else ","
    if delim is None:
        raise InputError(_("{path}: --engine dask reads event logs as CSV (one delimiter) or "
                           "Parquet — convert the file, or use the local engine", path=path))
    # Same reading as DuckDB's all_varchar CSV: text cells, only empty cells missing.
    return dd.read_csv(path, sep=delim, dtype=str, keep_default_na=False, na_values=[""],
                       blocksize=BLOCKSIZE)


def _last_time(part: pd.DataFrame, mapping: Any, cfg: Any, window: tuple[Any, Any] | None):
    """Last event time of a partition (inside ``window``), parsed like the local engine."""
    if len(part) == 0:
        return None
    from .events import _clean_events, _connect, _source, dropped_total

    con = _connect(cfg)
    _source(con, part.reset_index(drop=True), "events")
    try:
        _clean_events(con, mapping, "events", window)    # the feature window of the period
    except InputError:
        return None
    last = con.execute("SELECT max(t) FROM ev").fetchall()[0][0] if dropped_total(con) else None
    con.close()
    return None if last is None else pd.Timestamp(last)


def _score_event_part(model: PersonaModel, part: pd.DataFrame, source: DataSource,
                      window: tuple[Any, Any] | None, end: pd.Timestamp) -> Scored:
    if len(part) == 0:
        return score_partition(model, pd.DataFrame(), "events")
    try:
        frame, id_col = read_events(model, source.at(part.reset_index(drop=True)), window, end)
    except InputError:           # a partition with no usable events in this window
        return score_partition(model, pd.DataFrame(), "events")
    return score_partition(model, frame, "events", id_col)
