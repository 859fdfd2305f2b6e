"""Track: score new customers period by period with the current personas; shares over
time and drift warnings. Results are kept in the project (workspace extras)."""

import dataclasses
import json

import pandas as pd
import streamlit as st

from pages._shared import commit, md, user_errors, workspace
from persona_mining import charts, model as pm, outcomes, scoring, synthetic
from persona_mining.csvsafe import csv_bytes
from persona_mining.i18n import _, fmt_date, fmt_number, fmt_percent, ngettext, reword
from persona_mining.labels import persona_label, unassigned_label
from persona_mining.profile import humanize

KEY = "tracking"
ws = workspace()
st.title(_("Track"))
st.caption(_("Are the personas still true? Score new customers — one file per month, or one "
             "file with a date column — with the personas as they are now (your merges, splits "
             "and reassignments included) and watch their shares move. A warning appears when "
             "many customers fit no persona or the behaviour data itself shifts."))

model = None
with user_errors():
    model = pm.model_for(ws)
    info = pm.describe(model)
    agree = info["holdout_agreement"]
    c1, c2, c3 = st.columns(3)
    c1.metric(_("Personas in the model"), info["personas"])
    c2.metric(_("Reference customers"), fmt_number(info['reference_rows']))
    c3.metric(_("Agreement on unseen customers"), fmt_percent(agree, 1),
              help=_("Customers held out of a trial model, then assigned by it: how often it "
                     "chose the same persona as the workspace. Scoring the training customers "
                     "reproduces the workspace exactly."))
    st.download_button(_("Download persona model (.zip)"), data=lambda: pm.to_zip_bytes(model),
                       file_name="persona-model.zip", mime="application/zip", key="dl_model",
                       icon=":material/download:",
                       help=_("For scheduled scoring: {command}",
                              command="python -m persona_mining score persona-model.zip new.csv "
                                      "--out assignments.csv"))

    st.subheader(_("Score new periods"))
    if model.events_:
        st.caption(_("Upload event logs with the same columns as the training data. Several "
                     "files are ordered by file name (e.g. 2026-01.csv, 2026-02.csv); each file "
                     "is a period."))
    else:
        st.caption(_("Upload customer tables with the same columns as the training data. "
                     "Several files are ordered by file name (e.g. 2026-01.csv, 2026-02.csv); "
                     "each file is a period."))
    files = st.file_uploader(_("Period files (event logs)") if model.events_ else
                             _("Period files (customer tables)"), accept_multiple_files=True,
                             type=["csv", "tsv", "txt", "parquet", "xlsx", "jsonl"], key="track_files")
    by_date = st.toggle(_("One file: cut it into periods by a date column"), key="track_by_date")
    time_col, freq = None, None
    if by_date:
        a, b = st.columns(2)
        default = (model.events_ or {}).get("mapping", {}).get("time") or ""
        time_col = a.text_input(_("Date column"), value=default, key="track_time_col")
        freq = b.selectbox(_("Period"), list(scoring.FREQS), index=2, key="track_freq",
                           format_func=lambda f: _(scoring.FREQS[f]))
    with st.expander(_("Drift thresholds")):
        a, b = st.columns(2)
        psi_t = a.number_input(_("Feature drift: PSI above"), 0.01, 5.0, 0.2, 0.05, key="track_psi",
                               help=_("Population stability index per feature against the training "
                                      "data: below 0.1 stable, 0.1–0.2 moving, above 0.2 drift."))
        un_t = b.number_input(_("Unassigned share rising by more than (points)"), 1.0, 50.0, 5.0,
                              1.0, key="track_unassigned") / 100
    thresholds = scoring.DriftThresholds(psi_t, un_t)
    a, b = st.columns([1, 3])
    uploads = None
    if a.button(_("Score periods"), type="primary", disabled=not files, key="track_run"):
        uploads = [(f.name, f.getvalue()) for f in files]
    if set(model.prep_.source_columns_) <= set(synthetic.make_customers(5).columns) and b.button(
            _("Try it: three synthetic months of the sample"), key="track_demo",
            help=_("2026-11 and 2026-12 look like the training data; in 2027-01 app use and "
                   "spend rise and a new kind of customer appears.")):
        uploads, time_col, freq = synthetic.month_files(), None, None
    if uploads:
        with st.spinner(_("Scoring…")):
            result = scoring.track_uploads(model, uploads, time_col=time_col or None, freq=freq,
                                           thresholds=thresholds)
        commit(dataclasses.replace(ws, extras={**ws.extras, KEY: result}))
        st.rerun()

result = ws.extras.get(KEY)
if not result:
    st.info(_("No periods scored yet: upload files above."))
    st.stop()

st.divider()
drift = result["drift"]
table = pd.DataFrame(result["table"])
st.subheader(_("Persona shares over time"))
st.caption(ngettext("Scored {files} on {date} · {n} period.",
                    "Scored {files} on {date} · {n} periods.", len(drift['periods']),
                    files=md(', '.join(result['files'])), date=fmt_date(result['created_at'][:10])))
last = drift["periods"][-1]
c1, c2, c3 = st.columns(3)
c1.metric(_("Customers in {period}", period=last['period']), fmt_number(last['customers']))
c2.metric(_("Unassigned"), fmt_percent(last['unassigned_share'], 1),
          delta=_("{points} points vs. training",
                  points=fmt_number(last['unassigned_change'] * 100, 1, signed=True)),
          delta_color="inverse")
c3.metric(_("Periods with drift"), sum(p["drift"] for p in drift["periods"]))
for p in drift["periods"]:
    for w in map(reword, p["warnings"]):           # kept with the project: in today's language
        st.warning(f"**{md(p['period'])}** — {md(w)}", icon=":material/warning:")
if not drift["drift"]:
    st.success(_("No drift: the personas describe every period as well as the training data."),
               icon=":material/check_circle:")
st.altair_chart(charts.tracking_chart(table, ws), width="stretch")

labels = {p.id: persona_label(ws, p.id) for p in ws.personas()}
labels["unassigned"] = unassigned_label()
table_view = table.assign(persona=[labels.get(pid, name) for pid, name in
                                   zip(table["persona_id"], table["persona_name"])])
wide = table_view.pivot_table(index="persona", columns="period", values="share", sort=False)
wide = wide[list(dict.fromkeys(table["period"]))].rename_axis(index=_("persona"), columns=None)
st.dataframe(wide.style.format(lambda v: fmt_percent(v, 1)), width="stretch")

tracked = pd.DataFrame(result.get("outcomes") or [], columns=outcomes.TRACKING_COLUMNS)
if not tracked.empty:
    st.subheader(_("Outcomes over time"))
    st.caption(_("Each persona's outcome per period (the period files' own outcome columns), "
                 "with its 95 % interval; all customers dashed. Groups with fewer than {min} "
                 "customers with a value are left out.", min=outcomes.MIN_GROUP_SIZE))
    for outcome in dict.fromkeys(tracked["outcome"]):
        chart = charts.outcome_tracking_chart(tracked, ws, outcome)
        if chart is not None:
            st.altair_chart(chart, width="stretch")
        t = tracked[tracked["outcome"] == outcome]
        cells = t.assign(
            persona=[labels.get(pid, _("All customers") if pid == outcomes.ALL else name)
                     for pid, name in zip(t["persona_id"], t["persona_name"])],
            shown=[outcomes.fmt_spread(k, v, lo, hi) for k, v, lo, hi in
                   zip(t["kind"], t["value"], t["low"], t["high"])])
        grid = cells.pivot_table(index="persona", columns="period", values="shown",
                                 aggfunc="first", sort=False)
        grid = grid[list(dict.fromkeys(t["period"]))].rename_axis(columns=None)
        st.dataframe(grid, width="stretch")
elif model is not None and model.outcomes_:
    st.caption(_("The period files have none of the outcome columns ({columns}): outcomes "
                 "are tracked when the files carry them.",
                 columns=", ".join(d["column"] for d in model.outcomes_)))

st.subheader(_("Feature drift"))
st.caption(_("Population stability index of each behaviour feature against the training "
             "data (above the threshold = the feature's distribution moved)."))
psi = pd.DataFrame({p["period"]: p["psi"] for p in drift["periods"]})
if not psi.empty:
    psi = psi.loc[psi.max(axis=1).sort_values(ascending=False).index]
    psi.index = [humanize(c) for c in psi.index]
    st.dataframe(psi.style.format(lambda v: fmt_number(v, 2)).highlight_between(
        left=drift["thresholds"]["psi"], right=None, color="#f6d5cf"), width="stretch")
pct = lambda v: "—" if v is None else fmt_percent(v, 1)  # noqa: E731
moves = pd.DataFrame([{_("period"): p["period"], _("new customers"): pct(p["new_customer_share"]),
                       _("returning customers who changed persona"): pct(p["persona_switch_share"])}
                      for p in drift["periods"]])
if any(p["new_customer_share"] is not None for p in drift["periods"]):
    st.caption(_("Customers between consecutive periods (matched by customer id):"))
    st.dataframe(moves, hide_index=True, width="stretch")

a, b = st.columns(2)
if not tracked.empty:
    a.download_button("outcomes.csv", data=csv_bytes(tracked), file_name="outcomes.csv",
                      mime="text/csv", key="dl_outcomes", icon=":material/download:")
a.download_button("tracking.csv", data=csv_bytes(table),
                  file_name="tracking.csv", mime="text/csv", key="dl_tracking",
                  icon=":material/download:")
b.download_button("drift.json", data=json.dumps(drift, indent=1, ensure_ascii=False).encode("utf-8"),
                  file_name="drift.json", mime="application/json", key="dl_drift",
                  icon=":material/download:")
