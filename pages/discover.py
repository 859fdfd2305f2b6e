"""Discover: settings with plain explanations, a run with live progress, the quality summary."""

import streamlit as st

from pages._shared import md, project_name, replace_workspace, user_errors, workspace
from persona_mining import DiscoverConfig, charts, howmany, tables
from persona_mining.cluster import suggest_k, suggested_k
from persona_mining.config import METHODS
from persona_mining.datasource import Dataset
from persona_mining.i18n import N_, _, fmt_number, fmt_percent, ngettext
from persona_mining.consolidate import DISTINCT_GAIN
from persona_mining.pipeline import STAGES, discover, with_personas

ws = workspace()
st.title(_("Discover personas"))
dataset = st.session_state.get("dataset")
source = dataset.report.source if dataset else ws.source.source or _("current data")
if dataset:
    st.info(_("New data ready: “{file}” ({rows} rows). Discovering personas in it starts a new "
              "project; the current one stays saved.", file=md(source),
              rows=fmt_number(dataset.report.n_rows)))
else:
    st.caption(_("Data: “{file}”, {n} customers. Upload other data or change column roles on "
                 "the Data page. Running again keeps the names and notes of personas that are "
                 "found again.", file=md(source), n=fmt_number(ws.n)))

NAMES = {"hdbscan": N_("Automatic number (HDBSCAN) — recommended"),
         "kmeans": N_("Fixed number (k-means)"),
         "gmm": N_("Fixed number, overlapping groups (Gaussian mixture)"),
         "ward": N_("Fixed number, built bottom-up (Ward)")}
EXPLAIN = {
    "hdbscan": N_("Finds as many personas as the data holds, of any size, and leaves customers "
                  "who fit none unassigned."),
    "kmeans": N_("Splits all customers into the number of groups you choose; groups tend to be "
                 "of similar spread."),
    "gmm": N_("Like k-means, but groups may be elongated and overlap; gives each customer a "
              "probability of belonging."),
    "ward": N_("Starts from single customers and merges the most similar ones step by step "
               "into the number of groups you choose."),
}
STAGE_WORDS = {"read": N_("Reading the data"), "roles": N_("Checking the columns"),
               "features": N_("Preparing behaviour features"),
               "embedding": N_("Placing customers on the map"),
               "clustering": N_("Finding groups of similar customers"),
               "stability": N_("Re-checking how stable each persona is"),
               "profiles": N_("Describing the personas")}


def stage_words(stage: str) -> str:
    return _(STAGE_WORDS[stage]) if stage in STAGE_WORDS else stage

cfg = ws.config
c1, c2 = st.columns(2)
with c1:
    method = st.selectbox(_("Method"), METHODS, index=METHODS.index(cfg.method), key="method",
                          format_func=lambda m: _(NAMES[m]))
    st.caption(_(EXPLAIN[method]))
with c2:
    seed = st.number_input(_("Seed"), 0, 2**32 - 1, cfg.seed, key="seed",
                           help=_("Same data + same settings + same seed = the same personas. "
                                  "Change it to see whether the personas hold up."))


@st.cache_data(show_spinner=False, max_entries=4)
def gmm_suggestions(Z, seed: int):
    """BIC per number of personas for the Gaussian mixture (pure; cached per map)."""
    return suggest_k(Z, "gmm", seed=seed)


suggestions = ws.suggestions
if method == "gmm" and not dataset and (suggestions is None or "bic" not in suggestions
                                        or suggestions["bic"].isna().all()):
    with st.spinner(_("Comparing numbers of personas…")):
        suggestions = gmm_suggestions(ws.Z, int(seed))
suggested = suggested_k(suggestions)

c1, c2 = st.columns(2)
if method == "hdbscan":
    min_size = c1.slider(_("Smallest persona (share of customers)"), 0.5, 20.0,
                         float(cfg.min_size * 100), 0.5, key="min_size", format="%.1f %%",
                         help=_("Groups smaller than this are not reported as personas.")) / 100
    max_un = c2.slider(_("Largest unassigned share"), 0, 50, int(round(cfg.max_unassigned * 100)),
                       key="max_unassigned", format="%d %%",
                       help=_("At most this share of customers stays unassigned; the others who "
                              "fit no persona well join their closest persona.")) / 100
    k = None
else:
    min_size, max_un = cfg.min_size, cfg.max_unassigned
    auto = c1.checkbox(_("Choose the number of personas for me"), value=cfg.k is None, key="auto_k",
                       help=_("Takes the number with the best separation (see the chart below)."))
    default_k = cfg.k or suggested or 6
    k = None if auto else c2.number_input(_("Number of personas"), 2, 50, int(default_k), key="k")

MAP_METHODS = {"umap": N_("UMAP (better personas)"), "pca": N_("PCA (faster)")}
with st.expander(_("Advanced settings")):
    a1, a2 = st.columns(2)
    embedding = a1.radio(_("Map method"), ["umap", "pca"], index=["umap", "pca"].index(cfg.embedding),
                         horizontal=True, key="embedding",
                         format_func=lambda m: _(MAP_METHODS[m]),
                         help=_("How customers are placed on the map before grouping."))
    bootstrap = a2.slider(_("Stability re-checks"), 0, 30, cfg.bootstrap, key="bootstrap",
                          help=_("How often the grouping is repeated on 80 % samples to measure "
                                 "each persona's stability (0 = skip, faster)."))

st.markdown("**" + _("How many personas?") + "**")
chart = None if dataset or method == "hdbscan" else \
    charts.suggest_chart(suggestions, current=len(ws.personas()))
if method == "hdbscan":
    st.caption(_("HDBSCAN decides the number itself: the smallest set of personas that are "
                 "distinct and stable. Why this number, and another in one click: see "
                 "“How many personas?” below the result."))
elif dataset:
    st.caption(_("The curve for the new data is computed during discovery and shown here "
                 "afterwards."))
if chart is not None:
    st.caption(_("How well the customers separate into each number of groups (a peak is a good "
                 "number). Suggested: **{suggested}**; the current project has **{n}** personas.",
                 suggested=suggested, n=len(ws.personas())))
    st.altair_chart(chart, width="stretch")
bic = charts.suggest_chart(suggestions, current=len(ws.personas()), metric="bic") \
    if method == "gmm" and not dataset else None
if bic is not None:
    st.caption(_("For the Gaussian mixture: BIC per number of groups (lower is better; where the "
                 "curve flattens is enough)."))
    st.altair_chart(bic, width="stretch")

carry = False
if dataset:
    carry = st.checkbox(_("Keep names and notes of the current personas where the same customers "
                          "are found together again (matched by customer id)"), value=False,
                        key="carry_names")

if st.button(_("Discover personas"), type="primary", key="run"):
    data = dataset or Dataset.of_workspace(ws, st.session_state.get("roles_draft"))
    with user_errors():
        config = DiscoverConfig(method=method, k=k, min_size=min_size, max_unassigned=max_un,
                                seed=int(seed), embedding=embedding, bootstrap=bootstrap,
                                roles=data.role_choices)
        with st.status(_("Discovering personas…"), expanded=True) as status:
            bar = st.progress(0.0, text=_("Starting…"))

            def progress(stage: str, fraction: float) -> None:
                if stage in STAGES:
                    done = (STAGES.index(stage) + min(max(fraction, 0.0), 1.0)) / len(STAGES)
                    bar.progress(min(done, 1.0), text=_("{stage} …", stage=stage_words(stage)))

            previous = ws if (not dataset or carry) else None
            new = discover(data, config, progress=progress, previous=previous)
            status.update(label=ngettext("Found {n} persona", "Found {n} personas",
                                         new.metrics['n_personas']),
                          state="complete", expanded=False)
        # New data starts a new project (never replacing one of the same name); a rerun on
        # the current data replaces the open project's discovery.
        replace_workspace(new, dataset.project if dataset else project_name(),
                          new=dataset is not None)
        st.session_state.pop("dataset", None)
        st.session_state.pop("roles_draft", None)
        st.rerun()

ws = workspace()
m = ws.metrics
st.subheader(_("Result in project “{project}”", project=md(project_name())) if dataset
             else _("Result"), anchor=False)
a, b, c, d = st.columns(4)
a.metric(_("Personas"), m.get("n_personas"))
b.metric(_("Unassigned"), fmt_percent(m.get('unassigned_share', 0), 1),
         help=_("Customers who fit no persona well."))
c.metric(_("Separation (silhouette)"), "—" if m.get("silhouette") is None else
         fmt_number(m['silhouette'], 2),
         help=_("-1 … 1: how clearly customers sit with their own persona rather than the next "
                "one (above 0.5 is clear)."))
d.metric(_("Density validity (DBCV)"), "—" if m.get("dbcv") is None else fmt_number(m['dbcv'], 2),
         help=_("-1 … 1, HDBSCAN only: how well personas are separated by sparse regions."))
if ws.edits:
    st.caption(ngettext("These numbers describe the discovery; the table below shows the personas "
                        "after your {n} edit.",
                        "These numbers describe the discovery; the table below shows the personas "
                        "after your {n} edits.", len(ws.edits)))
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
             column_config={**tables.overview_labels(),
                            "share": st.column_config.NumberColumn(_("share"), format="percent"),
                            "customers": st.column_config.NumberColumn(_("customers"),
                                                                       format="localized"),
                            "stability score": st.column_config.ProgressColumn(
                                _("stability score"), min_value=0.0, max_value=1.0, format="%.2f",
                                help=_("Share of re-checks in which the persona was found again "
                                       "(0.75 and more: stable; below 0.5: unstable)"))})


def how_many_view(ws) -> None:
    """Why the engine chose this number of personas, and another number in one click."""
    hm = howmany.how_many(ws)
    if not hm.by_merging or hm.chosen is None:
        return
    st.subheader(_("How many personas?"), anchor=False)
    st.markdown("\n".join("- " + md(s) for s in hm.sentences))
    chart = charts.how_many_chart(howmany.chart_frame(hm), DISTINCT_GAIN)
    if chart is not None:
        st.altair_chart(chart, width="stretch")
        st.caption(_("Each bar: with that many personas, how distinct the two closest ones "
                     "are (log scale). Above the dashed line they differ in more than a "
                     "loosely related attribute; green numbers are also stable when the "
                     "data is resampled."))
    with st.expander(_("Evidence per number of personas")):
        st.dataframe(howmany.readable_table(hm), hide_index=True, width="stretch",
                     column_config=tables.how_many_labels())
    left, right = st.columns([2, 3])
    options = [k for k in hm.options if k != hm.current] or list(hm.options)
    # the nearest other number: one step from what is shown is the usual question
    default = min(options, key=lambda k: (abs(k - hm.current), -k))
    pick = left.selectbox(_("Number of personas"), options, index=options.index(default),
                          key="how_many_pick")
    if right.button(ngettext("Show {n} persona", "Show {n} personas", pick), key="how_many_apply"):
        recut(ws, pick)
    if hm.current != hm.chosen and right.button(
            _("Back to the engine's choice ({n})", n=hm.chosen), key="how_many_engine"):
        recut(ws, None)
    if ws.edits:
        st.caption(_("Another number replaces your merges, splits, reassignments and discards; "
                     "names and notes stay with the personas that keep most of their "
                     "customers."))


def recut(ws, k) -> None:
    with user_errors(), st.spinner(_("Regrouping the customers on the same map…")):
        replace_workspace(with_personas(ws, k), project_name())
        st.rerun()


changes = tables.lineage_summary(ws)
if any(changes[s] for s in ("changed", "new", "gone")):
    words = {"new": N_("New"), "changed": N_("Changed"), "gone": N_("No longer found")}
    parts = [f"**{_(words[s])}:** " + ", ".join(md(x) for x in changes[s])
             for s in ("new", "changed", "gone") if changes[s]]
    st.markdown(_("Since the previous run — {changes}", changes=" · ".join(parts)))
if m.get("seconds"):
    steps = [_("{step} {seconds} s", step=stage_words(k), seconds=fmt_number(v, 1))
             for k, v in m["seconds"].items()]
    st.caption(_("Time per step: {steps}", steps=", ".join(steps)))

how_many_view(ws)
