"""Altair charts for the workbench pages (never calls streamlit).

Everything here is a pure function of a workspace (and a few arguments): the pages only
read widgets, call one of these, and render the result. No chart contains customer ids.
Tables are in :mod:`.tables`, the map selection in :mod:`.selection`, the words for
personas and values in :mod:`.labels`.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from . import outcomes
from .i18n import _, current_language, fmt_number, fmt_percent
from .labels import feature_label, persona_label, trait_value, unassigned_label
from .profile import UNASSIGNED, humanize, real_traits, trait_table

MAP_MAX_POINTS = 20_000
PALETTE = ["#3b5ba5", "#e8743b", "#19a979", "#ed4a7b", "#945ecf", "#13a4b4", "#525df4",
           "#bf399e", "#6c8893", "#ee6868", "#2f6497", "#b4a22c", "#7f7f7f", "#8c564b",
           "#17becf", "#bcbd22", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]
GREY = "#c8c8c8"
PERSONA_BLUE, AVERAGE_GREY = "#3b5ba5", "#b9bec7"


# Vega's number format in German (axes in %, tooltips): the d3-format locale of de-DE.
_VEGA_NUMBER = {"de": {"decimal": ",", "thousands": ".", "grouping": [3],
                       "currency": ["", "\u00a0€"], "percent": "\u00a0%"}}


def localized(chart: Any) -> Any:
    """The chart with Vega formatting numbers in the current language (English: unchanged)."""
    number = _VEGA_NUMBER.get(current_language())
    return chart.configure(locale={"number": number}) if number else chart


# -- the persona map ---------------------------------------------------------------------------
def map_frame(ws: Any, color_by: str = "persona", seed: int = 0) -> pd.DataFrame:
    """Rows for the 2-D map: x, y, row (position), persona name and the colouring column.
    Large data are sampled to MAP_MAX_POINTS (the map stays responsive). No identifiers."""
    labels = ws.state().labels
    names = {p.id: persona_label(ws, p.id) for p in ws.personas()}
    names[UNASSIGNED] = unassigned_label()
    rows = np.arange(ws.n)
    if ws.n > MAP_MAX_POINTS:
        rows = np.sort(np.random.default_rng(seed).choice(ws.n, MAP_MAX_POINTS, replace=False))
    df = pd.DataFrame({"x": ws.map2d[rows, 0], "y": ws.map2d[rows, 1], "row": rows,
                       "persona": [names.get(lab, lab) for lab in labels[rows]]})
    spec = next((sp for sp in outcomes.workspace_specs(ws) if sp.column == color_by), None)
    if spec is not None:            # an outcome: yes / no, or its number
        v = spec.values(ws.data[color_by].iloc[rows])
        if spec.kind == outcomes.RATE:
            words = np.array([_("no"), _("yes"), _("(missing)")], dtype=object)
            df[color_by] = words[np.where(np.isnan(v), 2, v).astype(int)]
        else:
            df[color_by] = v
    elif color_by != "persona" and color_by in ws.data.columns:
        values = ws.data[color_by].iloc[rows]
        if not pd.api.types.is_numeric_dtype(values):
            values = values.astype(object).where(values.notna(), _("(missing)")).astype(str)
        df[color_by] = values.to_numpy()
    return df


def colorable_columns(ws: Any) -> list[str]:
    """Columns the map can be coloured by: behaviour features, outcomes and label columns
    (no ids, no personal data: those are not in the workspace's table as features)."""
    from .roles import LABEL

    features = [c for c in ws.prep.source_columns_ if c in ws.data.columns]
    outcome_cols = [sp.column for sp in outcomes.workspace_specs(ws)]
    labels = [c for c in ws.roles.columns(LABEL) if c in ws.data.columns]
    return features + [c for c in outcome_cols + labels if c not in features]


def column_label(ws: Any, column: str) -> str:
    """How the Explore page names a column: 'revenue (12 months)', 'Response (outcome)'."""
    if any(sp.column == column for sp in outcomes.workspace_specs(ws)):
        return _("{name} (outcome)", name=humanize(column))
    return humanize(column)


def persona_colors(ws: Any) -> tuple[list[str], list[str]]:
    """Colour scale domain and range: one colour per persona, grey for unassigned (listed
    only when someone is unassigned)."""
    names = [persona_label(ws, p.id) for p in ws.personas()]
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(names))]
    if (ws.state().labels == UNASSIGNED).any():
        return names + [unassigned_label()], colors + [GREY]
    return names, colors


def map_chart(ws: Any, color_by: str = "persona", select: bool = True,
              width: int | str = "container", height: int = 520) -> alt.Chart:
    """Scatter of the 2-D map; with ``select`` a rectangle selection named 'brush'."""
    df = map_frame(ws, color_by)
    rate = next((sp for sp in outcomes.workspace_specs(ws)
                 if sp.column == color_by and sp.kind == outcomes.RATE), None)
    if color_by == "persona":
        domain, colors = persona_colors(ws)
        color = alt.Color("persona:N", scale=alt.Scale(domain=domain, range=colors),
                          legend=alt.Legend(title=_("Persona"), orient="right", labelLimit=260))
        tooltip = [alt.Tooltip("persona:N", title=_("persona"))]
    elif rate is not None:          # yes/no outcome: yes in a strong colour, no in grey
        # (drawn in table order, not yes on top: the density of colour stays honest)
        words = [_("yes"), _("no"), _("(missing)")]
        present = [w for w in words if (df[color_by] == w).any()]
        color = alt.Color(f"{color_by}:N", title=outcomes.title(rate),
                          scale=alt.Scale(domain=present, range=[
                              {words[0]: "#d6336c", words[1]: "#c3cad3", words[2]: "#eeeeee"}[w]
                              for w in present]),
                          legend=alt.Legend(orient="right"))
        tooltip = [alt.Tooltip("persona:N", title=_("persona")),
                   alt.Tooltip(f"{color_by}:N", title=outcomes.title(rate))]
    else:
        numeric = pd.api.types.is_numeric_dtype(df[color_by])
        kind = "Q" if numeric else "N"
        scale: Any = alt.Undefined
        if numeric:      # skewed values (revenue): colour the middle 96 %, clamp the tails
            v = pd.to_numeric(df[color_by], errors="coerce").dropna()
            lo, hi = (float(v.quantile(0.02)), float(v.quantile(0.98))) if len(v) else (0.0, 1.0)
            scale = alt.Scale(scheme="viridis", domain=[lo, hi if hi > lo else lo + 1],
                              clamp=True)
        color = alt.Color(f"{color_by}:{kind}", title=humanize(color_by), scale=scale,
                          legend=alt.Legend(orient="right", labelLimit=200))
        tooltip = [alt.Tooltip("persona:N", title=_("persona")),
                   alt.Tooltip(f"{color_by}:{kind}", title=humanize(color_by),
                               **({"format": ",.3~f"} if numeric else {}))]
    size = 14 if len(df) > 5000 else 28
    chart = alt.Chart(df).mark_circle(size=size, opacity=0.7).encode(
        x=alt.X("x:Q", axis=None, scale=alt.Scale(zero=False)),
        y=alt.Y("y:Q", axis=None, scale=alt.Scale(zero=False)),
        color=color, tooltip=tooltip,
    ).properties(width=width, height=height)
    if select:
        chart = chart.add_params(alt.selection_interval(name="brush"))
    return localized(chart)


# -- personas side by side ------------------------------------------------------------------
def size_bars(ws: Any) -> alt.Chart:
    """Share of customers per persona (and unassigned), labelled with the share."""
    domain, colors = persona_colors(ws)
    rows = [{"persona": persona_label(ws, p.id), "share": p.share, "size": p.size}
            for p in ws.personas()]
    labels = ws.state().labels
    n_un = int((labels == UNASSIGNED).sum())
    if n_un:
        rows.append({"persona": unassigned_label(), "share": n_un / max(1, len(labels)),
                     "size": n_un})
    df = pd.DataFrame(rows)
    df["text"] = [f"{fmt_percent(s, 1)} · {fmt_number(n)}" for s, n in zip(df["share"], df["size"])]
    df["share_text"] = [fmt_percent(s, 1) for s in df["share"]]
    base = alt.Chart(df).encode(
        y=alt.Y("persona:N", sort=None, title=None,
                axis=alt.Axis(labelLimit=340, labelOverlap=False, ticks=False, domain=False)),
        x=alt.X("share:Q", title=None, axis=None,
                scale=alt.Scale(domain=[0, float(df["share"].max()) * 1.3 or 1])),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("persona:N", scale=alt.Scale(domain=domain, range=colors), legend=None),
        tooltip=[alt.Tooltip("persona:N", title=_("persona")),
                 alt.Tooltip("share_text:N", title=_("share")),
                 alt.Tooltip("text:N", title=_("share · customers"))])
    text = base.mark_text(align="left", dx=4, fontSize=12, color="#555").encode(text="text:N")
    return localized((bars + text).properties(height=30 * len(df) + 10))


def _trait_frame(ws: Any) -> pd.DataFrame:
    """trait_table of the current personas, cached on the workspace per edit and language
    (its sentences are in the language of the moment)."""
    def compute() -> pd.DataFrame:
        table = trait_table(ws.data, ws.state().labels, ws.X, ws.prep)
        return real_traits(table)

    return ws.memo(("trait_table", len(ws.edits), current_language()), compute)


def heatmap(ws: Any, top: int = 20) -> alt.Chart:
    """Persona x trait effect sizes for the traits that separate personas most.
    Blue: more than the average customer; red: less."""
    table = _trait_frame(ws)
    strength = table.groupby("feature")["effect_size"].apply(lambda s: s.abs().max())
    keep = strength.sort_values(ascending=False).head(top).index
    t = table[table["feature"].isin(keep)].copy()
    t["trait"] = t["feature"].map(feature_label)
    names = {p.id: persona_label(ws, p.id) for p in ws.personas()}
    t["persona_label"] = t["persona"].map(names)
    t["effect"] = t["effect_size"].clip(-2, 2)
    t["persona value"] = [trait_value(k, c, v) for k, c, v in
                          zip(t["kind"], t["column"], t["persona_value"])]
    t["average"] = [trait_value(k, c, v) for k, c, v in
                    zip(t["kind"], t["column"], t["population_value"])]
    return localized(alt.Chart(t).mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("persona_label:N", title=None, sort=list(names.values()),
                axis=alt.Axis(labelAngle=-35, labelLimit=190, labelOverlap=False, orient="top")),
        y=alt.Y("trait:N", title=None, sort=[feature_label(k) for k in keep],
                axis=alt.Axis(labelLimit=240, labelOverlap=False)),
        color=alt.Color("effect:Q", scale=alt.Scale(scheme="redblue", domain=[-2, 2]),
                        title=_("vs average"),
                        legend=alt.Legend(orient="right", gradientLength=160)),
        tooltip=[alt.Tooltip("persona_label:N", title=_("persona")),
                 alt.Tooltip("trait:N", title=_("trait")),
                 alt.Tooltip("persona value:N", title=_("persona value")),
                 alt.Tooltip("average:N", title=_("average")),
                 alt.Tooltip("sentence:N", title=_("in words"))],
    ).properties(height=24 * len(keep) + 150))


def outcome_chart(ws: Any) -> alt.Chart | None:
    """Each outcome per persona: the figure as a dot on its 95 % interval, all customers as
    a dashed line (one panel per outcome, each on its own scale). None without outcomes;
    personas below the privacy minimum are left out."""
    frame = outcomes.overview_frame(ws, persona_label)
    if frame.empty:
        return None
    domain, colors = persona_colors(ws)
    panels = []
    for column, t in frame.groupby("column", sort=False):
        everyone = t[t["group"] == outcomes.ALL]
        t = t[(t["group"] != outcomes.ALL) & ~t["suppressed"]].copy()
        if t.empty:
            continue
        rate = t["kind"].iloc[0] == outcomes.RATE
        fmt_ = ".0%" if rate else ",.2~f"
        t["shown"] = [outcomes.fmt_value(k, v) for k, v in zip(t["kind"], t["value"])]
        t["interval"] = [f"{outcomes.fmt_value(k, lo)} – {outcomes.fmt_value(k, hi)}"
                         for k, lo, hi in zip(t["kind"], t["low"], t["high"])]
        order = list(t["persona"])
        x = alt.X("value:Q", title=t["outcome"].iloc[0], axis=alt.Axis(format=fmt_),
                  scale=alt.Scale(zero=rate))
        y = alt.Y("persona:N", sort=order, title=None,
                  axis=alt.Axis(labelLimit=300, labelOverlap=False))
        tip = [alt.Tooltip("persona:N"), alt.Tooltip("shown:N", title=_("value")),
               alt.Tooltip("interval:N", title=_("95 % interval")),
               alt.Tooltip("customers:Q", title=_("customers with a value"), format=","),
               alt.Tooltip("sentence:N", title=_("in words"))]
        color = alt.Color("persona:N", scale=alt.Scale(domain=domain, range=colors), legend=None)
        base = alt.Chart(t)
        bars = base.mark_rule(strokeWidth=3, opacity=0.45).encode(x="low:Q", x2="high:Q", y=y,
                                                                  color=color, tooltip=tip)
        dots = base.mark_circle(size=90, opacity=1).encode(x=x, y=y, color=color, tooltip=tip)
        layers = [bars, dots]
        if not everyone.empty and everyone["value"].notna().all():
            line = alt.Chart(everyone.assign(label=_("all customers"))).mark_rule(
                strokeDash=[4, 3], color="#555").encode(
                x="value:Q", tooltip=[alt.Tooltip("label:N", title=""),
                                      alt.Tooltip("value:Q", format=fmt_, title=_("value"))])
            layers.append(line)
        panels.append(alt.layer(*layers).properties(width="container", height=36 * len(t) + 16))
    if not panels:
        return None
    if len(panels) == 1:
        return panels[0]
    return alt.vconcat(*panels).resolve_scale(x="independent", color="shared")


def trait_bars(persona: Any) -> alt.Chart | None:
    """'This persona' next to 'all customers' for each distinguishing trait, in the
    trait's own units (bars scaled per trait, values written at the bar ends)."""
    if not persona.traits:
        return None
    rows, order = [], []
    this, everyone = _("This persona"), _("All customers")
    for t in persona.traits:
        label = feature_label(t.feature)
        order.append(label)
        top = max(abs(t.persona_value), abs(t.population_value)) if all(
            np.isfinite([t.persona_value, t.population_value])) else 0.0
        for who, v in ((this, t.persona_value), (everyone, t.population_value)):
            rows.append({"trait": label, "who": who,
                         "bar": float(v / top) if top > 0 and np.isfinite(v) else 0.0,
                         "value": trait_value(t.kind, t.column, v), "sentence": t.sentence})
    df = pd.DataFrame(rows)
    lo = -1.45 if (df["bar"] < 0).any() else 0.0
    base = alt.Chart(df).encode(
        y=alt.Y("trait:N", sort=order, title=None,
                axis=alt.Axis(labelLimit=240, labelOverlap=False, ticks=False, domain=False,
                              labelFontSize=12, labelPadding=8)),
        yOffset=alt.YOffset("who:N", sort=[this, everyone]),
        x=alt.X("bar:Q", axis=None, scale=alt.Scale(domain=[lo, 1.45])),
        tooltip=[alt.Tooltip("sentence:N", title=_("in words"))],
    )
    bars = base.mark_bar(cornerRadiusEnd=2).encode(
        color=alt.Color("who:N", title=None,
                        scale=alt.Scale(domain=[this, everyone],
                                        range=[PERSONA_BLUE, AVERAGE_GREY]),
                        legend=alt.Legend(orient="top", direction="horizontal")))
    text = base.mark_text(align="left", dx=4, fontSize=11, color="#444").encode(text="value:N")
    return localized((bars + text).properties(height=34 * len(order) + 10))


def suggest_chart(suggestions: pd.DataFrame, current: int | None = None,
                  metric: str = "silhouette") -> alt.Chart | None:
    """'How many personas?': silhouette (higher = better) or BIC (lower = better) per
    number of personas; the best number is marked, and ``current`` if given."""
    if suggestions is None or suggestions.empty or metric not in suggestions \
            or suggestions[metric].isna().all():
        return None
    df = suggestions[["k", metric]].dropna().copy()
    # BIC keeps falling with more groups (the elbow matters, not the minimum): no pick there.
    best = int(df.sort_values([metric, "k"], ascending=[False, True]).iloc[0]["k"]) \
        if metric == "silhouette" else None
    df["mark"] = np.where(df["k"] == best, _("suggested"), np.where(df["k"] == current,
                                                                    _("now"), ""))
    df["value"] = [fmt_number(v, 3 if metric == "silhouette" else 0) for v in df[metric]]
    title = (_("separation: higher is better") if metric == "silhouette"
             else _("BIC: lower is better"))
    base = alt.Chart(df).encode(x=alt.X("k:O", title=_("number of personas"),
                                        axis=alt.Axis(labelAngle=0)))
    line = base.mark_line(point=True, color=PERSONA_BLUE).encode(
        y=alt.Y(f"{metric}:Q", title=title, scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("k:O", title=_("personas")),
                 alt.Tooltip("value:N", title=metric if metric == "silhouette" else "BIC")])
    labels = base.transform_filter("datum.mark != ''").mark_text(
        dy=-12, fontSize=11, fontWeight="bold", color="#19a979").encode(
        y=f"{metric}:Q", text="mark:N")
    layers = [line, labels]
    if best is not None:
        layers.insert(0, alt.Chart(pd.DataFrame({"k": [best]})).mark_rule(
            color="#19a979", strokeDash=[4, 3], size=2).encode(x="k:O"))
    return localized(alt.layer(*layers).properties(height=220))


def how_many_chart(frame: pd.DataFrame, threshold: float) -> alt.Chart | None:
    """The "how many personas" evidence (see :func:`howmany.chart_frame`): per number of
    personas, how distinct the closest two are (log scale: the evidence spans orders of
    magnitude), the threshold above which they count as distinct, coloured by verdict,
    with the engine's choice and the current number marked."""
    if frame is None or frame.empty:
        return None
    verdicts = [_("distinct and stable"), _("distinct, not stable"), _("not distinct")]
    colours = ["#19a979", "#e8743b", GREY]
    base = alt.Chart(frame).encode(x=alt.X("k:O", title=_("number of personas"),
                                           axis=alt.Axis(labelAngle=0)))
    # a bar on a log axis needs a baseline of its own (log 0 does not exist); below the
    # floor of the values, so "not distinct" numbers show a stub, not nothing
    floor = float(frame["gain"].min()) / 3
    top = float(frame["gain"].max())
    ticks = [v for v in (0.01, 0.1, 1, 10, 100, 1000) if floor <= v <= top * 3]
    bars = base.mark_bar().encode(
        y=alt.Y("gain:Q", scale=alt.Scale(type="log", domainMin=floor),
                axis=alt.Axis(values=ticks, grid=True), title=_("evidence (log scale)")),
        y2=alt.datum(floor),
        color=alt.Color("verdict:N", scale=alt.Scale(domain=verdicts, range=colours),
                        legend=alt.Legend(title=None, orient="bottom")),
        tooltip=[alt.Tooltip("k:O", title=_("personas")),
                 alt.Tooltip("gain_text:N", title=_("evidence")),
                 alt.Tooltip("differ:N", title=_("the closest two differ in")),
                 alt.Tooltip("stable_text:N", title=_("least stable persona")),
                 alt.Tooltip("verdict:N", title=_("verdict"))])
    rule = alt.Chart(pd.DataFrame({"gain": [threshold]})).mark_rule(
        color="#555", strokeDash=[4, 3]).encode(y="gain:Q")
    labels = base.transform_filter("datum.mark != ''").mark_text(
        dy=-8, fontSize=11, fontWeight="bold", color="#333").encode(y="gain:Q", text="mark:N")
    return localized(alt.layer(bars, rule, labels).properties(height=240))


# -- journeys and tracking ---------------------------------------------------------------------
def transition_chart(journey: dict) -> alt.Chart | None:
    """Most frequent touchpoint steps of a persona as 'from → to' bars."""
    rows = [{"step": f"{t['from']} → {t['to']}", "share": t["share"],
             "share_text": fmt_percent(t["share"], 1)} for t in journey.get("transitions", [])]
    if not rows:
        return None
    return localized(alt.Chart(pd.DataFrame(rows)).mark_bar(color=PERSONA_BLUE).encode(
        x=alt.X("share:Q", axis=alt.Axis(format="%", title=_("share of all steps"))),
        y=alt.Y("step:N", sort=None, title=None, axis=alt.Axis(labelLimit=280, labelOverlap=False)),
        tooltip=[alt.Tooltip("step:N", title=_("step")),
                 alt.Tooltip("share_text:N", title=_("share"))],
    ).properties(height=26 * len(rows) + 20))


def tracking_chart(table: pd.DataFrame, ws: Any) -> alt.Chart:
    """Persona shares per period: one line per persona in its map colour, unassigned grey
    and dashed, the training share as a faint dotted reference in the tooltip."""
    names, colors = persona_colors(ws)
    t = table.copy()
    label = {p.id: persona_label(ws, p.id) for p in ws.personas()}
    none = unassigned_label()
    t["persona"] = [label.get(pid, name) if pid != "unassigned" else none
                    for pid, name in zip(t["persona_id"], t["persona_name"])]
    t["share_text"] = [fmt_percent(v, 1) for v in t["share"]]
    t["change_text"] = [fmt_percent(v, 1, signed=True) for v in t["change_vs_training"]]
    t["customers_text"] = [fmt_number(v) for v in t["customers"]]
    present = set(t["persona"]) - {none}
    domain = [n for n in names if n in present] + [none]
    rng = [c for n, c in zip(names, colors) if n in present] + [GREY]
    for n in sorted(set(t["persona"]) - set(domain)):      # personas changed since scoring
        domain.append(n)
        rng.append(PALETTE[len(rng) % len(PALETTE)])
    order = list(dict.fromkeys(t["period"]))
    base = alt.Chart(t).encode(
        x=alt.X("period:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("share:Q", title=_("share of customers"), axis=alt.Axis(format="%")),
        color=alt.Color("persona:N", scale=alt.Scale(domain=domain, range=rng),
                        legend=alt.Legend(title=None, orient="right", labelLimit=260)),
        strokeDash=alt.condition(alt.datum.persona_id == "unassigned", alt.value([5, 4]),
                                 alt.value([1, 0])),
        tooltip=[alt.Tooltip("period:N", title=_("period")),
                 alt.Tooltip("persona:N", title=_("persona")),
                 alt.Tooltip("customers_text:N", title=_("customers")),
                 alt.Tooltip("share_text:N", title=_("share")),
                 alt.Tooltip("change_text:N", title=_("vs. training (points)"))])
    return localized((base.mark_line(strokeWidth=2.5) + base.mark_circle(size=55))
                     .properties(height=340))


def outcome_tracking_chart(table: pd.DataFrame, ws: Any, outcome: str) -> alt.Chart | None:
    """One outcome per persona and period (rows of ``outcomes.tracking_frame``): a line per
    persona in its map colour with the 95 % interval as error bars, all customers dashed."""
    t = table[(table["outcome"] == outcome) & ~table["suppressed"].astype(bool)
              & (table["persona_id"] != outcomes.UNASSIGNED)].copy()
    if t.empty:
        return None
    names, colors = persona_colors(ws)
    label = {p.id: persona_label(ws, p.id) for p in ws.personas()}
    everyone = _("All customers")
    t["persona"] = [everyone if pid == outcomes.ALL else label.get(pid, name)
                    for pid, name in zip(t["persona_id"], t["persona_name"])]
    present = set(t["persona"]) - {everyone}
    domain = [n for n in names if n in present]
    rng = [c for n, c in zip(names, colors) if n in present]
    for n in sorted(present - set(domain)):          # personas changed since scoring
        domain.append(n)
        rng.append(PALETTE[len(rng) % len(PALETTE)])
    domain.append(everyone)
    rng.append("#555555")
    rate = t["kind"].iloc[0] == outcomes.RATE
    t["shown"] = [outcomes.fmt_spread(k, v, lo, hi)
                  for k, v, lo, hi in zip(t["kind"], t["value"], t["low"], t["high"])]
    order = list(dict.fromkeys(table["period"]))
    base = alt.Chart(t).encode(
        x=alt.X("period:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
        color=alt.Color("persona:N", scale=alt.Scale(domain=domain, range=rng),
                        legend=alt.Legend(title=None, orient="right", labelLimit=260)),
        tooltip=[alt.Tooltip("period:N", title=_("period")),
                 alt.Tooltip("persona:N", title=_("persona")),
                 alt.Tooltip("shown:N", title=_("value")),
                 alt.Tooltip("customers:Q", title=_("customers with a value"), format=",")])
    y = alt.Y("value:Q", title=humanize(outcome), axis=alt.Axis(format=".0%" if rate else ",~f"))
    lines = base.mark_line(strokeWidth=2.5).encode(
        y=y, strokeDash=alt.condition(alt.datum.persona_id == outcomes.ALL, alt.value([5, 4]),
                                      alt.value([1, 0])))
    bars = base.mark_errorbar(ticks=False, opacity=0.35, thickness=2).encode(
        y=alt.Y("low:Q", title=humanize(outcome)), y2="high:Q")
    return localized((bars + lines + base.mark_circle(size=55).encode(y=y)).properties(height=300))
