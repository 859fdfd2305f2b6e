"""Refine: merge, split, reassign, discard — every edit undoable and logged."""

import numpy as np
import streamlit as st

from pages._shared import (SELECTION, SPLIT, apply_edit, commit, md, user_errors,
                           workspace)
from persona_mining import refine, selection, tables
from persona_mining.i18n import N_, _, current_language, fmt_number, fmt_percent, ngettext
from persona_mining.labels import persona_label
from persona_mining.profile import UNASSIGNED

ws = workspace()
st.title(_("Refine personas"))
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
if c_undo.button("↶ " + _("Undo"), disabled=not ws.edits, key="undo", width="stretch",
                 help=_("Undo: {edit}", edit=refine.describe_edit(ws.edits[-1]))
                 if ws.edits else None):
    commit(ws.undo())
    st.rerun()
if c_redo.button("↷ " + _("Redo"), disabled=not ws.redo_stack, key="redo", width="stretch",
                 help=_("Redo: {edit}", edit=refine.describe_edit(ws.redo_stack[-1]))
                 if ws.redo_stack else None):
    commit(ws.redo())
    st.rerun()
c_info.caption(" · ".join((ngettext("{n} edit", "{n} edits", len(ws.edits)),
                           _("{n} to redo", n=len(ws.redo_stack)), _("saved automatically"))))

st.dataframe(tables.persona_overview(ws)[["persona", "customers", "share", "stability", "origin"]],
             hide_index=True, width="stretch",
             column_config={**tables.overview_labels(),
                            "share": st.column_config.NumberColumn(_("share"), format="percent"),
                            "customers": st.column_config.NumberColumn(_("customers"),
                                                                       format="localized")})

# Tab labels change with the language; the tabs widget is keyed per language so that a
# switch does not look for a label that no longer exists.
merge_tab, split_tab, move_tab, discard_tab = st.tabs(
    [_("Merge"), _("Split"), _("Reassign selection"), _("Discard")],
    key=f"refine_tab_{current_language()}", on_change="rerun")
with merge_tab:
    st.caption(_("Merge personas that describe the same customers. The largest keeps its name; "
                 "the goals, pain points, quotes, hypotheses and tags of all are kept."))
    chosen = [BY_LABEL[x] for x in st.multiselect(
        _("Personas to merge"), labels, key=f"merge_ids_{v}",
        placeholder=_("choose two or more personas")) if x in BY_LABEL]
    if st.button(_("Merge"), key="merge", disabled=len(chosen) < 2, type="primary"):
        if apply_edit(lambda s: refine.edit_merge(s, chosen)):
            st.rerun()

with split_tab:
    st.caption(_("Split a persona that mixes different kinds of customers: only its members are "
                 "grouped again. Look at the parts before you accept."))
    c1, c2 = st.columns([3, 1])
    target = BY_LABEL.get(c1.selectbox(_("Persona to split"), labels, key=f"split_id_{v}"))
    k = c2.number_input(_("Parts"), 2, 4, 2, key="split_k")
    if st.button(_("Preview split"), key="split_preview", disabled=target is None):
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
        st.markdown("**" + _("Proposed split of {persona}", persona=md(label(proposal['persona'])))
                    + "**")
        preview = tables.split_preview(ws, parts)
        for col, row in zip(st.columns(len(preview)), preview.itertuples()):
            with col.container(border=True):
                st.markdown(f"**{row.part}**  \n" + ngettext(
                    "{n} customer ({share})", "{n} customers ({share})", row.customers,
                    n=fmt_number(row.customers), share=fmt_percent(row.share)))
                st.markdown("\n".join(f"- {md(s)}" for s in row[4])
                            or "- " + _("no clear difference"))
        a, b, _rest = st.columns([1, 1, 3])
        if a.button(_("Accept split"), key="split_accept", type="primary", width="stretch"):
            if apply_edit(lambda s: refine.edit_split(s, proposal["persona"], parts)):
                st.session_state.pop(SPLIT, None)
                st.rerun()
        if b.button(_("Cancel"), key="split_cancel", width="stretch"):
            st.session_state.pop(SPLIT, None)
            st.rerun()

with move_tab:
    rows = selection.valid_rows(ws, st.session_state.get(SELECTION, []))
    if len(rows) == 0:
        st.info(_("No customers selected. Drag a rectangle on the map on the Explore page, "
                  "then come back here to move them."))
    else:
        mix = ", ".join(f"{md(name)} {fmt_percent(share)}"
                        for name, share in selection.selection_mix(ws, rows))
        st.caption(ngettext("{n} customer selected on the map — now in: {mix}.",
                            "{n} customers selected on the map — now in: {mix}.", len(rows),
                            n=fmt_number(len(rows)), mix=mix))
        to = BY_LABEL.get(st.selectbox(ngettext("Move the {n} selected customer to",
                                                "Move the {n} selected customers to", len(rows),
                                                n=fmt_number(len(rows))),
                                       labels + [label(UNASSIGNED)], key=f"move_to_{v}"))
        if st.button(_("Reassign"), key="reassign", type="primary"):
            if apply_edit(lambda s: refine.edit_reassign(s, rows.tolist(), to)):
                st.session_state.pop(SELECTION, None)
                st.rerun()

with discard_tab:
    st.caption(_("Discard a persona: its customers become unassigned. Undo brings it back."))
    gone = BY_LABEL.get(st.selectbox(_("Persona to discard"), labels, key=f"discard_id_{v}"))
    if st.button(_("Discard"), key="discard", disabled=gone is None):
        if apply_edit(lambda s: refine.edit_discard(s, gone)):
            st.rerun()

changes = {s: v for s, v in tables.lineage_summary(ws).items() if v}
if changes:
    st.subheader(_("Since the last discovery"), anchor=False)
    words = {"kept": N_("Kept"), "changed": N_("Changed (fewer shared customers)"),
             "new": N_("New"), "gone": N_("No longer found")}
    for status, names in changes.items():
        word = _(words[status]) if status in words else status
        st.markdown(f"**{word}:** " + ", ".join(md(n) for n in names))

st.subheader(_("Edit log"), anchor=False)
if ws.edits:
    heads = tables.edit_log_labels()
    st.dataframe(tables.edit_log(ws), hide_index=True, width="stretch",
                 column_config={"#": st.column_config.NumberColumn(heads["#"], width="small"),
                                "when (UTC)": st.column_config.TextColumn(heads["when (UTC)"],
                                                                          width="medium"),
                                "what": st.column_config.TextColumn(heads["what"], width="large")})
else:
    st.caption(_("No edits yet."))
