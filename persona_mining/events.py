"""Event logs -> behaviour features per customer (or per account), aggregated in DuckDB.

An event log has one row per touchpoint: customer id, timestamp, event, and optionally
channel, value (revenue; negative = refund) and account (B2B). The log is never loaded
into pandas as a whole: DuckDB reads CSV/Parquet directly (a pandas frame is registered
only for small logs that needed our own text parsing, e.g. whitespace-separated files).
The result is a customer table that flows into the same discovery pipeline.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from . import safe_read
from .errors import InputError
from .i18n import N_, _
from .ingest import IngestReport, read_table
from .workspace import file_sha256

# What each behaviour feature means (the glossary on the Data page; translated where shown).
FEATURES = {
    "recency_days": N_("days from the customer's last event to the end of the log"),
    "tenure_days": N_("days from the customer's first to last event"),
    "events": N_("number of events (frequency)"),
    "active_days": N_("days with at least one event"),
    "purchases": N_("events with a positive value (or named like purchase/order/kauf)"),
    "monetary_total": N_("sum of positive values (revenue)"),
    "monetary_mean": N_("mean positive value per purchase"),
    "return_share": N_("refunds (negative values) as a share of revenue"),
    "sessions": N_("visits: events less than the session gap apart belong to one visit"),
    "events_per_session": N_("events per visit"),
    "days_between_purchases": N_("mean days between purchases (empty with fewer than two)"),
    "night_share": N_("share of events between 0:00 and 6:00 (UTC)"),
    "morning_share": N_("share of events between 6:00 and 12:00"),
    "afternoon_share": N_("share of events between 12:00 and 18:00"),
    "evening_share": N_("share of events between 18:00 and 24:00"),
    "weekend_share": N_("share of events on Saturday or Sunday"),
    "event_share: X": N_("share of the customer's events that are touchpoint X (top touchpoints; rest 'other')"),
    "channel_share: X": N_("share of the customer's events in channel X"),
    "people": N_("B2B: people of the account who appear in the log"),
    "role_share: X": N_("B2B: share of the account's people in role X (e.g. IT, purchasing; top roles, rest 'other')"),
}
PURCHASE_WORDS = re.compile(r"purchase|order|buy|checkout|kauf|bestell", re.I)


ROLES = ("customer", "time", "event", "channel", "value", "account", "role")


@dataclass(frozen=True)
class EventMapping:
    """Which column of an event log holds what.

    Reading a log needs the customer and the time; a partial mapping (the columns a user
    named, e.g. with ``--time-col``) is completed by :meth:`completed` (the rest detected
    by name) or laid over a persona model's mapping with :meth:`over`.
    """

    customer: str | None = None
    time: str | None = None
    event: str | None = None
    channel: str | None = None
    value: str | None = None
    account: str | None = None
    role: str | None = None          # B2B: the person's role in the buying firm

    def columns(self) -> list[str]:
        return [c for c in (self.customer, self.time, self.event, self.channel, self.value,
                            self.account, self.role) if c]

    def given(self) -> dict[str, str]:
        """role -> column for the roles that name a column."""
        return {role: getattr(self, role) for role in ROLES if getattr(self, role)}

    @property
    def complete(self) -> bool:
        """Customer and time are known: the log can be read with this mapping."""
        return bool(self.customer and self.time)

    def completed(self, columns: Sequence[str]) -> "EventMapping":
        """This mapping with the roles it leaves open detected from the column names."""
        return detect_event_columns(columns, **self.given())

    def over(self, base: Mapping[str, Any] | "EventMapping") -> "EventMapping":
        """``base`` (e.g. the mapping a persona model was trained with) with the columns
        given here on top."""
        base = base.given() if isinstance(base, EventMapping) else dict(base or {})
        return EventMapping(**{**base, **self.given()})


MIN_MIX_SHARE = 0.001


@dataclass(frozen=True)
class EventConfig:
    session_gap_minutes: float = 30.0
    # touchpoints (channels, roles) with a share of their own; the rest is "other". Many,
    # so that a rare touchpoint that sets a persona apart is not lumped away; levels
    # under MIN_MIX_SHARE of all rows are too rare to describe anyone
    top_events: int = 30
    memory_limit: str = "3GB"
    threads: int = 2


_GUESS = {
    "customer": r"^(customer|kunde|client|user|visitor|person|member)(_?id|_?nr|_?no)?$|^(cust|user|customer)id$",
    "time": r"^(time|timestamp|ts|date|datetime|datum|zeit|zeitpunkt|zeitstempel|event_time|created_at|occurred_at)$",
    "event": r"^(event|event_type|event_name|touchpoint|action|activity|type|page|ereignis|aktion|kontaktpunkt|seite)$",
    "channel": r"^(channel|kanal|medium|source|device)$",
    "value": r"^(value|revenue|amount|price|dollar_value|umsatz|betrag|wert)$",
    "account": r"^(account|account_id|company|company_id|firma|org|organisation_id|organization_id)$",
    "role": r"^(role|job_role|person_role|buyer_role|rolle|funktion|department|abteilung)$",
}


def detect_event_columns(columns: Sequence[str], **given: str | None) -> EventMapping:
    """Map log columns to roles by name; what the user gives wins. Customer and time are
    required: an unknown or missing one is an InputError listing the columns."""
    cols = list(columns)
    found: dict[str, str | None] = {}
    for role, pattern in _GUESS.items():
        want = given.get(role)
        if want:
            if want not in cols:
                raise InputError(_("--{role}-col {column}: no such column — columns are: {columns}",
                                   role=role, column=want, columns=", ".join(cols)))
            found[role] = want
            continue
        hits = [c for c in cols if re.match(pattern, c.strip(), re.I) and c not in found.values()]
        found[role] = hits[0] if len(hits) == 1 else None
    for role in ("customer", "time"):
        if not found[role]:
            if role == "customer":
                raise InputError(_("cannot tell which column holds the customer id — give "
                                   "--customer-col (columns: {columns})", columns=", ".join(cols)))
            raise InputError(_("cannot tell which column holds the timestamp — give --time-col "
                               "(columns: {columns})", columns=", ".join(cols)))
    return EventMapping(**found)


# -- reading ------------------------------------------------------------------------------
def _connect(config: EventConfig):
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit='{config.memory_limit}'")
    con.execute(f"SET threads={int(config.threads)}")
    con.execute("SET TimeZone='UTC'")
    # Spill to the system temp folder, not to a '.tmp' folder in whatever directory we run in.
    spill = Path(tempfile.gettempdir()) / "persona-mining-duckdb"
    con.execute(f"SET temp_directory={_lit(spill)}")
    return con


def _source(con, source: str | os.PathLike | pd.DataFrame, name: str | None) -> tuple[str, str, str]:
    """Register the log as relation `raw`; returns (label, sha256, format)."""
    if isinstance(source, pd.DataFrame):
        con.register("raw_df", source)
        con.execute("CREATE VIEW raw AS SELECT * FROM raw_df")
        return name or "events", hashlib.sha256(pd.util.hash_pandas_object(source).values).hexdigest(), "frame"
    path = Path(source)
    if not path.exists():
        raise InputError(_("{file}: file not found — check the path", file=path))
    label = name or path.name
    safe_read.regular_file(path, safe_read.ANY_SIZE, name=label)   # never a device or pipe
    sha = file_sha256(path)
    if path.suffix.lower() in (".parquet", ".pq"):
        con.execute(f"CREATE VIEW raw AS SELECT * FROM read_parquet({_lit(path)})")
        return label, sha, "parquet"
    delim = _single_delimiter(path)
    if delim is not None:
        con.execute(f"CREATE VIEW raw AS SELECT * FROM read_csv({_lit(path)}, delim={_lit(delim)}, "
                    "header=true, all_varchar=true)")
        return label, sha, "csv"
    frame, _report = read_table(path)   # whitespace-separated etc.: our reader, then DuckDB
    con.register("raw_df", frame.astype(str).where(frame.notna(), None))
    con.execute("CREATE VIEW raw AS SELECT * FROM raw_df")
    return label, sha, "text"


def _lit(value: Any) -> str:
    """A SQL string literal (views cannot take prepared parameters)."""
    return "'" + str(value).replace("'", "''") + "'"


def _single_delimiter(path: Path) -> str | None:
    with open(path, "rb") as f:
        head = f.read(65536).decode("utf-8", errors="replace").splitlines()[:20]
    head = [h for h in head if h.strip()]
    for d in (",", ";", "\t", "|"):
        counts = {h.count(d) for h in head}
        if len(counts) == 1 and counts.pop() > 0:
            return d
    return None


def _q(col: str) -> str:
    return '"' + col.replace('"', '""') + '"'


def _time_expr(con, col: str) -> str:
    """SQL turning the time column into a UTC timestamp, whatever its text format."""
    sample = [r[0] for r in con.execute(f"SELECT CAST({_q(col)} AS VARCHAR) FROM raw "
                                        f"WHERE {_q(col)} IS NOT NULL LIMIT 200").fetchall()]
    if sample and all(re.fullmatch(r"\d{8}", s.strip()) for s in sample):
        return f"strptime(trim(CAST({_q(col)} AS VARCHAR)), '%Y%m%d')"
    if sample and all(re.fullmatch(r"\d{9,11}(\.\d+)?", s.strip()) for s in sample):
        return f"to_timestamp(CAST({_q(col)} AS DOUBLE))::TIMESTAMP"
    if sample and all(re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}.*", s.strip()) for s in sample):
        return f"try_strptime(trim(CAST({_q(col)} AS VARCHAR)), ['%d.%m.%Y %H:%M:%S', '%d.%m.%Y %H:%M', '%d.%m.%Y'])"
    return f"timezone('UTC', TRY_CAST(CAST({_q(col)} AS VARCHAR) AS TIMESTAMPTZ))"


# -- aggregation -------------------------------------------------------------------------------
def aggregate_events(source: str | os.PathLike | pd.DataFrame, mapping: EventMapping | None = None,
                     config: EventConfig = EventConfig(), *, name: str | None = None,
                     levels: Mapping[str, Sequence[str]] | None = None,
                     window: tuple[Any, Any] | None = None, end_time: Any = None,
                     active: tuple[Any, Any] | None = None) -> tuple[pd.DataFrame, IngestReport]:
    """Behaviour features per customer (per account with ``mapping.account``) and a report.

    A ``mapping`` without customer or time (or none) is completed from the column names.

    For scoring with a persona model the feature set must be the training one, not one
    learned from this log: ``levels`` fixes the touchpoints/channels of the mix features
    (``{"event_share": [...], "channel_share": [...]}``, the rest is "other") and keeps
    every feature column; ``window`` (start, end) keeps events with start <= time < end
    (one tracking period; may leave no customers); ``end_time`` is the "now" of recency
    (default: the last event), so that partitions of one log agree (Dask engine);
    ``active`` (start, end) adds a column ``active_in_period``: had an event in it.
    """
    con = _connect(config)
    label, sha, fmt = _source(con, source, name)
    columns = [r[0] for r in con.execute("DESCRIBE raw").fetchall()]
    if mapping is None or not mapping.complete:
        mapping = (mapping or EventMapping()).completed(columns)
    check_mapping(mapping, columns, label)
    dropped = _clean_events(con, mapping, label, window)
    key = "a" if mapping.account else "c"
    if dropped_total(con) == 0:          # an empty tracking period
        feats = pd.DataFrame(columns=["account_id" if mapping.account else "customer_id"])
    else:
        feats = _features(con, mapping, config, key, levels, end_time)
        if active is not None:
            hits = {r[0] for r in con.execute(
                f"SELECT DISTINCT {key} FROM ev WHERE t >= CAST(? AS TIMESTAMP) AND t < CAST(? AS TIMESTAMP)",
                [str(pd.Timestamp(active[0])), str(pd.Timestamp(active[1]))]).fetchall()}
            feats["active_in_period"] = feats.iloc[:, 0].isin(hits)
    report = IngestReport(source=label, sha256=sha, format=f"event log ({fmt})", encoding=None,
                          delimiter=None, decimal=None, thousands=None, n_rows=len(feats),
                          n_columns=feats.shape[1], dropped_rows=tuple(dropped),
                          notes=(_aggregated_note(dropped_total(con), bool(mapping.account)),))
    con.close()
    return feats, report


def _aggregated_note(n: int, accounts: bool) -> str:
    from .i18n import fmt_number, ngettext

    if accounts:
        return ngettext("{n} event aggregated per account", "{n} events aggregated per account",
                        n, n=fmt_number(n))
    return ngettext("{n} event aggregated per customer", "{n} events aggregated per customer",
                    n, n=fmt_number(n))


ROLE_WORDS = {"customer": N_("customer"), "time": N_("time"), "event": N_("event"),
              "channel": N_("channel"), "value": N_("value"), "account": N_("account"),
              "role": N_("role")}


def check_mapping(mapping: EventMapping, columns: Sequence[str], label: str) -> None:
    """Every mapped column exists, else an InputError naming the role and its flag."""
    for role in ("customer", "time", "event", "channel", "value", "account", "role"):
        col = getattr(mapping, role)
        if col and col not in columns:
            raise InputError(_("{source}: no column '{column}' for the {role} — columns are: "
                               "{columns}; name the right one with --{flag}-col", source=label,
                               column=col, role=_(ROLE_WORDS[role]), columns=", ".join(columns),
                               flag=role))


def time_range(source: str | os.PathLike | pd.DataFrame, mapping: EventMapping,
               config: EventConfig = EventConfig()) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last (readable) event time of a log, UTC: to cut it into periods."""
    con = _connect(config)
    label, _sha, _fmt = _source(con, source, None)
    columns = [r[0] for r in con.execute("DESCRIBE raw").fetchall()]
    if mapping.time not in columns:
        raise InputError(_("{source}: no column '{column}' — columns are: {columns}", source=label,
                           column=mapping.time, columns=", ".join(columns)))
    lo, hi = con.execute(f"SELECT min(t), max(t) FROM (SELECT {_time_expr(con, mapping.time)} AS t "
                         "FROM raw)").fetchall()[0]
    con.close()
    if lo is None:
        raise InputError(_("{source}: column '{column}' holds no readable timestamps",
                           source=label, column=mapping.time))
    return pd.Timestamp(lo), pd.Timestamp(hi)


def dropped_total(con) -> int:
    return int(con.execute("SELECT count(*) FROM ev").fetchall()[0][0])


def _clean_events(con, m: EventMapping, label: str,
                  window: tuple[Any, Any] | None = None) -> list[tuple[str, int]]:
    """View `ev`: typed, de-duplicated events with a customer id and a valid time."""
    t = _time_expr(con, m.time)
    e = f"CAST({_q(m.event)} AS VARCHAR)" if m.event else "'event'"
    ch = f"CAST({_q(m.channel)} AS VARCHAR)" if m.channel else "NULL"
    v = f"TRY_CAST(replace(CAST({_q(m.value)} AS VARCHAR), ',', '.') AS DOUBLE)" if m.value else "NULL"
    a = f"CAST({_q(m.account)} AS VARCHAR)" if m.account else "NULL"
    r = f"nullif(trim(CAST({_q(m.role)} AS VARCHAR)), '')" if m.role else "NULL"
    con.execute(f"""CREATE TEMP TABLE typed AS SELECT trim(CAST({_q(m.customer)} AS VARCHAR)) AS c,
                    {t} AS t, {e} AS e, {ch} AS ch, {v} AS v, {a} AS a, {r} AS r FROM raw""")
    total = con.execute("SELECT count(*) FROM typed").fetchall()[0][0]
    if total == 0:
        raise InputError(_("{source}: the event log has no rows", source=label))
    no_id = con.execute("SELECT count(*) FROM typed WHERE c IS NULL OR c = ''").fetchall()[0][0]
    bad_t = con.execute("SELECT count(*) FROM typed WHERE (c IS NOT NULL AND c <> '') AND t IS NULL").fetchall()[0][0]
    if bad_t and bad_t > 0.5 * total:
        ex = con.execute(f"SELECT CAST({_q(m.time)} AS VARCHAR) FROM raw WHERE {_q(m.time)} IS NOT NULL "
                         "AND trim(CAST({0} AS VARCHAR)) <> '' LIMIT 1".format(_q(m.time))).fetchall()
        what = _("e.g. {example}", example=repr(ex[0][0])) if ex else _("it is empty")
        raise InputError(_("{source}: column '{column}' is not a timestamp for most rows ({what}) "
                           "— use ISO dates like 2026-01-31 14:05, or map the time to another "
                           "column (--time-col)", source=label, column=m.time, what=what))
    con.execute("""CREATE TEMP TABLE ev AS SELECT DISTINCT * FROM typed
                   WHERE c IS NOT NULL AND c <> '' AND t IS NOT NULL""")
    kept = con.execute("SELECT count(*) FROM ev").fetchall()[0][0]
    dup = total - no_id - bad_t - kept
    # reasons stay English in the report (tests, saved workspaces); shown through _()
    out = [(r, n) for r, n in ((N_("no customer id"), no_id), (N_("timestamp not readable"), bad_t),
                               (N_("duplicate event"), dup)) if n]
    if kept == 0:
        raise InputError(_("{source}: no usable events (rows without customer id or timestamp)",
                           source=label))
    if window is not None:
        con.execute("DELETE FROM ev WHERE NOT (t >= CAST(? AS TIMESTAMP) AND t < CAST(? AS TIMESTAMP))",
                    [str(pd.Timestamp(window[0])), str(pd.Timestamp(window[1]))])
    return out


def _features(con, m: EventMapping, cfg: EventConfig, key: str,
              levels: Mapping[str, Sequence[str]] | None = None, end_time: Any = None) -> pd.DataFrame:
    purchase = "(v > 0)" if m.value else f"regexp_matches(e, '{PURCHASE_WORDS.pattern}', 'i')"
    gap = float(cfg.session_gap_minutes) * 60
    base = con.execute(f"""
        WITH s AS (
          SELECT *, {key} AS k,
                 CASE WHEN lag(t) OVER (PARTITION BY {key} ORDER BY t, e) IS NULL
                        OR epoch(t - lag(t) OVER (PARTITION BY {key} ORDER BY t, e)) > {gap}
                      THEN 1 ELSE 0 END AS new_session,
                 {purchase} AS is_purchase
          FROM ev),
        pur AS (SELECT k, count(*) AS n, min(t) AS f, max(t) AS l FROM s WHERE is_purchase GROUP BY k),
        lim AS (SELECT {"max(t)" if end_time is None else _lit(pd.Timestamp(end_time)) + "::TIMESTAMP"} AS end_t FROM ev LIMIT 1)
        SELECT s.k AS id,
          epoch(lim.end_t - max(s.t)) / 86400.0 AS recency_days,
          epoch(max(s.t) - min(s.t)) / 86400.0 AS tenure_days,
          count(*) AS events,
          count(DISTINCT CAST(s.t AS DATE)) AS active_days,
          sum(CASE WHEN s.is_purchase THEN 1 ELSE 0 END) AS purchases,
          coalesce(sum(CASE WHEN s.v > 0 THEN s.v END), 0) AS monetary_total,
          avg(CASE WHEN s.v > 0 THEN s.v END) AS monetary_mean,
          coalesce(-sum(CASE WHEN s.v < 0 THEN s.v END), 0)
            / nullif(sum(CASE WHEN s.v > 0 THEN s.v END), 0) AS return_share,
          sum(s.new_session) AS sessions,
          count(*) / sum(s.new_session) AS events_per_session,
          CASE WHEN any_value(pur.n) > 1 THEN epoch(any_value(pur.l) - any_value(pur.f)) / 86400.0
               / (any_value(pur.n) - 1) END AS days_between_purchases,
          avg(CASE WHEN hour(s.t) < 6 THEN 1.0 ELSE 0 END) AS night_share,
          avg(CASE WHEN hour(s.t) >= 6 AND hour(s.t) < 12 THEN 1.0 ELSE 0 END) AS morning_share,
          avg(CASE WHEN hour(s.t) >= 12 AND hour(s.t) < 18 THEN 1.0 ELSE 0 END) AS afternoon_share,
          avg(CASE WHEN hour(s.t) >= 18 THEN 1.0 ELSE 0 END) AS evening_share,
          avg(CASE WHEN dayofweek(s.t) IN (0, 6) THEN 1.0 ELSE 0 END) AS weekend_share
          {", count(DISTINCT s.c) AS people" if key == "a" else ""}
        FROM s LEFT JOIN pur ON pur.k = s.k, lim
        GROUP BY s.k, lim.end_t ORDER BY s.k""").df()
    if not m.value:
        base = base.drop(columns=["monetary_total", "monetary_mean", "return_share"])
    if levels is None and not con.execute("SELECT bool_or(CAST(t AS TIME) <> TIME '00:00:00') FROM ev").fetchall()[0][0]:
        # A log of dates only: time-of-day shares and sessions would be artefacts.
        base = base.drop(columns=["night_share", "morning_share", "afternoon_share", "evening_share",
                                  "sessions", "events_per_session"])
    fixed = levels or {}
    mixes = [_mix(con, "e", key, cfg.top_events, "event_share", fixed.get("event_share"))] \
        if m.event else []
    if m.channel:
        mixes.append(_mix(con, "ch", key, 12, "channel_share", fixed.get("channel_share")))
    if m.role and key == "a":
        mixes.append(_role_mix(con, cfg.top_events, fixed.get("role_share")))
    out = base.set_index("id")
    for mix in mixes:
        out = out.join(mix, how="left")
    out = out.reset_index().rename(columns={"id": "account_id" if key == "a" else "customer_id"})
    num = out.columns[1:]
    # DuckDB sums in parallel, in no fixed order: the last bits of a float sum differ from
    # run to run, and with many tied customers that flips the kNN graph and the personas.
    # Rounding to 9 decimals makes the features, and so the discovery, reproducible.
    out[num] = out[num].astype("float64").round(9)
    return out


def _role_mix(con, top: int, fixed: Sequence[str] | None = None) -> pd.DataFrame:
    """B2B: share of each account's people per role (a person's most frequent role in the
    log counts; top roles, the rest and people without a role as 'other')."""
    con.execute("""CREATE OR REPLACE TEMP TABLE person_role AS
        SELECT a, c, r FROM (
            SELECT a, c, r, row_number() OVER (PARTITION BY a, c ORDER BY n DESC, r NULLS LAST) AS i
            FROM (SELECT a, c, r, count(*) AS n FROM ev GROUP BY a, c, r)) WHERE i = 1""")
    return _mix(con, "r", "a", top, "role_share", fixed, table="person_role")


def _mix(con, col: str, key: str, top: int, prefix: str,
         fixed: Sequence[str] | None = None, table: str = "ev") -> pd.DataFrame:
    """Share of each customer's rows in ``table`` per level of ``col`` (top levels, or the
    ``fixed`` ones of a persona model; the rest and missing values as 'other')."""
    if fixed is None:
        levels = [r[0] for r in con.execute(
            f"SELECT {col} FROM {table} WHERE {col} IS NOT NULL GROUP BY {col} "
            f"HAVING count(*) >= {MIN_MIX_SHARE} * (SELECT count(*) FROM {table}) "
            f"ORDER BY count(*) DESC, {col} LIMIT {top}").fetchall()]
        n_total = con.execute(f"SELECT count(DISTINCT coalesce({col}, '')) FROM {table}").fetchall()[0][0]
    else:
        levels, n_total = list(fixed), len(fixed) + 1     # always report 'other'
    if not levels:
        return pd.DataFrame()
    cases = ", ".join(f"avg(CASE WHEN {col} = ? THEN 1.0 ELSE 0 END) AS \"{prefix}: {lv}\""
                      for lv in levels)
    other = (f", avg(CASE WHEN {col} IS NULL OR {col} NOT IN ({', '.join('?' * len(levels))}) "
             f"THEN 1.0 ELSE 0 END) AS \"{prefix}: other\"") if n_total > len(levels) else ""
    params = levels + (levels if other else [])
    return con.execute(f"SELECT {key} AS id, {cases}{other} FROM {table} GROUP BY {key}",
                       params).df().set_index("id")


# -- journeys ---------------------------------------------------------------------------------
SEP = "\x1f"          # joins touchpoints of a transition / path in journey-count items
VOCAB = 60            # most frequent transitions / paths / touchpoints counted per customer
JOURNEY_MAX_CUSTOMERS = 300_000   # above this, per-customer counts are not kept (size)


def journey_counts(source: str | os.PathLike | pd.DataFrame, mapping: EventMapping,
                   config: EventConfig = EventConfig()) -> pd.DataFrame | None:
    """The building blocks of journeys, per customer (or account): counts of the log's most
    frequent transitions and 3-step paths, of touchpoints just before a purchase, of first
    and last touchpoints, of channel switches, with the totals they are shares of.

    Long format (id, kind, item, count), so that the journeys of *any* set of customers
    (a merged persona, a persona split by hand) are sums: see :func:`journeys_from_counts`.
    None without an event column.
    """
    if not mapping.event:
        return None
    con = _connect(config)
    _source(con, source, None)
    _clean_events(con, mapping, "events")
    key = "a" if mapping.account else "c"
    buy = "(v > 0)" if mapping.value else f"regexp_matches(e, '{PURCHASE_WORDS.pattern}', 'i')"
    # Sequences are per person (c), counted for the customer or the account (k).
    con.execute(f"""CREATE TEMP TABLE seq AS SELECT {key} AS k, e, ch,
        lead(e) OVER w AS e1, lead(e, 2) OVER w AS e2, lag(ch) OVER w AS prev_ch,
        row_number() OVER w AS i, count(*) OVER (PARTITION BY c) AS n,
        lead({buy}) OVER w AS next_buy
        FROM ev WINDOW w AS (PARTITION BY c ORDER BY t, e)""")
    sep = _lit(SEP)
    parts = {
        "t": f"SELECT k, e || {sep} || e1 AS item FROM seq WHERE e1 IS NOT NULL",
        "p": f"SELECT k, e || {sep} || e1 || {sep} || e2 AS item FROM seq WHERE e2 IS NOT NULL",
        "b": "SELECT k, e AS item FROM seq WHERE next_buy",
        "f": "SELECT k, e AS item FROM seq WHERE i = 1",
        "l": "SELECT k, e AS item FROM seq WHERE i = n",
    }
    sql = []
    for kind, q in parts.items():
        con.execute(f"CREATE TEMP TABLE j_{kind} AS {q}")
        vocab = f"""SELECT item FROM j_{kind} GROUP BY item ORDER BY count(*) DESC, item LIMIT {VOCAB}"""
        sql.append(f"""SELECT k AS id, '{kind}' AS kind, item, count(*) AS count FROM j_{kind}
                       WHERE item IN ({vocab}) GROUP BY k, item""")
        sql.append(f"SELECT k AS id, 'n_{kind}' AS kind, '' AS item, count(*) AS count "
                   f"FROM j_{kind} GROUP BY k")
    sql.append("""SELECT k AS id, 's' AS kind, '' AS item,
                         sum(CASE WHEN ch <> prev_ch THEN 1 ELSE 0 END) AS count
                  FROM seq WHERE prev_ch IS NOT NULL AND ch IS NOT NULL GROUP BY k""")
    sql.append("""SELECT k AS id, 'n_s' AS kind, '' AS item, count(*) AS count
                  FROM seq WHERE prev_ch IS NOT NULL AND ch IS NOT NULL GROUP BY k""")
    out = con.execute(" UNION ALL ".join(sql) + " ORDER BY id, kind, item").df()
    con.close()
    out["count"] = out["count"].astype("int64")
    return out


def journeys_from_counts(counts: pd.DataFrame, ids: Sequence[str], labels: Sequence[str],
                         top: int = 8) -> dict[str, dict[str, Any]]:
    """Per persona: top transitions (share of the persona's transitions), top 3-step paths,
    touchpoints just before a purchase, first and last touchpoints, channel switching rate."""
    persona = pd.Series(np.asarray(labels, dtype=object).astype(str),
                        index=np.asarray(ids, dtype=object).astype(str), name="p")
    persona = persona[~persona.index.duplicated()]
    df = counts.join(persona, on="id", how="inner")
    df = df[df["p"] != "unassigned"]
    sums = df.groupby(["p", "kind", "item"], sort=False)["count"].sum()
    out: dict[str, dict[str, Any]] = {}
    for p in sorted(df["p"].unique(), key=_natural_key):
        s = sums.loc[p]
        total = lambda kind: int(s.get((kind, ""), 0))   # noqa: E731
        ranked = lambda kind, n: _ranked(s, kind, n)     # noqa: E731
        n_t, n_b, n_s = total("n_t"), total("n_b"), total("n_s")
        out[p] = {
            "transitions": [{"from": a, "to": b, "share": round(c / max(n_t, 1), 4)}
                            for (a, b), c in ranked("t", top)],
            "paths": [{"path": list(path), "count": c} for path, c in ranked("p", 5)],
            "before_purchase": [{"touchpoint": a, "share": round(c / max(n_b, 1), 4)}
                                for (a,), c in ranked("b", 5)],
            "first_touchpoints": [a for (a,), _count in ranked("f", 3)],
            "last_touchpoints": [a for (a,), _count in ranked("l", 3)],
            "channel_switch_rate": round(total("s") / n_s, 4) if n_s else None,
        }
    return out


def _ranked(s: pd.Series, kind: str, n: int) -> list[tuple[tuple[str, ...], int]]:
    if kind not in s.index.get_level_values(0):
        return []
    items = s.loc[kind]
    rows = sorted(((tuple(str(i).split(SEP)), int(c)) for i, c in items.items() if c > 0),
                  key=lambda r: (-r[1], r[0]))
    return rows[:n]


def _natural_key(pid: str) -> tuple:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", pid))


def persona_journeys(source: str | os.PathLike | pd.DataFrame, mapping: EventMapping,
                     labels: pd.DataFrame, config: EventConfig = EventConfig(),
                     top: int = 8) -> dict[str, dict[str, Any]]:
    """Journeys per persona straight from a log; ``labels``: columns id and persona."""
    counts = journey_counts(source, mapping, config)
    if counts is None:
        return {}
    return journeys_from_counts(counts, labels["id"], labels["persona"], top)


def current_journeys(ws: Any) -> dict[str, dict[str, Any]]:
    """Journeys of the workspace's personas as they are now (after merges, splits,
    reassignments), from the per-customer counts kept at discovery; without them (very
    large logs, older workspaces) the journeys of personas that are still as discovered."""
    counts = ws.extras_frames.get("journey_counts")
    if counts is None:
        origin = ws.state().origin
        return {pid: j for pid, j in ws.extras.get("journeys", {}).items()
                if origin.get(pid, "discovered") == "discovered"}
    key = ("journeys", len(ws.edits), id(counts))     # a replaced workspace may share the cache
    return ws.memo(key, lambda: journeys_from_counts(counts, ws.ids, ws.state().labels))


def log_columns(source: str | os.PathLike | pd.DataFrame, config: EventConfig = EventConfig(),
                name: str | None = None) -> tuple[str, list[str]]:
    """(label, column names) of an event log, read by DuckDB without loading it."""
    con = _connect(config)
    label, _sha, _fmt = _source(con, source, name)
    columns = [r[0] for r in con.execute("DESCRIBE raw").fetchall()]
    con.close()
    return label, columns


def with_journeys(ws: Any, source: str | os.PathLike | pd.DataFrame, mapping: EventMapping,
                  config: EventConfig = EventConfig()) -> Any:
    """The workspace discovered on this log's customers, with the log's mapping and
    config and the journeys of its personas (and per-customer journey counts, so that
    journeys follow edits, for up to :data:`JOURNEY_MAX_CUSTOMERS`)."""
    from dataclasses import asdict

    counts = journey_counts(source, mapping, config)
    journeys = {} if counts is None else journeys_from_counts(counts, ws.ids, ws.state().labels)
    keep = counts is not None and ws.n <= JOURNEY_MAX_CUSTOMERS
    return replace(ws, extras={**ws.extras, "event_mapping": asdict(mapping),
                               "event_config": asdict(config), "journeys": journeys},
                   extras_frames={"journey_counts": counts} if keep else {})


def discover_events(source: str | os.PathLike | pd.DataFrame, config: Any = None,
                    event_config: EventConfig = EventConfig(), *, progress: Any = None,
                    name: str | None = None, mapping: EventMapping | None = None) -> Any:
    """Event log -> behaviour features -> the usual discovery -> journeys per persona
    (:func:`.pipeline.discover` of an event-log :class:`~.datasource.DataSource`)."""
    from .datasource import DataSource
    from .pipeline import discover

    return discover(DataSource.event_log(source, mapping, name=name), config, progress=progress,
                    event_config=event_config)
