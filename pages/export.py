"""Export: persona cards as JSON, PDF, Markdown, assignments as CSV; import cards back."""

import streamlit as st

from pages._shared import commit, user_errors, workspace
from persona_mining import export
from persona_mining.export.pdf import to_pdf

ws = workspace()
st.title("Export")
name = (ws.source.get("source") or "personas").rsplit(".", 1)[0]
st.caption("Take the personas into decks, wikis and other tools. Cards never contain customer "
           "ids or personal data; only the assignments file lists customer ids.")

c1, c2 = st.columns(2)
with c1:
    st.markdown("**Persona cards**")
    st.download_button("PDF (A4, for print)", data=lambda: to_pdf(ws),
        file_name=f"{name}-personas.pdf", mime="application/pdf", key="dl_pdf")
    st.download_button("JSON (re-importable)", data=lambda: export.json_bytes(ws),
                       file_name=f"{name}-personas.json", mime="application/json", key="dl_json")
    st.download_button("Markdown (for wikis)", data=lambda: export.to_markdown(ws).encode("utf-8"),
                       file_name=f"{name}-personas.md", mime="text/markdown", key="dl_md")
with c2:
    st.markdown("**Assignments**")
    st.download_button("CSV: customer id, persona, confidence", data=lambda: export.csv_bytes(ws),
                       file_name=f"{name}-assignments.csv", mime="text/csv", key="dl_csv")

st.subheader("Import persona cards")
st.caption("Bring names, descriptions, goals, pain points, quotes, hypotheses, notes and tags "
           "from an exported JSON back onto the matching personas (undo works).")
up = st.file_uploader("Persona cards JSON", type=["json"], key="import_cards")
if up is not None and st.button("Import", key="do_import"):
    with user_errors():
        doc = export.read_cards(up.getvalue(), up.name)
        new, report = export.import_cards(ws, doc, up.name)
        commit(new)
        st.success(f"Matched {len(report['matched'])} personas, updated {len(report['changed'])}."
                   + (f" Not matched: {', '.join(report['unmatched'])}." if report["unmatched"] else ""))
