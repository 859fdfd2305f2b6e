"""Persona Mining workbench: a small router over the pages in pages/.

    streamlit run workbench.py      (serves this router with a browser key per visitor)

opens with the visitor's last project, or the sample customers already discovered.
"""

import logging
from pathlib import Path

import streamlit as st

from pages._shared import ensure_workspace, mark_routed, project_sidebar

mark_routed()
HERE = Path(__file__).parent
# A local icon (sent inline as a data: URL): a ":material/…:" page icon is fetched from a
# remote font host by the browser, and nothing may leave the machine.
st.set_page_config(page_title="Persona Mining", page_icon=str(HERE / "assets" / "favicon.svg"),
                   layout="wide")
ensure_workspace()
personas = [
    st.Page("pages/personas.py", title="Personas", icon=":material/badge:", default=True),
    st.Page("pages/explore.py", title="Explore", icon=":material/scatter_plot:"),
    st.Page("pages/refine.py", title="Refine", icon=":material/tune:"),
]
if (HERE / "pages/track.py").exists():
    personas.append(st.Page("pages/track.py", title="Track", icon=":material/monitoring:"))
if (HERE / "pages/export.py").exists():
    personas.append(st.Page("pages/export.py", title="Export", icon=":material/download:"))
setup = [
    st.Page("pages/data.py", title="Data", icon=":material/table_chart:"),
    st.Page("pages/discover.py", title="Discover", icon=":material/auto_awesome:"),
]

nav = st.navigation({"Your personas": personas, "Data and discovery": setup})
st.session_state["previous_page"] = st.session_state.get("current_page")
st.session_state["current_page"] = nav.title
try:
    project_sidebar()
    nav.run()
except Exception:   # never a traceback in the browser; st.rerun/st.stop are not Exceptions
    logging.getLogger("persona_mining.app").exception("page %s failed", nav.title)
    st.error("Something went wrong on this page. Your project is saved; reload the page or "
             "go back to the previous step. The details are in the server log.")
