"""Export: persona cards as PDF, JSON, Markdown; assignments as CSV; import cards back."""

import re

import pandas as pd
import streamlit as st

from pages._shared import PROJECT, commit, md, user_errors, workspace
from persona_mining import export

FLASH = "export_import_result"

ws = workspace()
st.title("Export")
n = len(ws.personas())
st.caption(f"{n} personas from {ws.n:,} customers · {len(ws.edits)} edits. Persona cards never "
           "contain customer ids or personal data; only the assignments file lists customer ids.")

stem = st.session_state.get(PROJECT) or (ws.source.source or "personas").rsplit(".", 1)[0]
stem = re.sub(r"[^\w. -]+", "_", str(stem)).strip(" ._") or "personas"

FILES = (
    ("pdf", "PDF", f"{stem} - personas.pdf",
     "For print or to attach: an A4 overview with the persona map and shares, then one "
     "card per persona."),
    ("json", "JSON", f"{stem} - personas.json",
     "Persona cards for other tools: everything on the cards plus how they were made; "
     "re-importable below."),
    ("md", "Markdown", f"{stem} - personas.md",
     "For wikis: all cards in one file for Confluence, GitHub, GitLab or Notion."),
    ("csv", "Assignments CSV", f"{stem} - assignments.csv",
     "One row per customer: customer id, persona id, persona name, confidence. Contains "
     "customer ids — share it only where those are allowed."),
)
cols = st.columns(4)
for col, (fmt, label, file_name, help_text) in zip(cols, FILES):
    with col:
        # A callable is run only when the button is clicked (the PDF takes a second or two).
        st.download_button(label, data=lambda fmt=fmt: export.export_bytes(ws, fmt),
                           file_name=file_name, mime=export.MIME[fmt], key=f"dl_{fmt}",
                           icon=":material/download:", width="stretch")
        st.caption(help_text)

st.divider()
st.subheader("Import persona cards")
st.caption("Bring names, descriptions, goals, pain points, quotes, hypotheses, notes and tags "
           "from an exported JSON back onto the matching personas — matched by persona id, "
           "else by name. Every change is an edit, so Undo on the Refine page takes it back.")
if done := st.session_state.pop(FLASH, None):
    st.success(md(done))
up = st.file_uploader("Persona cards JSON", type=["json"], key="import_cards")
if up is not None:
    with user_errors():
        doc = export.read_cards(up.getvalue(), up.name)
        report = export.match_cards(ws, doc, up.name)
        rows = [{"card": f"{m.card_id} · {m.card_name}", "persona": f"{m.persona} · "
                 f"{ws.persona_name(m.persona)}", "matched by": m.by,
                 "changes": ", ".join(f.replace("_", " ") for f in m.fields) or "—"}
                for m in report.matched]
        rows += [{"card": f"{cid} · {name}", "persona": "— no match —", "matched by": "",
                  "changes": "not imported"} for cid, name in report.unmatched_cards]
        st.dataframe(pd.DataFrame(rows, columns=["card", "persona", "matched by", "changes"]),
                     hide_index=True, width="stretch", column_config={
                         "card": st.column_config.TextColumn(width="medium"),
                         "persona": st.column_config.TextColumn(width="medium"),
                         "matched by": st.column_config.TextColumn(width="small"),
                         "changes": st.column_config.TextColumn(width="medium")})
        if report.unmatched_personas:
            st.caption("Personas without a card in the file (left as they are): " +
                       ", ".join(md(p) for p in report.unmatched_personas))
        if st.button(f"Import {len(report.edits)} changes", key="do_import",
                     disabled=not report.edits, type="primary"):
            commit(export.import_cards(ws, doc, up.name))
            st.session_state[FLASH] = "Imported. " + report.summary()
            st.rerun()
        if not report.edits:
            st.info("Nothing to import: the matching personas already carry these fields.")
