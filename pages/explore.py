"""Explore: the persona map, selections, and how personas differ trait by trait."""

import numpy as np
import streamlit as st

from pages._shared import SELECTION, workspace
from persona_mining import charts
from persona_mining.profile import humanize

ws = workspace()
st.title("Explore the persona map")
st.caption("Each dot is a customer; customers who behave alike sit close together. "
           "Drag a rectangle on the map to select customers and see what they have in common.")

features = [c for c in ws.prep.source_columns_ if c in ws.data.columns]
color_by = st.selectbox("Colour by", ["persona"] + features, key="color_by",
                        format_func=lambda c: "persona" if c == "persona" else humanize(c))
event = st.altair_chart(charts.map_chart(ws, color_by), width="stretch",
                        on_select="rerun", selection_mode="brush", key="map")
box = (event.selection.get("brush") if event and hasattr(event, "selection") else None) or {}
if box:
    st.session_state[SELECTION] = charts.rows_in_box(ws, box).tolist()

rows = np.asarray(st.session_state.get(SELECTION, []), dtype=np.int64)
if ws.n > charts.MAP_MAX_POINTS:
    st.caption(f"The map shows a random {charts.MAP_MAX_POINTS:,} of {ws.n:,} customers; "
               "selections include every customer inside the rectangle.")

st.subheader("Selection")
if len(rows) == 0:
    st.info("No customers selected. Drag a rectangle on the map.")
else:
    labels = ws.state().labels[rows]
    ids, counts = np.unique(labels, return_counts=True)
    mix = ", ".join(f"{ws.persona_name(i) if i != 'unassigned' else 'Unassigned'} {c / len(rows):.0%}"
                    for i, c in sorted(zip(ids, counts), key=lambda t: -t[1])[:4])
    st.write(f"**{len(rows):,} customers selected** — {mix}. "
             "Move them to a persona on the Refine page.")
    if st.button("Clear selection", key="clear_selection"):
        st.session_state.pop(SELECTION, None)
        st.rerun()
    st.dataframe(charts.selection_profile(ws, rows), hide_index=True, width="stretch")

left, right = st.columns([3, 2])
with left:
    st.subheader("How personas differ")
    st.caption("Blue: above the average customer, red: below (standardised difference).")
    st.altair_chart(charts.heatmap(ws), width="stretch")
with right:
    st.subheader("Persona sizes")
    st.altair_chart(charts.size_bars(ws), width="stretch")
