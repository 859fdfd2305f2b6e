"""Data: upload a customer file (or use the sample), check column roles and data quality."""

import pandas as pd
import streamlit as st

from pages._shared import PROJECT, md, open_sample, reset_view_state, user_errors, workspace
from persona_mining import projects
from persona_mining.datasource import DataSource, Dataset
from persona_mining.errors import InputError
from persona_mining.i18n import _
from persona_mining.ingest import ColumnRoles, read_table
from persona_mining.roles import ALL_ROLES, DESCRIPTIONS, OUTCOME, PII, TEXT

ws = workspace()
st.title("Data")
limit = st.get_option("server.maxUploadSize")
dataset = st.session_state.get("dataset")
TABLE, EVENTS = "one row per customer", "one row per event (an event log)"


def kind_of(data: Dataset) -> str:
    return EVENTS if data.event_log is not None else TABLE


if "file_kind_next" in st.session_state:   # set by a button below: apply before the widget exists
    st.session_state["file_kind"] = st.session_state.pop("file_kind_next")
kind = st.radio("The file has", [TABLE, EVENTS], horizontal=True, key="file_kind")
uploaded = st.file_uploader(
    f"Upload customer data (CSV, TSV, TXT, Parquet, Excel .xlsx, JSON Lines; up to {limit} MB)",
    type=["csv", "tsv", "txt", "parquet", "xlsx", "jsonl", "json"], key="upload",
    help="One row per customer with what they do (orders, channels, spend …), or an event "
         "log with one row per touchpoint. Columns with personal data such as e-mail "
         "addresses are recognised and never used.")
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

b1, b2, _spare = st.columns([1, 1, 2])
if b1.button("Use the sample customers", key="use_sample", width="stretch",
             help="10,000 synthetic customers of an online shop with planted personas"):
    st.session_state.pop("dataset", None)
    st.session_state.pop("event_log", None)
    with user_errors():
        open_sample()
        reset_view_state()
        st.rerun()
if b2.button("Use the sample event log", key="use_event_sample", width="stretch",
             help="78,000 touchpoints of 3,000 synthetic customers with planted journey personas"):
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

    st.subheader("Map the event log", anchor=False)
    st.caption(f"“{md(log['report'].source)}”: {len(log['log']):,} events. Which column holds "
               "what? Customer and time are required.")
    cols = list(log["log"].columns)
    try:
        guess = detect_event_columns(cols)
    except InputError:
        guess = None
    mapping = {}
    c1, c2, c3 = st.columns(3)
    for i, (role, label, required) in enumerate((
            ("customer", "Customer id", True), ("time", "Timestamp", True),
            ("event", "Event / touchpoint", False), ("channel", "Channel", False),
            ("value", "Value (revenue, negative = refund)", False),
            ("account", "Account (B2B: personas of firms)", False),
            ("role", "Person's role (B2B: role mix per account)", False))):
        options = ([] if required else ["(none)"]) + cols
        default = getattr(guess, role, None) if guess else None
        choice = (c1, c2, c3)[i % 3].selectbox(
            label, options, index=options.index(default) if default in options else 0,
            key=f"map_{role}")
        mapping[role] = None if choice == "(none)" else choice
    gap = st.number_input("A visit ends after this many minutes without events", 1, 1440, 30,
                          key="session_gap")
    if st.button("Build behaviour features", key="aggregate", type="primary"):
        with user_errors():
            source = DataSource.event_log(log["log"], EventMapping(**mapping),
                                          name=log["report"].source, session_gap=gap)
            st.session_state["dataset"] = Dataset.read(source, origin=log["upload_id"])
            st.rerun()
    with st.expander("What the behaviour features mean"):
        st.dataframe(pd.DataFrame({"feature": list(FEATURES), "meaning": list(FEATURES.values())}),
                     hide_index=True, width="stretch")

if dataset:
    frame, report = dataset.frame, dataset.report
    st.success(f"Read “{md(report.source)}”: {report.n_rows:,} rows × {report.n_columns} columns. "
               "Check the column roles below, then run discovery on the Discover page.")
    facts = [f"format {report.format}"]
    if report.encoding:
        facts.append(f"encoding {report.encoding}")
    if report.delimiter:
        facts.append(f"delimiter {report.delimiter!r}")
    if report.decimal:
        facts.append(f"decimal {report.decimal!r}")
    notes = [" · ".join(facts)]
    notes += [f"Dropped {count:,} rows: {reason}" for reason, count in report.dropped_rows]
    notes += [f"Dropped column {col}: {reason}" for col, reason in report.dropped_columns]
    notes += list(report.notes)
    st.caption("  \n".join(md(n) for n in notes))
else:
    frame = ws.data
    st.info(f"Current data: “{md(ws.source.source)}” — {ws.source.n_rows:,} "
            f"rows × {ws.source.n_columns} columns, project “{md(st.session_state.get(PROJECT, ''))}”. "
            "Upload a file above to start a new project.")

st.subheader("Preview", anchor=False)
preview = frame.head(50).copy()
private = [c for c in (dataset.inferred.columns(PII) if dataset else []) if c in preview.columns]
for col in private:                       # personal data is not shown, not even here
    preview[col] = "••• personal data •••"
st.dataframe(preview, width="stretch", hide_index=True)

st.subheader("Column roles", anchor=False)
st.caption("What each column is used for. Change a role in the **role** column; it takes "
           "effect when you run discovery.")
with st.expander("What the roles mean"):
    st.dataframe(pd.DataFrame({"role": list(DESCRIPTIONS), "meaning": list(DESCRIPTIONS.values())}),
                 hide_index=True, width="stretch")
if dataset:
    base = dataset.inferred
    editor_key, stored = f"roles_{dataset.origin}", dataset.roles
else:
    base = ws.roles
    gone = [i.column for i in base.items if i.column not in frame.columns]
    base = ColumnRoles(tuple(i for i in base.items if i.column in frame.columns))
    if gone:
        st.caption("Not kept in the project (personal data or free text): " +
                   ", ".join(md(c) for c in gone))
    editor_key = f"roles_current_{st.session_state.get(PROJECT, '')}_{ws.provenance.get('created_at', '')}"
    stored = {**base.as_mapping(), **st.session_state.get("roles_draft", {})}
table = base.to_frame()[["column", "role", "reason"]]
tall = "content" if len(table) <= 40 else "auto"
edited = st.data_editor(
    table, hide_index=True, width="stretch", height=tall, key=editor_key,
    disabled=["column", "reason"],
    column_config={"role": st.column_config.SelectboxColumn(
        "role", options=list(ALL_ROLES), required=True,
        help="id · numeric · categorical · boolean · datetime · ignore · pii · label …"),
        "reason": st.column_config.TextColumn("why", width="large")})
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
    st.caption("Changed by you: " + ", ".join(f"{md(c)} → {r}" for c, r in changed.items()))
if roles.columns(OUTCOME):
    st.caption(_("Outcomes ({columns}) are reported per persona with their 95 % interval and "
                 "never used to find the personas. To let one shape the personas, give it a "
                 "behaviour role (boolean or numeric); it then shows as a trait.",
                 columns=", ".join(md(c) for c in roles.columns(OUTCOME))))

st.subheader("Data quality", anchor=False)
if dataset:
    q = dataset.quality(roles)
else:
    q = ws.quality
for w in q.warnings:
    st.warning(md(w))
qf = q.to_frame()
st.caption(f"{q.n_rows:,} rows · {q.duplicate_rows:,} duplicate rows · "
           f"{q.duplicate_ids:,} duplicate ids")
st.dataframe(qf, hide_index=True, width="stretch", height=tall, column_config={
    "missing_share": st.column_config.NumberColumn("missing", format="percent"),
    "n_unique": st.column_config.NumberColumn("distinct values", format="localized"),
    "skew": st.column_config.NumberColumn("skew", format="%.2f",
                                          help="Lopsidedness of numbers; strongly skewed "
                                               "columns are log-transformed"),
    "warnings": st.column_config.TextColumn("warnings", width="large")})
if any(r in (PII, TEXT) for r in roles.as_mapping().values()):
    st.caption("Columns with personal data or free text are never used and never stored.")
