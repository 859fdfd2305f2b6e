"""Refine: merge, split, reassign, discard — every edit undoable and logged."""

import numpy as np
import streamlit as st

from pages._shared import (SELECTION, SPLIT, apply_edit, commit, md, plural, user_errors,
                           workspace)
from persona_mining import refine, selection, tables
from persona_mining.labels import persona_label
from persona_mining.profile import UNASSIGNED

ws = workspace()
st.title("Refine personas")
ids = [p.id for p in ws.personas()]
label = lambda pid: persona_label(ws, pid)  # noqa: E731
# Options are the labels themselves (not ids + format_func): the browser keeps showing a
# keyed selectbox's old label when only the formatting changes, e.g. after a rename.
BY_LABEL = {label(pid): pid for pid in ids + [UNASSIGNED]}
labels = [label(pid) for pid in ids]
# Persona pickers get a new identity after every edit: their options changed, and a kept
# widget would go on showing merged-away or renamed personas.
v = f"{len(ws.edits)}_{len(ws.redo_stack)}"

c_undo, c_redo, c_info = st.columns([1, 1, 4], vertical_alignment="center")
if c_undo.button("↶ Undo", disabled=not ws.edits, key="undo", width="stretch",
                 help=f"Undo: {ws.edits[-1].get('summary', '')}" if ws.edits else None):
    commit(ws.undo())
    st.rerun()
if c_redo.button("↷ Redo", disabled=not ws.redo_stack, key="redo", width="stretch",
                 help=f"Redo: {ws.redo_stack[-1].get('summary', '')}" if ws.redo_stack else None):
    commit(ws.redo())
    st.rerun()
c_info.caption(f"{plural(len(ws.edits), 'edit')} · {len(ws.redo_stack)} to redo · "
               "saved automatically")

st.dataframe(tables.persona_overview(ws)[["persona", "customers", "share", "stability", "origin"]],
             hide_index=True, width="stretch",
             column_config={"share": st.column_config.NumberColumn(format="percent"),
                            "customers": st.column_config.NumberColumn(format="localized")})

merge_tab, split_tab, move_tab, discard_tab = st.tabs(
    ["Merge", "Split", "Reassign selection", "Discard"], key="refine_tab", on_change="rerun")
with merge_tab:
    st.caption("Merge personas that describe the same customers. The largest keeps its name; "
               "the goals, pain points, quotes, hypotheses and tags of all are kept.")
    chosen = [BY_LABEL[x] for x in st.multiselect(
        "Personas to merge", labels, key=f"merge_ids_{v}", placeholder="choose two or more personas")
        if x in BY_LABEL]
    if st.button("Merge", key="merge", disabled=len(chosen) < 2, type="primary"):
        if apply_edit(lambda s: refine.edit_merge(s, chosen)):
            st.rerun()

with split_tab:
    st.caption("Split a persona that mixes different kinds of customers: only its members are "
               "grouped again. Look at the parts before you accept.")
    c1, c2 = st.columns([3, 1])
    target = BY_LABEL.get(c1.selectbox("Persona to split", labels, key=f"split_id_{v}"))
    k = c2.number_input("Parts", 2, 4, 2, key="split_k")
    if st.button("Preview split", key="split_preview", disabled=target is None):
        with user_errors():
            parts = refine.propose_split(ws, target, int(k), ws.config.seed)
            st.session_state[SPLIT] = {"persona": target, "parts": [p.tolist() for p in parts],
                                       "edits": len(ws.edits)}
    proposal = st.session_state.get(SPLIT)
    if proposal and (proposal["persona"] not in ids or proposal.get("edits") != len(ws.edits)):
        st.session_state.pop(SPLIT, None)             # the personas changed since the preview
        proposal = None
    if proposal:
        parts = [np.asarray(p, dtype=np.int64) for p in proposal["parts"]]
        st.markdown(f"**Proposed split of {md(label(proposal['persona']))}**")
        preview = tables.split_preview(ws, parts)
        for col, row in zip(st.columns(len(preview)), preview.itertuples()):
            with col.container(border=True):
                st.markdown(f"**{row.part}**  \n{row.customers:,} customers ({row.share:.0%})")
                st.markdown("\n".join(f"- {md(s)}" for s in row[4]) or "- no clear difference")
        a, b, _ = st.columns([1, 1, 3])
        if a.button("Accept split", key="split_accept", type="primary", width="stretch"):
            if apply_edit(lambda s: refine.edit_split(s, proposal["persona"], parts)):
                st.session_state.pop(SPLIT, None)
                st.rerun()
        if b.button("Cancel", key="split_cancel", width="stretch"):
            st.session_state.pop(SPLIT, None)
            st.rerun()

with move_tab:
    rows = selection.valid_rows(ws, st.session_state.get(SELECTION, []))
    if len(rows) == 0:
        st.info("No customers selected. Drag a rectangle on the map on the Explore page, "
                "then come back here to move them.")
    else:
        mix = ", ".join(f"{md(name)} {share:.0%}" for name, share in selection.selection_mix(ws, rows))
        st.caption(f"{len(rows):,} customers selected on the map — now in: {mix}.")
        to = BY_LABEL.get(st.selectbox(f"Move the {len(rows):,} selected customers to",
                                       labels + [label(UNASSIGNED)], key=f"move_to_{v}"))
        if st.button("Reassign", key="reassign", type="primary"):
            if apply_edit(lambda s: refine.edit_reassign(s, rows.tolist(), to)):
                st.session_state.pop(SELECTION, None)
                st.rerun()

with discard_tab:
    st.caption("Discard a persona: its customers become unassigned. Undo brings it back.")
    gone = BY_LABEL.get(st.selectbox("Persona to discard", labels, key=f"discard_id_{v}"))
    if st.button("Discard", key="discard", disabled=gone is None):
        if apply_edit(lambda s: refine.edit_discard(s, gone)):
            st.rerun()

changes = {s: v for s, v in tables.lineage_summary(ws).items() if v}
if changes:
    st.subheader("Since the last discovery", anchor=False)
    words = {"kept": "Kept", "changed": "Changed (fewer shared customers)", "new": "New",
             "gone": "No longer found"}
    for status, names in changes.items():
        st.markdown(f"**{words.get(status, status)}:** " + ", ".join(md(n) for n in names))

st.subheader("Edit log", anchor=False)
if ws.edits:
    st.dataframe(tables.edit_log(ws), hide_index=True, width="stretch",
                 column_config={"#": st.column_config.NumberColumn(width="small"),
                                "when (UTC)": st.column_config.TextColumn(width="medium"),
                                "what": st.column_config.TextColumn(width="large")})
else:
    st.caption("No edits yet.")
