"""The sidebar alone, for AppTest: app.py's router reruns every page in AppTest's legacy
pages/ mode, which drops a click in the sidebar, so the switcher is tested on its own."""

from pages._shared import ensure_workspace, language_switch, project_sidebar

ensure_workspace()
language_switch()
project_sidebar()
