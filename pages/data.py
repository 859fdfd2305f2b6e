"""Data: upload a customer file (or use the sample), check column roles and data quality."""

import pandas as pd
import streamlit as st

from pages._shared import PROJECT, SAMPLE_PROJECT, SELECTION, WS, user_errors, workspace
from persona_mining import projects
from persona_mining.errors import InputError
from persona_mining.events import (FEATURES, EventConfig, EventMapping, aggregate_events,
                                   detect_event_columns)
from persona_mining.ingest import ColumnRoles, infer_roles, quality_report, read_table
from persona_mining.roles import ALL_ROLES, DESCRIPTIONS

ws = workspace()
st.title("Data")
limit = st.get_option("server.maxUploadSize")
dataset = st.session_state.get("dataset")

uploaded = st.file_uploader(
    f"Upload customer behaviour data — one row per customer (CSV, TSV, TXT, Parquet, Excel .xlsx, "
    f"JSON Lines; up to {limit} MB)", type=["csv", "tsv", "txt", "parquet", "xlsx", "jsonl", "json"],
    key="upload")
if "file_kind_next" in st.session_state:   # set by a button below: apply before the widget exists
    st.session_state["file_kind"] = st.session_state.pop("file_kind_next")
kind = st.radio("The file has", ["one row per customer", "one row per event (an event log)"],
                horizontal=True, key="file_kind")
if uploaded is not None and (dataset is None or dataset.get("upload_id") != uploaded.file_id
                             or dataset.get("kind") != kind):
    with user_errors():
        frame, report = read_table(uploaded.getvalue(), name=uploaded.name)
        if kind.startswith("one row per event"):
            st.session_state["event_log"] = {"log": frame, "report": report,
                                             "upload_id": uploaded.file_id}
            st.session_state.pop("dataset", None)
            dataset = None
        else:
            st.session_state.pop("event_log", None)
            roles = infer_roles(frame, source=report.source)
            st.session_state["dataset"] = {
                "frame": frame, "report": report, "upload_id": uploaded.file_id, "new": True,
                "kind": kind, "roles": {it.column: it.role for it in roles.items},
                "project": projects.safe_name(report.source.rsplit(".", 1)[0]),
            }
            dataset = st.session_state["dataset"]

if st.button("Use the sample event log", key="use_event_sample",
             help="78,000 touchpoints of 3,000 synthetic customers with planted journey personas"):
    from persona_mining.sample import SAMPLE_DIR

    path = SAMPLE_DIR / "events.csv"
    frame, report = read_table(path)
    st.session_state["event_log"] = {"log": frame, "report": report, "upload_id": "sample-events"}
    st.session_state["file_kind_next"] = "one row per event (an event log)"
    st.rerun()

log = st.session_state.get("event_log")
if log is not None and kind.startswith("one row per event"):
    st.subheader("Map the event log")
    st.caption("Which column holds what. Customer and time are required.")
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
            ("account", "Account (B2B: personas of firms)", False))):
        options = ([] if required else ["(none)"]) + cols
        default = getattr(guess, role, None) if guess else None
        col = (c1, c2, c3)[i % 3]
        choice = col.selectbox(label, options, index=options.index(default) if default in options else 0,
                               key=f"map_{role}")
        mapping[role] = None if choice == "(none)" else choice
    gap = st.number_input("A visit ends after this many minutes without events", 1, 1440, 30,
                          key="session_gap")
    if st.button("Build behaviour features", key="aggregate", type="primary"):
        with user_errors():
            m = EventMapping(**mapping)
            frame, report = aggregate_events(log["log"], m, EventConfig(session_gap_minutes=gap),
                                             name=log["report"].source)
            roles = infer_roles(frame, id_col=frame.columns[0], source=report.source)
            st.session_state["dataset"] = {
                "frame": frame, "report": report, "upload_id": log["upload_id"], "new": True,
                "kind": kind, "roles": {it.column: it.role for it in roles.items},
                "project": projects.safe_name(report.source.rsplit(".", 1)[0]),
                "events": {"log": log["log"], "mapping": m, "gap": gap},
            }
            st.rerun()
    with st.expander("What the behaviour features mean"):
        st.dataframe(pd.DataFrame({"feature": list(FEATURES), "meaning": list(FEATURES.values())}),
                     hide_index=True, width="stretch")

if st.button("Use the sample customers instead", key="use_sample"):
    from persona_mining.sample import sample_workspace

    st.session_state.pop("dataset", None)
    st.session_state.pop(SELECTION, None)
    st.session_state[WS] = sample_workspace()
    st.session_state[PROJECT] = SAMPLE_PROJECT
    projects.save_project(st.session_state[WS], SAMPLE_PROJECT)
    st.rerun()

if dataset:
    frame, report = dataset["frame"], dataset["report"]
    st.success(f"Read “{report.source}”: {report.n_rows:,} rows × {report.n_columns} columns. "
               "Check the column roles, then run discovery on the Discover page.")
else:
    frame, report = ws.data, None
    st.info(f"Current data: “{ws.source.get('source')}” — {ws.source.get('n_rows', ws.n):,} rows "
            f"× {ws.source.get('n_columns')} columns (personal-data columns are not kept).")

if report is not None:
    facts = [f"format {report.format}"]
    if report.encoding:
        facts.append(f"encoding {report.encoding}")
    if report.delimiter:
        facts.append(f"delimiter {report.delimiter!r}")
    if report.decimal:
        facts.append(f"decimal {report.decimal!r}")
    st.caption(" · ".join(facts))
    for reason, count in report.dropped_rows:
        st.caption(f"Dropped {count:,} rows: {reason}")
    for col, reason in report.dropped_columns:
        st.caption(f"Dropped column {col}: {reason}")
    for note in report.notes:
        st.caption(note)

st.subheader("Preview")
st.dataframe(frame.head(50), width="stretch")

st.subheader("Column roles")
st.caption("What each column is used for. " + " · ".join(f"**{r}**: {d}" for r, d in DESCRIPTIONS.items()))
if dataset:
    roles = infer_roles(frame, source=report.source).with_overrides(dataset["roles"], report.source)
else:
    roles = ColumnRoles.from_dict(ws.roles)
table = roles.to_frame()[["column", "role", "reason"]]
if dataset:
    edited = st.data_editor(
        table, hide_index=True, width="stretch", key="roles_editor",
        disabled=["column", "reason"],
        column_config={"role": st.column_config.SelectboxColumn("role", options=list(ALL_ROLES),
                                                                required=True)})
    new_roles = dict(zip(edited["column"], edited["role"]))
    if new_roles != dataset["roles"]:
        with user_errors():
            infer_roles(frame, source=report.source).with_overrides(new_roles, report.source)
            dataset["roles"] = new_roles
            roles = ColumnRoles.from_dict({"items": [
                {"column": c, "role": r, "reason": "set by you", "inferred": False}
                for c, r in new_roles.items()]})
else:
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption("Upload a file to change roles; roles of the current data are those used in discovery.")

st.subheader("Data quality")
if dataset:
    q = quality_report(frame, roles)
    for w in q.warnings:
        st.warning(w)
    st.dataframe(q.to_frame(), hide_index=True, width="stretch")
else:
    qf = pd.DataFrame(ws.quality["columns"])
    for w in ws.quality.get("warnings", []):
        st.warning(w)
    if not qf.empty:
        qf["warnings"] = qf["warnings"].map(lambda w: "; ".join(w))
        st.dataframe(qf, hide_index=True, width="stretch")
