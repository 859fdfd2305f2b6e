"""Persona Mining workbench: a small router over the pages in pages/.

    streamlit run workbench.py      (serves this router with a browser key per visitor)

opens with the visitor's last project, or the sample customers already discovered.
"""

import logging
from pathlib import Path

import streamlit as st

from pages._shared import ensure_workspace, language_switch, mark_routed, project_sidebar
from persona_mining.i18n import _

mark_routed()
HERE = Path(__file__).parent
# A local icon (sent inline as a data: URL): a ":material/…:" page icon is fetched from a
# remote font host by the browser, and nothing may leave the machine.
st.set_page_config(page_title="Persona Mining", page_icon=str(HERE / "assets" / "favicon.svg"),
                   layout="wide")
ensure_workspace()          # also sets this run's language: before any text below
personas = [
    st.Page("pages/personas.py", title=_("Personas"), icon=":material/badge:", default=True),
    st.Page("pages/explore.py", title=_("Explore"), icon=":material/scatter_plot:"),
    st.Page("pages/refine.py", title=_("Refine"), icon=":material/tune:"),
]
if (HERE / "pages/track.py").exists():
    personas.append(st.Page("pages/track.py", title=_("Track"), icon=":material/monitoring:"))
if (HERE / "pages/export.py").exists():
    personas.append(st.Page("pages/export.py", title=_("Export"), icon=":material/download:"))
setup = [
    st.Page("pages/data.py", title=_("Data"), icon=":material/table_chart:"),
    st.Page("pages/discover.py", title=_("Discover"), icon=":material/auto_awesome:"),
]

nav = st.navigation({_("Your personas"): personas, _("Data and discovery"): setup})
st.session_state["previous_page"] = st.session_state.get("current_page")
st.session_state["current_page"] = nav.url_path   # not the title: it changes with the language
try:
    language_switch()
    project_sidebar()
    nav.run()
except Exception:   # never a traceback in the browser; st.rerun/st.stop are not Exceptions
    logging.getLogger("persona_mining.app").exception("page %s failed", nav.title)
    st.error(_("Something went wrong on this page. Your project is saved; reload the page or "
               "go back to the previous step. The details are in the server log."))
