"""Start the workbench: ``streamlit run workbench.py`` (what ``scripts/run.sh`` does).

``app.py`` is the page router. This file serves it through Streamlit's ASGI app
(``st.App``, picked up by ``streamlit run``) with one addition: every browser gets a
private key cookie, so projects belong to the browser that made them and a new visitor
never sees someone else's (see ``persona_mining/browser_key.py`` and the README's
"Who sees what"). Started as ``streamlit run app.py`` instead, the workbench still works,
but without a browser key nothing can be kept for the visitor (the sidebar says so).
"""

import streamlit as st
from starlette.middleware import Middleware

from persona_mining.browser_key import BrowserKeyMiddleware

app = st.App("app.py", middleware=[Middleware(BrowserKeyMiddleware)])

if __name__ == "__main__":      # python workbench.py
    app.run()
