"""Export: persona cards as PDF, JSON, Markdown; assignments as CSV; import cards back."""

import re

import pandas as pd
import streamlit as st

from pages._shared import PROJECT, commit, md, project_language, user_errors, workspace
from persona_mining import export, refine
from persona_mining.i18n import N_, _, current_language, fmt_number, ngettext

FLASH = "export_import_result"

ws = workspace()
st.title(_("Export"))
n = len(ws.personas())
st.caption(" · ".join((ngettext("{k} persona from {n} customers", "{k} personas from {n} customers",
                                n, k=n, n=fmt_number(ws.n)),
                       ngettext("{n} edit.", "{n} edits.", len(ws.edits))))
           + " " + _("Persona cards never contain customer ids or personal data; only the "
                     "assignments file lists customer ids."))
lang = project_language(ws) or current_language()

stem = st.session_state.get(PROJECT) or (ws.source.source or "personas").rsplit(".", 1)[0]
stem = re.sub(r"[^\w. -]+", "_", str(stem)).strip(" ._") or "personas"

FILES = (
    ("pdf", N_("PDF"), N_("{project} - personas.pdf"),
     N_("For print or to attach: an A4 overview with the persona map and shares, then one "
        "card per persona.")),
    ("json", N_("JSON"), N_("{project} - personas.json"),
     N_("Persona cards for other tools: everything on the cards plus how they were made; "
        "re-importable below.")),
    ("md", N_("Markdown"), N_("{project} - personas.md"),
     N_("For wikis: all cards in one file for Confluence, GitHub, GitLab or Notion.")),
    ("csv", N_("Assignments CSV"), N_("{project} - assignments.csv"),
     N_("One row per customer: customer id, persona id, persona name, confidence. Contains "
        "customer ids — share it only where those are allowed.")),
)


cols = st.columns(4)
for col, (fmt, label, file_name, help_text) in zip(cols, FILES):
    with col:
        # A callable is run only when the button is clicked (the PDF takes a second or two).
        # In the project's language (the language it was last used in); the callable runs
        # outside this script run, so the language is passed, not taken from the context.
        st.download_button(_(label), data=lambda fmt=fmt: export.export_bytes(ws, fmt, lang),
                           file_name=_(file_name, project=stem), mime=export.MIME[fmt],
                           key=f"dl_{fmt}", icon=":material/download:", width="stretch")
        st.caption(_(help_text))

st.divider()
st.subheader(_("Import persona cards"))
st.caption(_("Bring names, descriptions, goals, pain points, quotes, hypotheses, notes and tags "
             "from an exported JSON back onto the matching personas — matched by persona id, "
             "else by name. Every change is an edit, so Undo on the Refine page takes it back."))
if done := st.session_state.pop(FLASH, None):
    st.success(md(done))
up = st.file_uploader(_("Persona cards JSON"), type=["json"], key="import_cards")
if up is not None:
    with user_errors():
        doc = export.read_cards(up.getvalue(), up.name)
        report = export.match_cards(ws, doc, up.name)
        by_words = {"id": _("id"), "name": _("name")}
        rows = [{"card": f"{m.card_id} · {m.card_name}", "persona": f"{m.persona} · "
                 f"{ws.persona_name(m.persona)}", "matched by": by_words.get(m.by, m.by),
                 "changes": ", ".join(refine.field_word(f) for f in m.fields) or "—"}
                for m in report.matched]
        rows += [{"card": f"{cid} · {name}", "persona": "— " + _("no match") + " —",
                  "matched by": "", "changes": _("not imported")}
                 for cid, name in report.unmatched_cards]
        st.dataframe(pd.DataFrame(rows, columns=["card", "persona", "matched by", "changes"]),
                     hide_index=True, width="stretch", column_config={
                         "card": st.column_config.TextColumn(_("card"), width="medium"),
                         "persona": st.column_config.TextColumn(_("persona"), width="medium"),
                         "matched by": st.column_config.TextColumn(_("matched by"), width="small"),
                         "changes": st.column_config.TextColumn(_("changes"), width="medium")})
        if report.unmatched_personas:
            st.caption(_("Personas without a card in the file (left as they are): {personas}",
                         personas=", ".join(md(p) for p in report.unmatched_personas)))
        if st.button(ngettext("Import {n} change", "Import {n} changes", len(report.edits)),
                     key="do_import", disabled=not report.edits, type="primary"):
            commit(export.import_cards(ws, doc, up.name))
            st.session_state[FLASH] = _("Imported. {summary}", summary=report.summary())
            st.rerun()
        if not report.edits:
            st.info(_("Nothing to import: the matching personas already carry these fields."))
