"""Explore: the persona map, selections, and how personas differ trait by trait."""

import streamlit as st

from pages._shared import MAP_VERSION, SELECTION, md, workspace
from persona_mining import charts, outcomes, selection
from persona_mining.i18n import _, fmt_number, fmt_percent, ngettext

ws = workspace()
st.title(_("Explore the persona map"))
st.caption(_("Each dot is a customer; customers who behave alike sit close together. Drag a "
             "rectangle on the map to select customers and see what they have in common. "
             "Double-click the map to clear the rectangle."))

color_by = st.selectbox(_("Colour by"), ["persona"] + charts.colorable_columns(ws), key="color_by",
                        format_func=lambda c: _("persona") if c == "persona"
                        else charts.column_label(ws, c))
version = st.session_state.get(MAP_VERSION, 0)
event = st.altair_chart(charts.map_chart(ws, color_by), width="stretch",
                        on_select="rerun", selection_mode="brush", key=f"map_{version}")
box = (event.selection.get("brush") if event is not None and hasattr(event, "selection")
       else None) or {}
drawn = st.session_state.get("map_box")
if box and box != drawn:                       # a new rectangle: select the customers in it
    st.session_state["map_box"] = box
    st.session_state[SELECTION] = selection.rows_in_box(ws, box).tolist()
elif not box and drawn:
    st.session_state.pop("map_box", None)
    if st.session_state.get("previous_page") == "explore":   # double-click on the map
        st.session_state.pop(SELECTION, None)
    # else: back from another page; the map is fresh, the selection is kept
if ws.n > charts.MAP_MAX_POINTS:
    st.caption(_("The map shows a random {shown} of {n} customers; a selection includes every "
                 "customer inside the rectangle.", shown=fmt_number(charts.MAP_MAX_POINTS),
                 n=fmt_number(ws.n)))

st.subheader(_("Selection"), anchor=False)
rows = selection.valid_rows(ws, st.session_state.get(SELECTION, []))
if len(rows) == 0:
    st.info(_("No customers selected. Drag a rectangle on the map."))
else:
    mix = ", ".join(f"{md(name)} {fmt_percent(share)}"
                    for name, share in selection.selection_mix(ws, rows))
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.markdown(ngettext(
        "**{n} customer selected** — {mix}. To move them to another persona, go to Refine → "
        "Reassign selection.",
        "**{n} customers selected** — {mix}. To move them to another persona, go to Refine → "
        "Reassign selection.", len(rows), n=fmt_number(len(rows)), mix=mix))
    if right.button(_("Clear selection"), key="clear_selection", width="stretch"):
        st.session_state.pop(SELECTION, None)
        st.session_state.pop("map_box", None)
        st.session_state[MAP_VERSION] = version + 1    # a new map widget: the rectangle goes
        st.rerun()
    st.caption(_("How the selected customers differ from all customers and from the persona "
                 "most of them belong to (strongest differences first)."))
    st.dataframe(selection.selection_profile(ws, rows), hide_index=True, width="stretch",
                 height="content")
    picked = outcomes.selection_outcomes(ws, rows)
    if picked:
        heading = _("Outcomes of the selection")
        st.markdown(f"**{heading}**")
        st.markdown("\n".join(f"- {md(outcomes.title(f.spec))}: {md(outcomes.sentence(f))}"
                               for f in picked))

outcome_chart = charts.outcome_chart(ws)
if outcome_chart is not None:
    st.subheader(_("Outcomes by persona"), anchor=False)
    st.caption(_("Each dot is a persona's rate or average, the line through it its 95 % "
                 "interval; the dashed line is all customers. Outcomes are not used to find "
                 "the personas."))
    st.altair_chart(outcome_chart, width="stretch")

st.subheader(_("Persona sizes"), anchor=False)
st.altair_chart(charts.size_bars(ws), width="stretch")

st.subheader(_("How personas differ"), anchor=False)
st.caption(_("The traits that separate personas most. Blue: more than the average customer, "
             "red: less (differences in standard deviations, capped at ±2). Hover for values."))
st.altair_chart(charts.heatmap(ws), width="stretch")
