"""What every page needs: the one workspace in session state, autosave, error display.

Per-user state lives in ``st.session_state`` only: the Workspace under WS, the project
name under PROJECT and whose it is under PROJECT_OWNER (plus transient UI state such as
the map selection, a split proposal or a freshly uploaded table). Nothing per-user goes
into st.cache_resource, so two browser sessions never see each other's data.

Who a session acts for (its *owner*) is the person logged in with ``st.login`` when a
login is configured, else this browser's private key cookie (set by ``workbench.py``).
Projects belong to an owner; others only see one when it is shared with them by link.

Every change of the workspace goes through :func:`commit`, which autosaves it to the
open project on disk (atomically; only the edit log after an edit, everything after a
discovery). Each save says which revision of the project it builds on: an edit made in
another tab meanwhile is combined with this one, and when they cannot be combined the
sidebar says so and offers the choices, so nothing is dropped silently. A new session
reopens its owner's last project, or starts on the sample (saved only once edited).
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import logging
import re
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

import streamlit as st

from persona_mining import browser_key, i18n, labels, projects
from persona_mining.errors import InputError
from persona_mining.i18n import _, fmt_number, ngettext

WS, PROJECT, SELECTION, SPLIT = "workspace", "project", "selection", "split_proposal"
OWNER = "_owner"                     # who this session acts for ("" once known to be nobody)
PROJECT_OWNER = "project_owner"      # whose project is open: OWNER's, or whoever shared it
REVISION = "project_revision"        # the open project's revision this session built on
SYNCED = "synced_workspace"          # the workspace as saved at that revision
CONFLICT = "save_conflict"           # an autosave that could not be combined (dict)
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


# -- who ---------------------------------------------------------------------------------------
def session_owner() -> str | None:
    """Who this session acts for: the logged-in person, else this browser; None if unknown."""
    if OWNER not in st.session_state:
        st.session_state[OWNER] = _identify() or ""
    return st.session_state[OWNER] or None


def _identify() -> str | None:
    try:
        if st.user.get("is_logged_in"):
            subject = st.user.get("sub") or st.user.get("email")
            if subject:
                return projects.login_owner(str(st.user.get("iss") or ""), str(subject))
    except Exception:          # no login configured, or a host without st.user
        log.debug("no login information", exc_info=True)
    key = browser_key.key_from_cookies(st.context.cookies)
    return projects.browser_owner(key) if key else None


def login_available() -> bool:
    """A login provider is configured in .streamlit/secrets.toml ([auth])."""
    try:
        return "is_logged_in" in st.user
    except Exception:
        return False


def project_owner() -> str | None:
    return st.session_state.get(PROJECT_OWNER) or session_owner()


# -- which project -------------------------------------------------------------------------------
def ensure_workspace() -> None:
    """Every run: set its language (before anything is shown). First visit of a session:
    the owner's last project, else the sample; a share link (``?share=…``) opens the
    shared project."""
    ensure_router()
    ensure_language()
    if "share" in st.query_params:
        _accept_share(st.query_params["share"])
    if WS not in st.session_state:
        _open_first_project()
    follow_project_language()


def _open_first_project() -> None:
    projects.recover()           # once per server process: repair saves a crash interrupted
    owner = session_owner()
    last = projects.last_project(owner=owner) if owner else None
    if last:
        try:
            _open(*last)
            return
        except InputError as exc:   # damaged or no longer shared: say so, start on the sample
            st.session_state["startup_error"] = str(exc)
    open_sample()


def _accept_share(token: str) -> None:
    del st.query_params["share"]
    owner = session_owner()
    if owner is None:
        st.session_state["share_error"] = _("A share link needs a browser key (cookies); "
                                            "this browser sent none.")
        return
    try:
        _open(*projects.accept_share(token, viewer=owner))
        reset_view_state()
        st.session_state["save_notice"] = _("Opened the project shared with you: “{name}”.",
                                            name=st.session_state[PROJECT])
    except InputError as exc:
        st.session_state["share_error"] = _("The shared project could not be opened: {error}",
                                            error=exc)


def _open(owner: str, name: str) -> None:
    ws, rev = projects.open_versioned(name, owner=owner, viewer=session_owner())
    _set_open(ws, name, owner, rev)


def _set_open(ws: Any, name: str, owner: str | None, revision: int | None) -> None:
    st.session_state[WS] = ws
    st.session_state[PROJECT] = name
    st.session_state[PROJECT_OWNER] = owner
    st.session_state[REVISION] = revision
    st.session_state[SYNCED] = ws
    st.session_state.pop(CONFLICT, None)


def open_sample() -> None:
    """The owner's saved sample project if there is a healthy one, else the sample itself,
    saved only once it is edited (a visitor who just looks leaves nothing on disk)."""
    owner = session_owner()
    info = projects.project_info(SAMPLE_PROJECT, owner=owner) if owner else None
    if info is not None and info.ok:
        try:
            _open(owner, info.name)
            return
        except InputError as exc:
            st.session_state["startup_error"] = str(exc)
    from persona_mining.sample import sample_workspace

    with st.spinner(_("Loading the sample customers…")):
        ws = sample_workspace()
    name = SAMPLE_PROJECT if info is None else projects.unique_name(SAMPLE_PROJECT, owner=owner)
    _set_open(ws, name, owner, 0)


def workspace() -> Any:
    ensure_workspace()
    return st.session_state[WS]


def project_name() -> str:
    return st.session_state.get(PROJECT) or SAMPLE_PROJECT


# -- saving --------------------------------------------------------------------------------------
def _save(ws: Any, name: str, *, full: bool) -> bool:
    """Autosave; a conflict or a write error is recorded for the sidebar, never raised."""
    owner = session_owner()
    if owner is None:            # nobody to keep it for: this tab only (the sidebar says so)
        return False
    try:
        saved = projects.autosave(ws, name, owner=project_owner(), viewer=owner,
                                  base=st.session_state.get(SYNCED),
                                  base_revision=st.session_state.get(REVISION), full=full)
    except (projects.Conflict, projects.NoAccess) as exc:
        log.info("autosave of project %r not written: %s", name, exc)
        st.session_state[CONFLICT] = {"reason": str(exc), "name": name,
                                      "no_access": isinstance(exc, projects.NoAccess)}
        return False
    except (OSError, InputError) as exc:
        log.warning("autosave of project %r failed: %s", name, exc)
        st.session_state["save_error"] = _("Could not save project “{name}”: {error}. Your "
                                           "changes are kept in this browser tab only.",
                                           name=name, error=exc)
        return False
    st.session_state[WS] = saved.workspace
    st.session_state[SYNCED] = saved.workspace
    st.session_state[REVISION] = saved.revision
    st.session_state[PROJECT_OWNER] = project_owner()
    st.session_state.pop(CONFLICT, None)
    if saved.combined:
        st.session_state["save_notice"] = ngettext(
            "Combined with {n} edit made meanwhile in another tab or by someone the project is "
            "shared with.", "Combined with {n} edits made meanwhile in another tab or by "
            "someone the project is shared with.", saved.combined, n=saved.combined)
    return True


def commit(ws: Any, *, full: bool = False) -> None:
    """Make ``ws`` current and autosave it (edit log only, unless ``full``)."""
    st.session_state[WS] = ws
    _save(ws, project_name(), full=full)


def replace_workspace(ws: Any, project: str, *, new: bool = False) -> None:
    """New data or a new discovery: switch to ``ws`` under ``project``, save it in full,
    and forget view state that pointed into the old data (map selection, split preview).

    ``new`` (a freshly uploaded file): a new project that never replaces an existing one;
    when the name is taken it gets the next free one (“customers (2)”) and the sidebar
    says so."""
    name = projects.safe_name(project)
    if new:
        owner = session_owner()
        free = projects.unique_name(name, owner=owner) if owner else name
        if free != name:
            st.session_state["save_notice"] = _(
                "Saved as the new project “{new}”: a project “{name}” exists already and is "
                "kept as it was.", new=free, name=name)
        _set_open(ws, free, owner, 0)
        st.session_state[SYNCED] = None
    else:
        st.session_state[PROJECT] = name
    reset_view_state()
    # a new project remembers the language it was made in
    commit(with_language(ws, st.session_state.get(LANGUAGE) or i18n.current_language()), full=True)


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


# -- the sidebar ---------------------------------------------------------------------------------
def project_sidebar() -> None:
    """Project switcher: which project is open, open another, save a copy, share."""
    ws = workspace()
    owner = session_owner()
    with st.sidebar:
        st.markdown("**" + _("Project") + "**")
        st.caption(_status(ws))
        _messages(owner)
        if CONFLICT in st.session_state:
            _conflict_box(ws)
        if owner is not None:
            _project_picker()
            _save_copy_form(ws)
            _sharing(owner)


def _status(ws: Any) -> str:
    parts = [_("Open: {name}", name=md(project_name())),
             ngettext("{n} customer", "{n} customers", ws.n, n=fmt_number(ws.n)),
             ngettext("{n} persona", "{n} personas", len(ws.personas())),
             ngettext("{n} edit", "{n} edits", len(ws.edits))]
    if session_owner() is None:
        tail = _("not saved")
    elif st.session_state.get(REVISION) == 0 and not ws.edits:
        tail = _("saved once you change something")
    elif CONFLICT in st.session_state:
        tail = _("not saved, see below")
    else:
        tail = _("saved automatically")
    if project_owner() != session_owner():
        tail += " · " + _("shared with you")
    return " · ".join(parts) + f" ({tail})"


def _messages(owner: str | None) -> None:
    if owner is None:
        st.warning(_("This browser sent no key for its projects (cookies are off, or the "
                     "workbench was started with `streamlit run app.py` instead of "
                     "`streamlit run workbench.py`): changes are kept in this tab only."))
    if err := st.session_state.pop("startup_error", None):
        st.warning(_("The last project could not be opened: {error}", error=md(err)))
    if err := st.session_state.pop("share_error", None):
        st.warning(md(err))
    if err := st.session_state.pop("save_error", None):
        st.error(md(err))
    if note := st.session_state.pop("save_notice", None):
        st.info(md(note))


def _conflict_box(ws: Any) -> None:
    c = st.session_state[CONFLICT]
    st.error(_("Your last change is not saved: {reason}. It is kept here in this tab; "
               "choose what to keep.", reason=md(c["reason"])))
    if st.button(_("Save my version as a new project"), key="conflict_copy", width="stretch"):
        with user_errors():
            name = projects.unique_name(f"{c['name']} (mine)", owner=session_owner())
            _create(ws, name, replace=False)
            st.rerun()
    if c.get("no_access"):
        return
    if st.button(_("Keep the saved version (drop my change)"), key="conflict_theirs",
                 width="stretch"):
        with user_errors():
            _open(project_owner(), c["name"])
            reset_view_state()
            st.rerun()
    if st.button(_("Replace the saved version with mine"), key="conflict_mine", width="stretch"):
        with user_errors():
            st.session_state[REVISION] = projects.revision(c["name"], owner=project_owner())
            st.session_state[SYNCED] = None
            if _save(ws, c["name"], full=True):
                st.rerun()


def _project_picker() -> None:
    owner = session_owner()
    current = (project_owner(), project_name())
    others = {f"{p.owner}/{p.name}": p for p in projects.list_projects(owner=owner)
              if (p.owner, p.name) != current}
    if not others:
        return

    def label(key: str) -> str:
        p = others[key]
        if not p.ok:
            return _("{name} — damaged", name=p.name)
        return _("{name} — shared with you", name=p.name) if p.shared else p.name

    key = st.selectbox(_("Open another project"), list(others), index=None, format_func=label,
                       placeholder=_("choose a saved project"), key="project_choice")
    choice = others.get(key)
    if choice is not None and not choice.ok:
        st.error(_("“{name}” cannot be opened: {problem}", name=md(choice.name),
                   problem=md(choice.problem)))
        if not choice.shared and st.button(_("Delete the damaged project"), key="delete_broken"):
            with user_errors():
                projects.delete_project(choice.name, owner=owner)
                st.session_state.pop("project_choice", None)
                st.rerun()
        return
    if st.button(_("Open project"), key="open_project", disabled=choice is None):
        with user_errors():
            _open(choice.owner, choice.name)
            reset_view_state()
            st.session_state.pop("dataset", None)
            st.session_state.pop("project_choice", None)
            st.rerun()


def _save_copy_form(ws: Any) -> None:
    """Save under a new name; a name that is taken asks before replacing anything."""
    pending = st.session_state.get("save_as_pending")
    if pending:
        st.warning(_("A project “{name}” exists already: replace it, or save under a new "
                     "name?", name=md(pending["name"])))
        if st.button(_("Replace “{name}”", name=pending["name"]), key="save_as_replace",
                     width="stretch"):
            with user_errors():
                st.session_state.pop("save_as_pending", None)
                _create(ws, pending["name"], replace=True)
                st.rerun()
        if st.button(_("Save as “{name}”", name=pending["suggestion"]), key="save_as_other",
                     width="stretch", type="primary"):
            with user_errors():
                st.session_state.pop("save_as_pending", None)
                _create(ws, pending["suggestion"], replace=False)
                st.rerun()
        if st.button(_("Cancel"), key="save_as_cancel"):
            st.session_state.pop("save_as_pending", None)
            st.rerun()
        return
    with st.form("save_as_form", border=False, clear_on_submit=True):
        new = st.text_input(_("Save as new project"), key="save_as_name",
                            placeholder=_("project name"))
        if st.form_submit_button(_("Save copy")) and new.strip():
            with user_errors():
                try:
                    _create(ws, new.strip(), replace=False)
                except projects.ProjectExists as exists:
                    st.session_state["save_as_pending"] = {"name": exists.name,
                                                           "suggestion": exists.suggestion}
                st.rerun()


def _create(ws: Any, name: str, *, replace: bool) -> None:
    owner = session_owner()
    clean, rev = projects.create_project(ws, name, owner=owner, replace=replace)
    _set_open(ws, clean, owner, rev)


def _sharing(owner: str) -> None:
    with st.expander(_("Sharing and who sees this")):
        if login_available():
            if st.user.get("is_logged_in"):
                st.caption(_("Logged in as {who}: your projects follow you to every browser.",
                             who=md(st.user.get("email") or st.user.get("name") or "")))
                if st.button(_("Log out"), key="logout"):
                    st.logout()
            else:
                st.caption(_("Log in to use your projects from any browser; until then "
                             "they belong to this browser."))
                if st.button(_("Log in"), key="login"):
                    st.login()
        else:
            st.caption(_("Your projects belong to this browser (a private key in a cookie): "
                         "nobody else sees them unless you share one."))
        st.caption(_("Their folder on the server: {folder}",
                     folder=md(f"projects/{projects.owner_dir(owner).name}")))
        name, whose = project_name(), project_owner()
        if whose != owner:
            st.caption(_("“{name}” is shared with you by its owner; your edits are saved in "
                         "their project.", name=md(name)))
            if st.button(_("Remove from my projects"), key="leave_share"):
                with user_errors():
                    projects.leave_share(name, owner=whose, viewer=owner)
                    open_sample()
                    reset_view_state()
                    st.rerun()
            return
        if not st.session_state.get(REVISION):
            st.caption(_("Change something first: the project is saved then and can be shared."))
            return
        token = projects.share_token(name, owner=owner)
        if token is None:
            st.caption(_("Share “{name}” with others by a link: whoever opens it can see and "
                         "edit the project, until you stop sharing.", name=md(name)))
            if st.button(_("Create a share link"), key="share"):
                with user_errors():
                    projects.share_project(name, owner=owner)
                    st.rerun()
            return
        st.caption(_("Anyone with this link can open and edit “{name}”:", name=md(name)))
        st.code(share_link(token), language=None, wrap_lines=True)
        if st.button(_("Stop sharing"), key="unshare"):
            with user_errors():
                projects.unshare_project(name, owner=owner)
                st.rerun()


def share_link(token: str) -> str:
    """The workbench's address (as this browser reached it) that opens the shared project."""
    from urllib.parse import urlsplit

    url = urlsplit(st.context.url or "")
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{url.scheme}://{url.netloc}/{base + '/' if base else ''}?share={token}"


_WJ = "\u2060"     # word joiner: invisible, and no URL or e-mail address runs across it


def md(text: Any) -> str:
    """User text for markdown-rendering elements: shown literally (no links, images, math
    or formatting; Streamlit never renders raw HTML without unsafe_allow_html).

    Backslash escapes stop markdown syntax, but Streamlit's GFM autolinker works on the
    text after escapes are resolved, so ``https://…``, ``www.…`` and ``a@b.c`` would still
    become links: an invisible word joiner after the scheme, "www" and "@" prevents that.
    """
    out = re.sub(r"(?i)(https?|ftp|mailto|www)(?=[:.])", lambda m: m.group(1) + _WJ, str(text))
    out = out.replace("@", "@" + _WJ)
    for ch in "\\`*_[]<>#|~$:@":
        out = out.replace(ch, "\\" + ch)
    return out


# -- language ------------------------------------------------------------------------------
LANGUAGE = "language"                  # this session's language: 'en' or 'de'
LANGUAGE_CHOICE = "language_choice"    # the sidebar switch (widget key)
LANGUAGE_PROJECT = "language_project"  # the project whose language the session follows
LANGUAGE_CHANGED = "language_changed"  # the user switched: remember it (project, browser)
LANGUAGE_TO_REMEMBER = "language_to_remember"   # set the browser's cookie in this run
LANGUAGE_COOKIE = "persona_mining_lang"


def ensure_language() -> str:
    """Set the language of this script run; called at the top of every run (through
    :func:`ensure_workspace`), so every text of the run comes out in it.

    A new session starts in the language this browser chose last (a cookie), else the
    browser's own language (``st.context.locale``, then the Accept-Language header),
    else English; :func:`follow_project_language` then takes the open project's.
    """
    lang = st.session_state.get(LANGUAGE)
    if lang not in i18n.LANGUAGES:
        lang = browser_language()
        st.session_state[LANGUAGE] = lang
    if st.session_state.get(LANGUAGE_CHOICE) != lang:      # the switch shows what is set
        st.session_state[LANGUAGE_CHOICE] = lang
    return i18n.set_language(lang)


def browser_language() -> str:
    """The language this browser chose before, or speaks; English if neither is known."""
    ctx = st.context
    remembered = (ctx.cookies or {}).get(LANGUAGE_COOKIE)
    if i18n.is_supported(remembered):
        return i18n.normalise_language(remembered)
    for stated in (ctx.locale, (ctx.headers or {}).get("Accept-Language")):
        if lang := i18n.preferred_language(stated):
            return lang
    return i18n.DEFAULT_LANGUAGE


def project_language(ws: Any) -> str | None:
    """The language a project was last used in (its exports are written in it)."""
    lang = (ws.extras or {}).get("language")
    return lang if lang in i18n.LANGUAGES else None


def with_language(ws: Any, lang: str) -> Any:
    return dataclasses.replace(ws, extras={**ws.extras, "language": lang})


def follow_project_language() -> None:
    """Every run, after the workspace is there: a project opened since the last run (first
    visit, the switcher, the sample) is shown in its language; a switch by the user is
    recorded in the open project and, for the next session, in this browser."""
    ws = st.session_state.get(WS)
    if ws is None:
        return
    opened = (project_name(), ws.provenance.get("created_at"))
    if st.session_state.pop(LANGUAGE_CHANGED, False):
        lang = st.session_state[LANGUAGE]
        if project_language(ws) != lang:
            if st.session_state.get(REVISION) == 0 and not ws.edits:
                st.session_state[WS] = with_language(ws, lang)   # the sample, not saved yet
            else:
                commit(with_language(ws, lang))
        st.session_state[LANGUAGE_TO_REMEMBER] = lang
    elif st.session_state.get(LANGUAGE_PROJECT) != opened and project_language(ws):
        lang = project_language(ws)
        st.session_state[LANGUAGE] = st.session_state[LANGUAGE_CHOICE] = lang
        i18n.set_language(lang)
    st.session_state[LANGUAGE_PROJECT] = opened


def _language_chosen() -> None:
    """The sidebar switch changed (a callback: runs before the script, no texts here)."""
    st.session_state[LANGUAGE] = st.session_state[LANGUAGE_CHOICE]
    st.session_state[LANGUAGE_CHANGED] = True


def language_switch() -> None:
    """Deutsch / English in the sidebar; the choice is kept in the project and, through a
    cookie, in this browser (no server-side record of who prefers what)."""
    with st.sidebar:
        st.segmented_control(_("Language"), list(i18n.LANGUAGES)[::-1], key=LANGUAGE_CHOICE,
                             format_func=i18n.LANGUAGE_NAMES.get, required=True,
                             on_change=_language_chosen, label_visibility="collapsed")
        if lang := st.session_state.pop(LANGUAGE_TO_REMEMBER, None):
            _remember_in_browser(lang)
        if i18n.current_language() != "en":
            st.html(f"<style>{_uploader_css()}</style>")


def _uploader_css() -> str:
    """Streamlit draws the file uploader's button and hint itself, in English only; in other
    languages CSS puts our translation in their place (text only, nothing loaded)."""
    limit = fmt_number(st.get_option("server.maxUploadSize"))
    button = _("Upload").replace('"', "'")
    hint = _("Drag files here · up to {limit} MB per file", limit=limit).replace('"', "'")
    zone = '[data-testid="stFileUploaderDropzone"]'
    return (f'{zone} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p'
            f'{{font-size:0}}'
            f'{zone} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p::after'
            f'{{content:"{button}";font-size:0.875rem}}'
            f'[data-testid="stFileUploaderDropzoneInstructions"] span{{font-size:0}}'
            f'[data-testid="stFileUploaderDropzoneInstructions"] span::after'
            f'{{content:"{hint}";font-size:0.875rem}}')


_COOKIE_JS = """
export default function(component) {
  const lang = (component.data || {}).lang;
  if (lang === "de" || lang === "en") {
    document.cookie = "%s=" + lang + "; path=/; max-age=31536000; SameSite=Strict";
  }
}
""" % LANGUAGE_COOKIE


def _remember_in_browser(lang: str) -> None:
    """Set the language cookie in the browser (an inline script, nothing loaded from
    anywhere); Streamlit hands it back in ``st.context.cookies`` to the next session."""
    try:
        _cookie_setter()(data={"lang": lang}, key=f"language_cookie_{lang}")
    except Exception:   # noqa: BLE001 - a browser that keeps no cookie still has the project's choice
        log.debug("could not set the language cookie", exc_info=True)


@functools.lru_cache(maxsize=1)
def _cookie_setter():
    """Registered once per process (Streamlit warns about registering a name twice)."""
    return st.components.v2.component("persona_mining_language_cookie", js=_COOKIE_JS)
