"""Refine: merge, split, reassign, discard — every edit undoable and logged."""

import numpy as np
import pandas as pd
import streamlit as st

from pages._shared import (SELECTION, SPLIT, apply_edit, commit, persona_label, user_errors,
                           workspace)
from persona_mining import refine
from persona_mining.profile import UNASSIGNED, humanize, trait_table

ws = workspace()
st.title("Refine personas")
ids = [p.id for p in ws.personas()]
label = lambda pid: persona_label(ws, pid)  # noqa: E731

c_undo, c_redo, c_info = st.columns([1, 1, 4])
if c_undo.button("↶ Undo", disabled=not ws.edits, key="undo", width="stretch"):
    commit(ws.undo())
    st.rerun()
if c_redo.button("↷ Redo", disabled=not ws.redo_stack, key="redo", width="stretch"):
    commit(ws.redo())
    st.rerun()
c_info.caption(f"{len(ws.edits)} edits · {len(ws.redo_stack)} to redo · saved automatically")

merge_tab, split_tab, move_tab, discard_tab = st.tabs(["Merge", "Split", "Reassign selection",
                                                       "Discard"])
with merge_tab:
    st.caption("Merge personas that describe the same customers. The largest keeps its name; "
               "goals, pain points and notes of all are kept.")
    chosen = st.multiselect("Personas to merge", ids, format_func=label, key="merge_ids")
    if st.button("Merge", key="merge", disabled=len(chosen) < 2):
        if apply_edit(lambda s: refine.edit_merge(s, chosen)):
            st.session_state.pop("merge_ids", None)   # the merged ids are gone from the list
            st.rerun()

with split_tab:
    st.caption("Split a persona that mixes different customers: its members are re-grouped "
               "on their own; preview the parts before you accept.")
    c1, c2 = st.columns([3, 1])
    target = c1.selectbox("Persona to split", ids, format_func=label, key="split_id")
    k = c2.number_input("Parts", 2, 6, 2, key="split_k")
    if st.button("Preview split", key="split_preview"):
        with user_errors():
            parts = refine.propose_split(ws, target, int(k), ws.config.seed)
            st.session_state[SPLIT] = {"persona": target, "parts": [p.tolist() for p in parts]}
    proposal = st.session_state.get(SPLIT)
    if proposal and proposal["persona"] in ids:
        parts = [np.asarray(p) for p in proposal["parts"]]
        sel = np.full(ws.n, UNASSIGNED, dtype=object)
        for i, p in enumerate(parts):
            sel[p] = f"part {i + 1}"
        table = trait_table(ws.data, sel, ws.X, ws.prep)
        rows = []
        for i, p in enumerate(parts):
            t = table[table["persona"] == f"part {i + 1}"].copy()
            t = t[~t["feature"].str.endswith(("(missing)", "(other)"))]
            t = t.assign(a=t["effect_size"].abs()).sort_values("a", ascending=False).head(3)
            rows.append({"part": f"part {i + 1}" + (" (keeps the name)" if i == 0 else ""),
                         "customers": len(p),
                         "stands out by (vs the other parts)": "; ".join(t["sentence"])})
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        a, b = st.columns(2)
        if a.button("Accept split", key="split_accept", type="primary"):
            if apply_edit(lambda s: refine.edit_split(s, proposal["persona"], parts)):
                st.session_state.pop(SPLIT, None)
                st.rerun()
        if b.button("Cancel", key="split_cancel"):
            st.session_state.pop(SPLIT, None)
            st.rerun()

with move_tab:
    rows = st.session_state.get(SELECTION, [])
    if not rows:
        st.info("Select customers on the Explore page map first.")
    else:
        to = st.selectbox(f"Move the {len(rows):,} selected customers to", ids + [UNASSIGNED],
                          format_func=label, key="move_to")
        if st.button("Reassign", key="reassign"):
            if apply_edit(lambda s: refine.edit_reassign(s, rows, to)):
                st.session_state.pop(SELECTION, None)
                st.rerun()

with discard_tab:
    st.caption("Discard a persona: its customers become unassigned. Undo brings it back.")
    gone = st.selectbox("Persona to discard", ids, format_func=label, key="discard_id")
    if st.button("Discard", key="discard"):
        if apply_edit(lambda s: refine.edit_discard(s, gone)):
            st.rerun()

if ws.lineage:
    st.subheader("Since the last discovery")
    status = pd.DataFrame([{"persona": label(pid) if pid in ids else pid, "status": s}
                           for pid, s in ws.lineage.items()])
    st.dataframe(status, hide_index=True)

st.subheader("Edit log")
if ws.edits:
    log = pd.DataFrame([{"#": i + 1, "when (UTC)": e.get("at", ""), "what": e.get("summary", e["op"])}
                        for i, e in enumerate(ws.edits)])
    st.dataframe(log.iloc[::-1], hide_index=True, width="stretch")
else:
    st.caption("No edits yet.")
