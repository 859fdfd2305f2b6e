"""Discover: settings with plain explanations, a run with live progress, the quality summary."""

import pandas as pd
import streamlit as st

from pages._shared import PROJECT, commit, user_errors, workspace
from persona_mining import DiscoverConfig, charts
from persona_mining.config import METHODS
from persona_mining.ingest import IngestReport
from dataclasses import asdict

from persona_mining.events import EventConfig, discover_events
from persona_mining.pipeline import STAGES, discover_frame

ws = workspace()
st.title("Discover personas")
dataset = st.session_state.get("dataset")
source = dataset["report"].source if dataset else ws.source.get("source", "current data")
st.caption(f"Data: “{source}”. Change the data or column roles on the Data page.")

EXPLAIN = {
    "hdbscan": "finds personas of any size and leaves customers who fit none unassigned (recommended)",
    "kmeans": "splits everyone into a fixed number of similar-sized groups",
    "gmm": "like k-means but allows overlapping, elongated groups",
    "ward": "builds groups bottom-up by merging the most similar customers",
}
cfg = ws.config
c1, c2 = st.columns(2)
method = c1.selectbox("Method", METHODS, index=METHODS.index(cfg.method), key="method",
                      format_func=lambda m: f"{m} — {EXPLAIN[m]}")
seed = c2.number_input("Seed", 0, 2**31, cfg.seed, key="seed",
                       help="Same data + same seed = same personas.")
if method == "hdbscan":
    min_size = c1.slider("Smallest persona (% of customers)", 0.5, 20.0, cfg.min_size * 100, 0.5,
                         key="min_size", help="Groups smaller than this are not personas.") / 100
    k = None
else:
    min_size = cfg.min_size
    auto = c1.checkbox("Suggest the number of personas", value=cfg.k is None, key="auto_k")
    k = None if auto else c1.number_input("Number of personas", 2, 50, cfg.k or 6, key="k")
max_un = c2.slider("Largest unassigned share (%)", 0, 50, int(round(cfg.max_unassigned * 100)),
                   key="max_unassigned",
                   help="Customers who fit no persona beyond this share join their nearest persona.") / 100
with st.expander("Advanced"):
    embedding = st.radio("Map method", ["umap", "pca"], index=["umap", "pca"].index(cfg.embedding),
                         horizontal=True, key="embedding",
                         help="UMAP keeps neighbourhoods (better personas); PCA is faster.")
    bootstrap = st.slider("Stability re-checks", 0, 30, cfg.bootstrap, key="bootstrap")

chart = charts.suggest_chart(ws.suggestions)
if chart is not None:
    st.markdown("**How many personas?** Separation of k groups on the current map "
                "(a peak is a good number):")
    st.altair_chart(chart, width="stretch")

if st.button("Discover personas", type="primary", key="run"):
    frame, report = (dataset["frame"], dataset["report"]) if dataset else \
        (ws.data, IngestReport.from_dict(ws.source))
    roles = dataset.get("roles", {}) if dataset else {i["column"]: i["role"] for i in ws.roles["items"]}
    roles = {c: r for c, r in roles.items() if c in frame.columns}   # PII columns are not kept
    with user_errors():
        config = DiscoverConfig(method=method, k=k, min_size=min_size, max_unassigned=max_un,
                                seed=int(seed), embedding=embedding, bootstrap=bootstrap,
                                roles=tuple(sorted(roles.items())))
        with st.status("Discovering personas…", expanded=True) as status:
            bar = st.progress(0.0)

            def progress(stage: str, fraction: float) -> None:
                if stage in STAGES:
                    done = (STAGES.index(stage) + fraction) / len(STAGES)
                    bar.progress(min(done, 1.0), text=f"{stage} …")

            if dataset and dataset.get("events"):     # event log: journeys come along
                ev = dataset["events"]
                new = discover_events(ev["log"], config, EventConfig(session_gap_minutes=ev["gap"]),
                                      progress=progress, name=report.source,
                                      **{k: v for k, v in asdict(ev["mapping"]).items()})
            else:
                new = discover_frame(frame, report, config, progress=progress,
                                     previous=None if dataset and dataset.get("new") else ws)
            status.update(label=f"Found {new.metrics['n_personas']} personas", state="complete")
        if dataset and dataset.get("new"):
            st.session_state[PROJECT] = dataset["project"]
        st.session_state.pop("dataset", None)
        commit(new, full=True)
        st.rerun()

ws = workspace()
m = ws.metrics
st.subheader("Result")
a, b, c, d = st.columns(4)
a.metric("Personas", m.get("n_personas"))
b.metric("Unassigned", f"{m.get('unassigned_share', 0):.1%}")
c.metric("Separation (silhouette)", "—" if m.get("silhouette") is None else f"{m['silhouette']:.2f}",
         help="-1…1: how clearly customers sit with their own persona")
d.metric("Density validity (DBCV)", "—" if m.get("dbcv") is None else f"{m['dbcv']:.2f}",
         help="-1…1, HDBSCAN only: how well personas are separated by sparse regions")
rows = [{"persona": f"{p.id} · {ws.persona_name(p.id)}", "share": f"{p.share:.1%}",
         "customers": p.size, "stability": p.stability_label,
         "score": None if p.stability is None else round(p.stability, 2),
         "since last run": ws.lineage.get(p.id, "")} for p in ws.personas()]
gone = [pid for pid, s in ws.lineage.items() if s == "gone"]
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
if gone:
    st.warning("No longer found: " + ", ".join(gone))
if m.get("seconds"):
    st.caption("Time per step: " + ", ".join(f"{k} {v:.1f} s" for k, v in m["seconds"].items()))
