"""What every page needs: the one workspace in session state, autosave, error display.

Per-user state lives in ``st.session_state`` only: the Workspace under WS and the
project name under PROJECT (plus transient UI state such as the map selection, a split
proposal or a freshly uploaded table). Nothing per-user goes into st.cache_resource, so
two browser sessions never see each other's data.

Every change of the workspace goes through :func:`commit`, which autosaves it to the
open project on disk (atomically; only the edit log after an edit, everything after a
discovery). A new session reopens the last project, so a browser refresh or a server
restart continues where the user left off.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import re
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

import streamlit as st

from persona_mining import labels, projects
from persona_mining.errors import InputError

WS, PROJECT, SELECTION, SPLIT = "workspace", "project", "selection", "split_proposal"
MAP_VERSION = "map_version"          # bumped to reset the map's rectangle selection
SAMPLE_PROJECT = "Sample customers"
ROOT = Path(__file__).resolve().parents[1]
log = logging.getLogger("persona_mining.app")


_ROUTED: contextvars.ContextVar[bool] = contextvars.ContextVar("routed", default=False)


def mark_routed() -> None:
    """Called first by app.py: this script run goes through the router (st.navigation)."""
    _ROUTED.set(True)


def ensure_router() -> None:
    """Run every page through app.py's st.navigation.

    Streamlit treats a folder named ``pages/`` next to the entrypoint as a legacy
    multipage app until ``st.navigation`` has run once in the process (there is no
    setting to turn that off, and the folder name is fixed): the first visitor of a
    fresh server who lands on e.g. /personas would get that page without the router (no
    sidebar, no layout, a nav listing every file). Calling ``st.navigation`` switches
    the whole app to navigation mode, as documented ("as soon as any session executes
    st.navigation, the app ignores the pages/ directory"); the rerun then goes through
    app.py and keeps the requested page. A page run on its own (AppTest, no browser URL)
    is left alone.
    """
    if _ROUTED.get() or st.context.url is None:
        return
    # The requested page keeps its URL path (a page's identity in navigation): the rerun
    # through app.py then opens that page, not the default one.
    requested = urlsplit(st.context.url).path.rstrip("/").rsplit("/", 1)[-1]
    pages = [st.Page(_placeholder, title="Persona Mining", url_path="", default=True)]
    if requested:
        pages.append(st.Page(_placeholder, title=requested, url_path=requested))
    st.navigation(pages, position="hidden")
    st.rerun()


def _placeholder() -> None:
    """Stands in for a page in the navigation that ensure_router sets before its rerun."""


def ensure_workspace() -> None:
    """First visit of a session: reopen the last project, else load the sample."""
    ensure_router()
    if WS in st.session_state:
        return
    name = projects.last_project()
    if name:
        try:
            st.session_state[WS] = projects.open_project(name)
            st.session_state[PROJECT] = name
            return
        except InputError as exc:   # damaged project: say so, fall back to the sample
            st.session_state["startup_error"] = str(exc)
    from persona_mining.sample import sample_workspace

    with st.spinner("Loading the sample customers…"):
        ws = sample_workspace()
    st.session_state[WS] = ws
    st.session_state[PROJECT] = SAMPLE_PROJECT
    _save(ws, SAMPLE_PROJECT, full=True)


def workspace() -> Any:
    ensure_workspace()
    return st.session_state[WS]


def project_name() -> str:
    return st.session_state.get(PROJECT) or SAMPLE_PROJECT


def _save(ws: Any, name: str, *, full: bool) -> bool:
    try:
        projects.save_project(ws, name, edits_only=not full)
        return True
    except (OSError, InputError) as exc:
        log.warning("autosave of project %r failed: %s", name, exc)
        st.session_state["save_error"] = (f"Could not save project “{name}”: {exc}. Your "
                                          "changes are kept in this browser tab only.")
        return False


def commit(ws: Any, *, full: bool = False) -> None:
    """Make ``ws`` current and autosave it (edit log only, unless ``full``)."""
    st.session_state[WS] = ws
    _save(ws, project_name(), full=full)


def replace_workspace(ws: Any, project: str) -> None:
    """New data or a new discovery: switch to ``ws`` under ``project``, save it in full,
    and forget view state that pointed into the old data (map selection, split preview)."""
    st.session_state[PROJECT] = projects.safe_name(project)
    reset_view_state()
    commit(ws, full=True)


def reset_view_state() -> None:
    for key in (SELECTION, SPLIT, "map_box"):
        st.session_state.pop(key, None)
    st.session_state[MAP_VERSION] = st.session_state.get(MAP_VERSION, 0) + 1


def apply_edit(make_edit: Callable[[Any], dict]) -> bool:
    """Build an edit from the current state, apply it, autosave; show InputErrors."""
    ws = workspace()
    with user_errors():
        commit(ws.with_edit(make_edit(ws.state())))
        return True
    return False


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Show the library's InputError as an error box; the previous state stays."""
    try:
        yield
    except InputError as exc:
        st.error(md(exc))


def persona_label(ws: Any, pid: str) -> str:
    return labels.persona_label(ws, pid)


def project_sidebar() -> None:
    """Project switcher: which project is open, open another, save under a new name."""
    ws = workspace()
    current = project_name()
    with st.sidebar:
        st.markdown("**Project**")
        st.caption(f"Open: {md(current)} · {ws.n:,} customers · "
                   f"{plural(len(ws.personas()), 'persona')} · "
                   f"{plural(len(ws.edits), 'edit')} (saved automatically)")
        if err := st.session_state.pop("startup_error", None):
            st.warning(f"The last project could not be opened: {err}")
        if err := st.session_state.pop("save_error", None):
            st.error(md(err))
        saved = [p.name for p in projects.list_projects()]
        if len(saved) > 1 or (saved and current not in saved):
            others = [n for n in saved if n != current]
            choice = st.selectbox("Open another project", others, index=None,
                                  placeholder="choose a saved project", key="project_choice")
            if st.button("Open project", key="open_project", disabled=choice is None):
                with user_errors():
                    st.session_state[WS] = projects.open_project(choice)
                    st.session_state[PROJECT] = choice
                    reset_view_state()
                    st.session_state.pop("dataset", None)
                    st.session_state.pop("project_choice", None)
                    st.rerun()
        with st.form("save_as_form", border=False, clear_on_submit=True):
            new = st.text_input("Save as new project", key="save_as_name",
                                placeholder="project name")
            if st.form_submit_button("Save copy") and new.strip():
                with user_errors():
                    projects.save_project(ws, new.strip())
                    st.session_state[PROJECT] = projects.safe_name(new.strip())
                    st.rerun()


def plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def md(text: Any) -> str:
    """User text for markdown-rendering elements: shown literally (no links, images, math
    or formatting; Streamlit never renders raw HTML without unsafe_allow_html)."""
    out = str(text)
    for ch in "\\`*_[]<>#|~$:@":         # ':' '@': no autolinked URLs or e-mail addresses
        out = out.replace(ch, "\\" + ch)
    return re.sub(r"(?i)(www)\.", r"\1\\.", out)
