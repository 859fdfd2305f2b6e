"""Persona Mining workbench: a small router over the pages in pages/."""

from pathlib import Path

import streamlit as st

from pages._shared import PROJECT, WS, ensure_workspace, project_sidebar

st.set_page_config(page_title="Persona Mining", layout="wide")
ensure_workspace()

HERE = Path(__file__).parent
pages = [
    st.Page("pages/personas.py", title="Personas", default=True),
    st.Page("pages/explore.py", title="Explore"),
    st.Page("pages/refine.py", title="Refine"),
    st.Page("pages/discover.py", title="Discover"),
    st.Page("pages/data.py", title="Data"),
]
for optional, title in (("pages/export.py", "Export"), ("pages/track.py", "Track")):
    if (HERE / optional).exists():
        pages.append(st.Page(optional, title=title))

nav = st.navigation(pages)
project_sidebar()
nav.run()
