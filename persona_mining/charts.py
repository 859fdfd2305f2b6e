"""Altair chart builders shared by the pages and the PDF export (never calls streamlit)."""

from __future__ import annotations

from typing import Any, Sequence

import altair as alt
import numpy as np
import pandas as pd

from .profile import UNASSIGNED, humanize, trait_table

MAP_MAX_POINTS = 20_000
PALETTE = ["#3b5ba5", "#e8743b", "#19a979", "#ed4a7b", "#945ecf", "#13a4b4", "#525df4",
           "#bf399e", "#6c8893", "#ee6868", "#2f6497", "#b4a22c", "#7f7f7f", "#8c564b",
           "#17becf", "#bcbd22", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]
GREY = "#c8c8c8"


def map_frame(ws: Any, color_by: str = "persona", seed: int = 0) -> pd.DataFrame:
    """Rows for the 2-D map: x, y, row (position), persona name and the colouring column.
    Large data are sampled to MAP_MAX_POINTS (the map stays responsive)."""
    labels = ws.state().labels
    names = {p.id: f"{p.id} · {ws.persona_name(p.id)}" for p in ws.personas()}
    names[UNASSIGNED] = "Unassigned"
    rows = np.arange(ws.n)
    if ws.n > MAP_MAX_POINTS:
        rows = np.sort(np.random.default_rng(seed).choice(ws.n, MAP_MAX_POINTS, replace=False))
    df = pd.DataFrame({"x": ws.map2d[rows, 0], "y": ws.map2d[rows, 1], "row": rows,
                       "persona": [names.get(l, l) for l in labels[rows]]})
    if color_by != "persona" and color_by in ws.data.columns:
        df[color_by] = ws.data[color_by].to_numpy()[rows]
    return df


def persona_colors(ws: Any) -> tuple[list[str], list[str]]:
    names = [f"{p.id} · {ws.persona_name(p.id)}" for p in ws.personas()]
    domain = names + ["Unassigned"]
    return domain, [PALETTE[i % len(PALETTE)] for i in range(len(names))] + [GREY]


def map_chart(ws: Any, color_by: str = "persona", select: bool = True,
              width: int | str = "container", height: int = 520) -> alt.Chart:
    df = map_frame(ws, color_by)
    if color_by == "persona":
        domain, colors = persona_colors(ws)
        color = alt.Color("persona:N", scale=alt.Scale(domain=domain, range=colors),
                          legend=alt.Legend(title="Persona", orient="right", labelLimit=260))
        tooltip = ["persona:N"]
    else:
        kind = "Q" if pd.api.types.is_numeric_dtype(df[color_by]) else "N"
        color = alt.Color(f"{color_by}:{kind}", title=humanize(color_by))
        tooltip = ["persona:N", f"{color_by}:{kind}"]
    size = 18 if len(df) > 5000 else 30
    chart = alt.Chart(df).mark_circle(size=size, opacity=0.7).encode(
        x=alt.X("x:Q", axis=None), y=alt.Y("y:Q", axis=None), color=color, tooltip=tooltip,
    ).properties(width=width, height=height)
    if select:
        chart = chart.add_params(alt.selection_interval(name="brush"))
    return chart


def rows_in_box(ws: Any, box: dict[str, Sequence[float]]) -> np.ndarray:
    """Customers (all of them, not only the plotted sample) inside a brushed rectangle."""
    if not box or "x" not in box or "y" not in box:
        return np.array([], dtype=np.int64)
    (x0, x1), (y0, y1) = sorted(box["x"]), sorted(box["y"])
    m = ws.map2d
    inside = (m[:, 0] >= x0) & (m[:, 0] <= x1) & (m[:, 1] >= y0) & (m[:, 1] <= y1)
    return np.flatnonzero(inside)


def size_bars(ws: Any) -> alt.Chart:
    domain, colors = persona_colors(ws)
    rows = [{"persona": f"{p.id} · {ws.persona_name(p.id)}", "share": p.share, "size": p.size}
            for p in ws.personas()]
    labels = ws.state().labels
    rows.append({"persona": "Unassigned", "share": float((labels == UNASSIGNED).mean()),
                 "size": int((labels == UNASSIGNED).sum())})
    df = pd.DataFrame(rows)
    return alt.Chart(df).mark_bar().encode(
        x=alt.X("share:Q", axis=alt.Axis(format="%", title="share of customers")),
        y=alt.Y("persona:N", sort=None, title=None, axis=alt.Axis(labelLimit=300)),
        color=alt.Color("persona:N", scale=alt.Scale(domain=domain, range=colors), legend=None),
        tooltip=["persona:N", alt.Tooltip("share:Q", format=".1%"), "size:Q"],
    ).properties(height=max(120, 28 * len(df)))


def heatmap(ws: Any, top: int = 20) -> alt.Chart:
    """Persona x feature effect sizes for the features that separate personas most."""
    table = trait_table(ws.data, ws.state().labels, ws.X, ws.prep)
    table = table[~table["feature"].str.endswith(("= (missing)", "= (other)"))]
    strength = table.groupby("feature")["effect_size"].apply(lambda s: s.abs().max())
    keep = strength.sort_values(ascending=False).head(top).index
    t = table[table["feature"].isin(keep)].copy()
    t["feature_label"] = t["feature"].map(_feature_label)
    names = {p.id: f"{p.id} · {ws.persona_name(p.id)}" for p in ws.personas()}
    t["persona_label"] = t["persona"].map(names)
    t["effect"] = t["effect_size"].clip(-2, 2)
    return alt.Chart(t).mark_rect().encode(
        x=alt.X("persona_label:N", title=None, sort=list(names.values()),
                axis=alt.Axis(labelAngle=-30, labelLimit=200)),
        y=alt.Y("feature_label:N", title=None, sort=[_feature_label(k) for k in keep],
                axis=alt.Axis(labelLimit=260)),
        color=alt.Color("effect:Q", scale=alt.Scale(scheme="redblue", domain=[-2, 2], reverse=True),
                        title="vs average"),
        tooltip=["persona_label:N", "feature_label:N", alt.Tooltip("effect_size:Q", format=".2f"),
                 "sentence:N"],
    ).properties(height=max(200, 22 * len(keep)))


def _feature_label(feature: str) -> str:
    if " = " in feature:
        col, level = feature.split(" = ", 1)
        return f"{humanize(col)}: {level}"
    return humanize(feature)


def trait_bars(persona: Any) -> alt.Chart | None:
    """Small 'this persona vs average' bars for a persona's top traits (standardised)."""
    if not persona.traits:
        return None
    rows = []
    for t in persona.traits:
        label = _feature_label(t.feature)
        rows.append({"trait": label, "who": "this persona", "effect": t.effect_size,
                     "sentence": t.sentence})
    df = pd.DataFrame(rows)
    return alt.Chart(df).mark_bar().encode(
        x=alt.X("effect:Q", title="difference from the average customer (standardised)",
                scale=alt.Scale(domain=[-3, 3], clamp=True)),
        y=alt.Y("trait:N", sort=None, title=None, axis=alt.Axis(labelLimit=260, labelOverlap=False)),
        color=alt.condition("datum.effect > 0", alt.value("#3b5ba5"), alt.value("#e8743b")),
        tooltip=["sentence:N"],
    ).properties(height=30 * len(df) + 20)


def suggest_chart(suggestions: pd.DataFrame) -> alt.Chart | None:
    if suggestions is None or suggestions.empty:
        return None
    base = alt.Chart(suggestions).encode(x=alt.X("k:O", title="number of personas"))
    sil = base.mark_line(point=True).encode(
        y=alt.Y("silhouette:Q", title="silhouette (higher = better separated)"),
        tooltip=["k", alt.Tooltip("silhouette:Q", format=".3f")])
    return sil.properties(height=220)


def selection_profile(ws: Any, rows: np.ndarray, top: int = 12) -> pd.DataFrame:
    """How a selection of customers differs from everyone and from its main persona."""
    labels = ws.state().labels
    mask = np.zeros(ws.n, dtype=bool)
    mask[np.asarray(rows, dtype=np.int64)] = True
    ids, counts = np.unique(labels[mask], return_counts=True)
    main = ids[np.argmax(counts)] if len(ids) else UNASSIGNED
    sel = np.where(mask, "selection", "rest").astype(object)
    table = trait_table(ws.data, sel, ws.X, ws.prep)
    table = table[(table["persona"] == "selection")]
    table = table[~table["feature"].str.endswith(("= (missing)", "= (other)"))]
    out = table.assign(abs=table["effect_size"].abs()).sort_values("abs", ascending=False).head(top)
    persona_vals = {}
    if main != UNASSIGNED:
        pm = np.where(labels == main, "persona", "rest").astype(object)
        pt = trait_table(ws.data, pm, ws.X, ws.prep)
        persona_vals = dict(zip(pt[pt["persona"] == "persona"]["feature"],
                                pt[pt["persona"] == "persona"]["persona_value"]))
    return pd.DataFrame({
        "feature": out["feature"].map(_feature_label),
        "selection": out["persona_value"].to_numpy(),
        f"persona {main}" if main != UNASSIGNED else "persona": [persona_vals.get(f, np.nan)
                                                                 for f in out["feature"]],
        "all customers": out["population_value"].to_numpy(),
        "difference": out["sentence"].to_numpy(),
    })


def transition_chart(journey: dict) -> alt.Chart | None:
    """Most frequent touchpoint steps of a persona as 'from → to' bars."""
    rows = [{"step": f"{t['from']} → {t['to']}", "share": t["share"]} for t in journey.get("transitions", [])]
    if not rows:
        return None
    return alt.Chart(pd.DataFrame(rows)).mark_bar(color="#3b5ba5").encode(
        x=alt.X("share:Q", axis=alt.Axis(format="%", title="share of all steps")),
        y=alt.Y("step:N", sort=None, title=None, axis=alt.Axis(labelLimit=280, labelOverlap=False)),
        tooltip=["step:N", alt.Tooltip("share:Q", format=".1%")],
    ).properties(height=26 * len(rows) + 20)
