"""Data: upload a customer file (or use the sample), check column roles and data quality."""

import pandas as pd
import streamlit as st

from pages._shared import PROJECT, md, open_sample, reset_view_state, user_errors, workspace
from persona_mining import projects, tables
from persona_mining.datasource import DataSource, Dataset
from persona_mining.errors import InputError
from persona_mining.i18n import N_, _, fmt_number, ngettext, reword
from persona_mining.ingest import ColumnRoles, read_table
from persona_mining.roles import (ALL_ROLES, DESCRIPTIONS, OUTCOME, PII, TEXT, role_description,
                                  role_name)

ws = workspace()
st.title(_("Data"))
limit = st.get_option("server.maxUploadSize")
dataset = st.session_state.get("dataset")
# The radio's values are keys (the same in every language), shown through format_func.
TABLE, EVENTS = "table", "events"
KINDS = {TABLE: N_("one row per customer"), EVENTS: N_("one row per event (an event log)")}


def kind_of(data: Dataset) -> str:
    return EVENTS if data.event_log is not None else TABLE


if "file_kind_next" in st.session_state:   # set by a button below: apply before the widget exists
    st.session_state["file_kind"] = st.session_state.pop("file_kind_next")
kind = st.radio(_("The file has"), list(KINDS), horizontal=True, key="file_kind",
                format_func=lambda k: _(KINDS[k]))
uploaded = st.file_uploader(
    _("Upload customer data (CSV, TSV, TXT, Parquet, Excel .xlsx, JSON Lines; up to {limit} MB)",
      limit=fmt_number(limit)),
    type=["csv", "tsv", "txt", "parquet", "xlsx", "jsonl", "json"], key="upload",
    help=_("One row per customer with what they do (orders, channels, spend …), or an event "
           "log with one row per touchpoint. Columns with personal data such as e-mail "
           "addresses are recognised and never used."))
if uploaded is not None and (dataset is None or dataset.origin != uploaded.file_id
                             or kind_of(dataset) != kind):
    log_ = st.session_state.get("event_log")
    if not (kind == EVENTS and log_ is not None and log_.get("upload_id") == uploaded.file_id):
        with user_errors():
            if kind == EVENTS:
                frame, report = read_table(uploaded.getvalue(), name=uploaded.name)
                st.session_state["event_log"] = {"log": frame, "report": report,
                                                 "upload_id": uploaded.file_id}
            else:
                new = Dataset.read(DataSource.table(uploaded.getvalue(), uploaded.name),
                                   origin=uploaded.file_id)
                st.session_state.pop("event_log", None)
                st.session_state["dataset"] = dataset = new

b1, b2, _rest = st.columns([1, 1, 2])
if b1.button(_("Use the sample customers"), key="use_sample", width="stretch",
             help=_("{n} synthetic customers of an online shop with planted personas",
                    n=fmt_number(10_000))):
    st.session_state.pop("dataset", None)
    st.session_state.pop("event_log", None)
    with user_errors():
        open_sample()
        reset_view_state()
        st.rerun()
if b2.button(_("Use the sample event log"), key="use_event_sample", width="stretch",
             help=_("{events} touchpoints of {customers} synthetic customers with planted "
                    "journey personas", events=fmt_number(78_000), customers=fmt_number(3_000))):
    from persona_mining.sample import SAMPLE_DIR

    with user_errors():
        frame, report = read_table(SAMPLE_DIR / "events.csv")
        st.session_state["event_log"] = {"log": frame, "report": report,
                                         "upload_id": "sample-events"}
        st.session_state["file_kind_next"] = EVENTS
        st.rerun()

log = st.session_state.get("event_log")
if log is not None and kind == EVENTS:
    from persona_mining.events import FEATURES, EventMapping, detect_event_columns

    st.subheader(_("Map the event log"), anchor=False)
    st.caption(_("“{file}”: {n} events. Which column holds what? Customer and time are required.",
                 file=md(log['report'].source), n=fmt_number(len(log['log']))))
    cols = list(log["log"].columns)
    try:
        guess = detect_event_columns(cols)
    except InputError:
        guess = None
    mapping = {}
    c1, c2, c3 = st.columns(3)
    NONE = "\x00none"          # not a column name anyone has; shown as "(none)"
    for i, (role, label, required) in enumerate((
            ("customer", N_("Customer id"), True), ("time", N_("Timestamp"), True),
            ("event", N_("Event / touchpoint"), False), ("channel", N_("Channel"), False),
            ("value", N_("Value (revenue, negative = refund)"), False),
            ("account", N_("Account (B2B: personas of firms)"), False),
            ("role", N_("Person's role (B2B: role mix per account)"), False))):
        options = ([] if required else [NONE]) + cols
        default = getattr(guess, role, None) if guess else None
        choice = (c1, c2, c3)[i % 3].selectbox(
            _(label), options, index=options.index(default) if default in options else 0,
            key=f"map_{role}", format_func=lambda c: _("(none)") if c == NONE else str(c))
        mapping[role] = None if choice == NONE else choice
    gap = st.number_input(_("A visit ends after this many minutes without events"), 1, 1440, 30,
                          key="session_gap")
    if st.button(_("Build behaviour features"), key="aggregate", type="primary"):
        with user_errors():
            source = DataSource.event_log(log["log"], EventMapping(**mapping),
                                          name=log["report"].source, session_gap=gap)
            st.session_state["dataset"] = Dataset.read(source, origin=log["upload_id"])
            st.rerun()
    with st.expander(_("What the behaviour features mean")):
        st.dataframe(pd.DataFrame({"feature": list(FEATURES),
                                   "meaning": [_(m) for m in FEATURES.values()]}),
                     hide_index=True, width="stretch",
                     column_config={"feature": _("feature"), "meaning": _("meaning")})

if dataset:
    frame, report = dataset.frame, dataset.report
    st.success(_("Read “{file}”: {rows} rows × {columns} columns. Check the column roles "
                 "below, then run discovery on the Discover page.", file=md(report.source),
                 rows=fmt_number(report.n_rows), columns=fmt_number(report.n_columns)))
    facts = [_("format {format}", format=report.format)]
    if report.encoding:
        facts.append(_("encoding {encoding}", encoding=report.encoding))
    if report.delimiter:
        facts.append(_("delimiter {delimiter}", delimiter=repr(report.delimiter)))
    if report.decimal:
        facts.append(_("decimal {decimal}", decimal=repr(report.decimal)))
    notes = [" · ".join(facts)]
    notes += [ngettext("Dropped {n} row: {reason}", "Dropped {n} rows: {reason}", count,
                       n=fmt_number(count), reason=reword(reason))
              for reason, count in report.dropped_rows]
    notes += [_("Dropped column {column}: {reason}", column=col, reason=reword(reason))
              for col, reason in report.dropped_columns]
    notes += [reword(n) for n in report.notes]      # saved texts: in the language of now
    st.caption("  \n".join(md(n) for n in notes))
else:
    frame = ws.data
    st.info(_("Current data: “{file}” — {rows} rows × {columns} columns, project “{project}”. "
              "Upload a file above to start a new project.", file=md(ws.source.source),
              rows=fmt_number(ws.source.n_rows), columns=fmt_number(ws.source.n_columns),
              project=md(st.session_state.get(PROJECT, ''))))

st.subheader(_("Preview"), anchor=False)
preview = frame.head(50).copy()
private = [c for c in (dataset.inferred.columns(PII) if dataset else []) if c in preview.columns]
for col in private:                       # personal data is not shown, not even here
    preview[col] = "••• " + _("personal data") + " •••"
st.dataframe(preview, width="stretch", hide_index=True)

st.subheader(_("Column roles"), anchor=False)
st.caption(_("What each column is used for. Change a role in the **role** column; it takes "
             "effect when you run discovery."))
with st.expander(_("What the roles mean")):
    st.dataframe(pd.DataFrame({"role": [role_name(r) for r in DESCRIPTIONS],
                               "meaning": [role_description(r) for r in DESCRIPTIONS]}),
                 hide_index=True, width="stretch",
                 column_config={"role": _("role"), "meaning": _("meaning")})
if not dataset and ws.prep is not None:
    with st.expander(_("How columns are weighted")):
        st.caption(_("How much each column counts when customers are compared: every number "
                     "is standardised; a category or yes/no column as a whole counts like "
                     "half a number however many values it has; columns that repeat one "
                     "fact (gross and net revenue, “no internet service” in six columns) "
                     "share one column's weight; your weight multiplies this. Leave a "
                     "column out with the role “ignore” below; set a weight with "
                     "`--weight COLUMN=2` on the command line (1 neutral, 0 off)."))
        st.dataframe(tables.feature_weighting(ws), hide_index=True, width="stretch",
                     column_config={**tables.weighting_labels(),
                                    "counts": st.column_config.ProgressColumn(
                                        _("share of the distances"), min_value=0.0,
                                        max_value=1.0, format="percent")})
if dataset:
    base = dataset.inferred
    editor_key, stored = f"roles_{dataset.origin}", dataset.roles
else:
    base = ws.roles
    gone = [i.column for i in base.items if i.column not in frame.columns]
    base = ColumnRoles(tuple(i for i in base.items if i.column in frame.columns))
    if gone:
        st.caption(_("Not kept in the project (personal data or free text): {columns}",
                     columns=", ".join(md(c) for c in gone)))
    editor_key = f"roles_current_{st.session_state.get(PROJECT, '')}_{ws.provenance.get('created_at', '')}"
    stored = {**base.as_mapping(), **st.session_state.get("roles_draft", {})}
table = base.to_frame()[["column", "role", "reason"]]
table["reason"] = table["reason"].map(reword)
tall = "content" if len(table) <= 40 else "auto"
edited = st.data_editor(
    table, hide_index=True, width="stretch", height=tall, key=editor_key,
    disabled=["column", "reason"],
    column_config={"column": st.column_config.TextColumn(_("column")),
                   "role": st.column_config.SelectboxColumn(
        _("role"), options=list(ALL_ROLES), required=True, format_func=role_name,
        help=" · ".join(role_name(r) for r in ALL_ROLES)),
        "reason": st.column_config.TextColumn(_("why"), width="large")})
new_roles = dict(zip(edited["column"], edited["role"]))
changed = {c: r for c, r in new_roles.items() if r != base.role(c)}
source_name = report.source if dataset else ws.source.source or "data"
try:
    roles = base.with_overrides(changed, source_name)
    if dataset:
        st.session_state["dataset"] = dataset = dataset.with_roles(new_roles)
    else:
        st.session_state["roles_draft"] = changed
except InputError as exc:            # e.g. two id columns: say so, keep the last valid roles
    st.error(md(exc))
    kept = {c: r for c, r in stored.items() if r != base.role(c)}
    roles = base.with_overrides(kept, source_name)
if changed:
    st.caption(_("Changed by you: {changes}",
                 changes=", ".join(f"{md(c)} → {role_name(r)}" for c, r in changed.items())))
if roles.columns(OUTCOME):
    st.caption(_("Outcomes ({columns}) are reported per persona with their 95 % interval and "
                 "never used to find the personas. To let one shape the personas, give it a "
                 "behaviour role (boolean or numeric); it then shows as a trait.",
                 columns=", ".join(md(c) for c in roles.columns(OUTCOME))))

st.subheader(_("Data quality"), anchor=False)
if dataset:
    q = dataset.quality(roles)
else:
    q = ws.quality
for w in map(reword, q.warnings):
    st.warning(md(w))
qf = q.to_frame()
qf["warnings"] = ["; ".join(map(reword, c.warnings)) for c in q.columns]
qf["role"] = qf["role"].map(role_name)
st.caption(" · ".join((
    ngettext("{n} row", "{n} rows", q.n_rows, n=fmt_number(q.n_rows)),
    ngettext("{n} duplicate row", "{n} duplicate rows", q.duplicate_rows,
             n=fmt_number(q.duplicate_rows)),
    ngettext("{n} duplicate id", "{n} duplicate ids", q.duplicate_ids,
             n=fmt_number(q.duplicate_ids)))))
st.dataframe(qf, hide_index=True, width="stretch", height=tall, column_config={
    "column": _("column"), "role": _("role"), "dtype": _("type"),
    "missing_share": st.column_config.NumberColumn(_("missing"), format="percent"),
    "n_unique": st.column_config.NumberColumn(_("distinct values"), format="localized"),
    "skew": st.column_config.NumberColumn(_("skew"), format="%.2f",
                                          help=_("Lopsidedness of numbers; strongly skewed "
                                                 "columns are log-transformed")),
    "warnings": st.column_config.TextColumn(_("warnings"), width="large")})
if any(r in (PII, TEXT) for r in roles.as_mapping().values()):
    st.caption(_("Columns with personal data or free text are never used and never stored."))
