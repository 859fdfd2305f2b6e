"""Discover: settings with plain explanations, a run with live progress, the quality summary."""

import streamlit as st

from pages._shared import md, plural, project_name, replace_workspace, user_errors, workspace
from persona_mining import DiscoverConfig, charts, tables
from persona_mining.cluster import suggest_k, suggested_k
from persona_mining.config import METHODS
from persona_mining.datasource import Dataset
from persona_mining.i18n import _, fmt_number, fmt_percent
from persona_mining.pipeline import STAGES, discover

ws = workspace()
st.title("Discover personas")
dataset = st.session_state.get("dataset")
source = dataset.report.source if dataset else ws.source.source or "current data"
if dataset:
    st.info(f"New data ready: “{md(source)}” ({dataset.report.n_rows:,} rows). Discovering "
            "personas in it starts a new project; the current one stays saved.")
else:
    st.caption(f"Data: “{md(source)}”, {ws.n:,} customers. Upload other data or change "
               "column roles on the Data page. Running again keeps the names and notes of "
               "personas that are found again.")

NAMES = {"hdbscan": "Automatic number (HDBSCAN) — recommended",
         "kmeans": "Fixed number (k-means)",
         "gmm": "Fixed number, overlapping groups (Gaussian mixture)",
         "ward": "Fixed number, built bottom-up (Ward)"}
EXPLAIN = {
    "hdbscan": "Finds as many personas as the data holds, of any size, and leaves customers "
               "who fit none unassigned.",
    "kmeans": "Splits all customers into the number of groups you choose; groups tend to be "
              "of similar spread.",
    "gmm": "Like k-means, but groups may be elongated and overlap; gives each customer a "
           "probability of belonging.",
    "ward": "Starts from single customers and merges the most similar ones step by step "
            "into the number of groups you choose.",
}
STAGE_WORDS = {"read": "Reading the data", "roles": "Checking the columns",
               "features": "Preparing behaviour features",
               "embedding": "Placing customers on the map",
               "clustering": "Finding groups of similar customers",
               "stability": "Re-checking how stable each persona is",
               "profiles": "Describing the personas"}

cfg = ws.config
c1, c2 = st.columns(2)
with c1:
    method = st.selectbox("Method", METHODS, index=METHODS.index(cfg.method), key="method",
                          format_func=NAMES.get)
    st.caption(EXPLAIN[method])
with c2:
    seed = st.number_input("Seed", 0, 2**32 - 1, cfg.seed, key="seed",
                           help="Same data + same settings + same seed = the same personas. "
                                "Change it to see whether the personas hold up.")


@st.cache_data(show_spinner="Comparing numbers of personas…", max_entries=4)
def gmm_suggestions(Z, seed: int):
    """BIC per number of personas for the Gaussian mixture (pure; cached per map)."""
    return suggest_k(Z, "gmm", seed=seed)


suggestions = ws.suggestions
if method == "gmm" and not dataset and (suggestions is None or "bic" not in suggestions
                                        or suggestions["bic"].isna().all()):
    suggestions = gmm_suggestions(ws.Z, int(seed))
suggested = suggested_k(suggestions)

c1, c2 = st.columns(2)
if method == "hdbscan":
    min_size = c1.slider("Smallest persona (share of customers)", 0.5, 20.0,
                         float(cfg.min_size * 100), 0.5, key="min_size", format="%.1f %%",
                         help="Groups smaller than this are not reported as personas.") / 100
    max_un = c2.slider("Largest unassigned share", 0, 50, int(round(cfg.max_unassigned * 100)),
                       key="max_unassigned", format="%d %%",
                       help="At most this share of customers stays unassigned; the others who "
                            "fit no persona well join their closest persona.") / 100
    k = None
else:
    min_size, max_un = cfg.min_size, cfg.max_unassigned
    auto = c1.checkbox("Choose the number of personas for me", value=cfg.k is None, key="auto_k",
                       help="Takes the number with the best separation (see the chart below).")
    default_k = cfg.k or suggested or 6
    k = None if auto else c2.number_input("Number of personas", 2, 50, int(default_k), key="k")

with st.expander("Advanced settings"):
    a1, a2 = st.columns(2)
    embedding = a1.radio("Map method", ["umap", "pca"], index=["umap", "pca"].index(cfg.embedding),
                         horizontal=True, key="embedding",
                         format_func={"umap": "UMAP (better personas)", "pca": "PCA (faster)"}.get,
                         help="How customers are placed on the map before grouping.")
    bootstrap = a2.slider("Stability re-checks", 0, 30, cfg.bootstrap, key="bootstrap",
                          help="How often the grouping is repeated on 80 % samples to measure "
                               "each persona's stability (0 = skip, faster).")

st.markdown("**How many personas?**")
chart = None if dataset else charts.suggest_chart(suggestions, current=len(ws.personas()))
if dataset:
    st.caption("The curve for the new data is computed during discovery and shown here "
               "afterwards.")
if chart is not None:
    st.caption("How well the customers separate into each number of groups (a peak is a good "
               f"number). Suggested: **{suggested}**; the current project has "
               f"**{len(ws.personas())}** personas.")
    st.altair_chart(chart, width="stretch")
bic = charts.suggest_chart(suggestions, current=len(ws.personas()), metric="bic") \
    if method == "gmm" and not dataset else None
if bic is not None:
    st.caption("For the Gaussian mixture: BIC per number of groups (lower is better; where the "
               "curve flattens is enough).")
    st.altair_chart(bic, width="stretch")

carry = False
if dataset:
    carry = st.checkbox("Keep names and notes of the current personas where the same customers "
                        "are found together again (matched by customer id)", value=False,
                        key="carry_names")

if st.button("Discover personas", type="primary", key="run"):
    data = dataset or Dataset.of_workspace(ws, st.session_state.get("roles_draft"))
    with user_errors():
        config = DiscoverConfig(method=method, k=k, min_size=min_size, max_unassigned=max_un,
                                seed=int(seed), embedding=embedding, bootstrap=bootstrap,
                                roles=data.role_choices)
        with st.status("Discovering personas…", expanded=True) as status:
            bar = st.progress(0.0, text="Starting…")

            def progress(stage: str, fraction: float) -> None:
                if stage in STAGES:
                    done = (STAGES.index(stage) + min(max(fraction, 0.0), 1.0)) / len(STAGES)
                    bar.progress(min(done, 1.0), text=f"{STAGE_WORDS.get(stage, stage)} …")

            previous = ws if (not dataset or carry) else None
            new = discover(data, config, progress=progress, previous=previous)
            status.update(label=f"Found {new.metrics['n_personas']} personas", state="complete",
                          expanded=False)
        # New data starts a new project (never replacing one of the same name); a rerun on
        # the current data replaces the open project's discovery.
        replace_workspace(new, dataset.project if dataset else project_name(),
                          new=dataset is not None)
        st.session_state.pop("dataset", None)
        st.session_state.pop("roles_draft", None)
        st.rerun()

ws = workspace()
m = ws.metrics
st.subheader(f"Result in project “{md(project_name())}”" if dataset else "Result", anchor=False)
a, b, c, d = st.columns(4)
a.metric("Personas", m.get("n_personas"))
b.metric("Unassigned", f"{m.get('unassigned_share', 0):.1%}",
         help="Customers who fit no persona well.")
c.metric("Separation (silhouette)", "—" if m.get("silhouette") is None else f"{m['silhouette']:.2f}",
         help="-1 … 1: how clearly customers sit with their own persona rather than the next "
              "one (above 0.5 is clear).")
d.metric("Density validity (DBCV)", "—" if m.get("dbcv") is None else f"{m['dbcv']:.2f}",
         help="-1 … 1, HDBSCAN only: how well personas are separated by sparse regions.")
if ws.edits:
    st.caption("These numbers describe the discovery; the table below shows the personas after "
               f"your {plural(len(ws.edits), 'edit')}.")
if m.get("reduction"):
    r = m["reduction"]
    st.caption(_("Wide table: the personas were found in {k} principal components of its "
                 "{n} model columns (they keep {share} of the variance); traits and rules "
                 "speak of the original columns.", k=r["components"],
                 n=fmt_number(r["columns"]), share=fmt_percent(r["explained_variance"])))
overview = tables.persona_overview(ws)
if not ws.lineage:
    overview = overview.drop(columns=["since last run"])
st.dataframe(overview, hide_index=True, width="stretch",
             column_config={"share": st.column_config.NumberColumn(format="percent"),
                            "customers": st.column_config.NumberColumn(format="localized"),
                            "stability score": st.column_config.ProgressColumn(
                                min_value=0.0, max_value=1.0, format="%.2f",
                                help="Share of re-checks in which the persona was found again "
                                     "(0.75 and more: stable; below 0.5: unstable)")})
changes = tables.lineage_summary(ws)
if any(changes[s] for s in ("changed", "new", "gone")):
    parts = [f"**{word}:** " + ", ".join(md(x) for x in changes[s])
             for s, word in (("new", "New"), ("changed", "Changed"), ("gone", "No longer found"))
             if changes[s]]
    st.markdown("Since the previous run — " + " · ".join(parts))
if m.get("seconds"):
    st.caption("Time per step: " + ", ".join(f"{STAGE_WORDS.get(k, k).lower()} {v:.1f} s"
                                             for k, v in m["seconds"].items()))
