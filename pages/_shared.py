"""What every page needs: the one workspace in session state, autosave, error display.

Per-user state lives in ``st.session_state`` only: the Workspace under WS and the
project name under PROJECT (plus transient UI state such as the map selection).
Nothing per-user goes into st.cache_resource.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Iterator

import streamlit as st

from persona_mining import projects
from persona_mining.errors import InputError

WS, PROJECT, SELECTION, SPLIT = "workspace", "project", "selection", "split_proposal"
SAMPLE_PROJECT = "Sample customers"
ROOT = Path(__file__).resolve().parents[1]


def ensure_workspace() -> None:
    """First visit of a session: reopen the last project, else load the sample."""
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
    projects.save_project(ws, SAMPLE_PROJECT)


def workspace() -> Any:
    ensure_workspace()
    return st.session_state[WS]


def commit(ws: Any, *, full: bool = False) -> None:
    """Make ``ws`` current and autosave it (edits only, unless the data changed)."""
    st.session_state[WS] = ws
    name = st.session_state.get(PROJECT) or SAMPLE_PROJECT
    projects.save_project(ws, name, edits_only=not full)


def apply_edit(make_edit) -> bool:
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
        st.error(str(exc))


def persona_label(ws: Any, pid: str) -> str:
    return "Unassigned" if pid == "unassigned" else f"{pid} · {ws.persona_name(pid)}"


def project_sidebar() -> None:
    """Project switcher: which project is open, open another, save under a new name."""
    ws = workspace()
    with st.sidebar:
        st.markdown("**Project**")
        current = st.session_state.get(PROJECT) or SAMPLE_PROJECT
        st.caption(f"Open: {current} · {ws.n:,} customers · {len(ws.personas())} personas · "
                   f"{len(ws.edits)} edits (saved automatically)")
        if err := st.session_state.pop("startup_error", None):
            st.warning(f"The last project could not be opened: {err}")
        saved = [p.name for p in projects.list_projects()]
        if len(saved) > 1:
            choice = st.selectbox("Switch project", saved, index=saved.index(current)
                                  if current in saved else 0, key="project_choice")
            if choice != current and st.button("Open project", key="open_project"):
                with user_errors():
                    st.session_state[WS] = projects.open_project(choice)
                    st.session_state[PROJECT] = choice
                    st.session_state.pop(SELECTION, None)
                    st.session_state.pop(SPLIT, None)
                    st.rerun()
        new = st.text_input("Save as new project", key="save_as_name", placeholder="project name")
        if st.button("Save copy", key="save_as") and new.strip():
            with user_errors():
                projects.save_project(ws, new.strip())
                st.session_state[PROJECT] = projects.safe_name(new.strip())
                st.rerun()
