"""The project side of the workbench: two tabs on one project, names that are taken, damaged
projects at start, a full disk, share links. Each AppTest is one browser tab."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from persona_mining import atomic, projects, refine

from apptest_helpers import ROOT, page_text
from damage import DAMAGE

ALICE = projects.browser_owner("alice-" + "a" * 30)
BOB = projects.browser_owner("bob-" + "b" * 30)


def tab(path: str, owner: str, project: str | None = None, project_owner: str | None = None):
    """A browser tab of ``owner``; with ``project``: that project opened as the workbench would."""
    at = AppTest.from_file(str(ROOT / path), default_timeout=120)
    at.session_state["_owner"] = owner
    if project is not None:
        ws, rev = projects.open_versioned(project, owner=project_owner or owner, viewer=owner)
        for key, value in (("workspace", ws), ("project", project), ("project_revision", rev),
                           ("synced_workspace", ws), ("project_owner", project_owner or owner)):
            at.session_state[key] = value
    return at.run()


def rename_in(at, pid: str, name: str):
    box = at.text_input(key=f"name_{pid}")
    box.set_value(name)
    [b for b in at.button if b.label == "Save changes" and b.form_id == box.form_id][0].click().run()
    return at


def sidebar_of(at, owner: str) -> AppTest:
    """The sidebar of the same tab (same session state), to see what it says and click it."""
    side = AppTest.from_file(str(ROOT / "tests/app/sidebar_app.py"), default_timeout=120)
    for key in ("workspace", "project", "project_owner", "project_revision", "synced_workspace",
                "save_conflict", "save_notice", "save_error", "startup_error"):
        if key in at.session_state:
            side.session_state[key] = at.session_state[key]
    side.session_state["_owner"] = owner
    return side.run()


def button(at, label: str):
    return [b for b in at.button if b.label == label][0]


def test_edits_in_two_tabs_are_both_kept(no_exception, small_ws):
    projects.save_project(small_ws, "kunden", owner=ALICE)
    first, second = (p.id for p in small_ws.personas()[:2])
    a = tab("pages/personas.py", ALICE, "kunden")
    b = tab("pages/personas.py", ALICE, "kunden")
    rename_in(a, first, "Nachteulen")
    rename_in(b, second, "Frühaufsteher")            # b has not seen a's edit
    no_exception(a), no_exception(b)
    saved = projects.open_project("kunden", owner=ALICE)
    assert saved.persona_name(first) == "Nachteulen" and saved.persona_name(second) == "Frühaufsteher"
    assert b.session_state["workspace"].persona_name(first) == "Nachteulen"   # b now shows both
    side = sidebar_of(b, ALICE)
    assert any("Combined with 1 edit made meanwhile" in i.value for i in side.sidebar.info)


def conflicting_tab(ws):
    """A tab that renames a persona which another tab discarded meanwhile: (tab, persona)."""
    projects.save_project(ws, "kunden", owner=ALICE)
    gone = ws.personas()[1].id
    b = tab("pages/personas.py", ALICE, "kunden")
    other, rev = projects.open_versioned("kunden", owner=ALICE)
    projects.save_project(other.with_edit(refine.edit_discard(other.state(), gone)), "kunden",
                          owner=ALICE, edits_only=True, expected_revision=rev)
    return rename_in(b, gone, "Meine Änderung"), gone


def test_a_conflict_is_shown_and_no_edit_is_dropped(no_exception, small_ws):
    b, gone = conflicting_tab(small_ws)
    no_exception(b)
    assert b.session_state["workspace"].persona_name(gone) == "Meine Änderung"   # kept in the tab
    on_disk = projects.open_project("kunden", owner=ALICE)
    assert gone not in on_disk.state().fields                                    # theirs kept too
    side = sidebar_of(b, ALICE)
    assert any("Your last change is not saved" in e.value for e in side.sidebar.error)
    assert "not saved, see below" in page_text(side)
    button(side, "Save my version as a new project").click().run()
    no_exception(side)
    mine = projects.open_project("kunden (mine)", owner=ALICE)
    assert mine.persona_name(gone) == "Meine Änderung"
    assert side.session_state["project"] == "kunden (mine)"
    assert gone not in projects.open_project("kunden", owner=ALICE).state().fields


def test_a_conflict_can_be_resolved_by_either_version(no_exception, small_ws):
    for choice in ("Keep the saved version (drop my change)", "Replace the saved version with mine"):
        b, gone = conflicting_tab(small_ws)
        side = sidebar_of(b, ALICE)
        button(side, choice).click().run()
        no_exception(side)
        assert "save_conflict" not in side.session_state
        saved = projects.open_project("kunden", owner=ALICE)
        mine = choice.startswith("Replace")
        assert (gone in saved.state().fields) == mine
        assert (gone in side.session_state["workspace"].state().fields) == mine
        projects.delete_project("kunden", owner=ALICE)


def test_save_copy_with_a_taken_name_asks_first(no_exception, small_ws):
    projects.save_project(small_ws, "alpha", owner=ALICE)
    projects.save_project(small_ws.with_edit(refine.edit_discard(small_ws.state(),
                                                                small_ws.personas()[0].id)),
                          "beta", owner=ALICE)
    at = tab("tests/app/sidebar_app.py", ALICE)
    assert at.session_state["project"] == "beta"
    alpha = projects.revision("alpha", owner=ALICE)
    at.text_input(key="save_as_name").set_value("alpha")
    button(at, "Save copy").click().run()
    no_exception(at)
    assert any("exists already" in w.value for w in at.sidebar.warning)
    assert projects.revision("alpha", owner=ALICE) == alpha and at.session_state["project"] == "beta"
    button(at, "Save as “alpha (2)”").click().run()
    no_exception(at)
    assert at.session_state["project"] == "alpha (2)"
    assert len(projects.open_project("alpha (2)", owner=ALICE).edits) == 1
    assert projects.open_project("alpha", owner=ALICE).edits == ()        # untouched
    at.text_input(key="save_as_name").set_value("alpha")
    button(at, "Save copy").click().run()
    button(at, "Replace “alpha”").click().run()                           # asked, then replaced
    no_exception(at)
    assert len(projects.open_project("alpha", owner=ALICE).edits) == 1


def test_uploading_a_file_named_like_a_project_makes_a_new_project(no_exception, small_ws):
    import dataclasses

    from persona_mining.datasource import Dataset
    from persona_mining.ingest import ColumnRoles

    from apptest_helpers import run_kmeans

    pid = small_ws.personas()[0].id
    projects.save_project(small_ws.with_edit(refine.edit_set(small_ws.state(), pid, "name", "Alt")),
                          "kunden", owner=ALICE)
    at = tab("pages/discover.py", ALICE, "kunden")
    report = dataclasses.replace(small_ws.source, source="kunden.csv")
    at.session_state["dataset"] = Dataset(small_ws.data, report, ColumnRoles(()), {})
    assert at.session_state["dataset"].project == "kunden"
    run_kmeans(at.run(), 3)
    no_exception(at)
    assert at.session_state["project"] == "kunden (2)"
    assert projects.open_project("kunden", owner=ALICE).persona_name(pid) == "Alt"   # kept
    assert projects.open_project("kunden (2)", owner=ALICE).metrics["n_personas"] == 3
    side = sidebar_of(at, ALICE)
    assert any("new project “kunden (2)”" in i.value.replace("\\", "") for i in side.sidebar.info)


@pytest.mark.parametrize("damage", ["missing config", 'edits is "x"', "Z rows do not fit",
                                    "wrong checksum", "not JSON"])
def test_a_damaged_last_project_does_not_lock_anyone_out(no_exception, small_ws, damage):
    projects.save_project(small_ws, "gut", owner=ALICE)
    projects.save_project(small_ws, "kaputt", owner=ALICE)            # opened last
    DAMAGE[damage][0](projects.owner_dir(ALICE) / "kaputt")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["_owner"] = ALICE
    at.run()
    no_exception(at)
    assert at.session_state["project"] in ("Sample customers", "gut")
    assert at.subheader                                                # the personas are there
    picker = [s for s in at.sidebar.selectbox if s.key == "project_choice"][0]
    assert any("kaputt" in o for o in picker.options)
    side = tab("tests/app/sidebar_app.py", ALICE)
    choice = [p for p in projects.list_projects(owner=ALICE) if p.name == "kaputt"][0]
    if not choice.ok:                              # known from the manifest: listed as damaged
        assert "kaputt — damaged" in side.selectbox(key="project_choice").options
        side.selectbox(key="project_choice").set_value(f"{ALICE}/kaputt").run()
        no_exception(side)
        assert any("cannot be opened" in e.value for e in side.sidebar.error)
        button(side, "Delete the damaged project").click().run()
        assert projects.project_info("kaputt", owner=ALICE) is None


def test_a_full_disk_at_start_and_on_save_is_reported_not_a_crash(no_exception, small_ws,
                                                                    monkeypatch):
    projects.save_project(small_ws, "kunden", owner=ALICE)

    def full(path, payload):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic, "write_bytes", full)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["_owner"] = ALICE
    at.run()                                        # reopening writes .last: fails, no matter
    no_exception(at)
    assert at.session_state["project"] == "kunden"
    b = tab("pages/personas.py", ALICE, "kunden")
    pid = small_ws.personas()[0].id
    rename_in(b, pid, "Nicht gespeichert")
    no_exception(b)
    assert b.session_state["workspace"].persona_name(pid) == "Nicht gespeichert"   # kept in the tab
    assert "No space left" in b.session_state["save_error"]
    assert projects.open_project("kunden", owner=ALICE).edits == ()


def test_a_share_link_opens_the_project_for_someone_else(no_exception, small_ws):
    pid = small_ws.personas()[0].id
    projects.save_project(small_ws.with_edit(refine.edit_set(small_ws.state(), pid, "name", "Geteilt")),
                          "kunden", owner=ALICE)
    owner_tab = tab("tests/app/sidebar_app.py", ALICE)
    button(owner_tab, "Create a share link").click().run()
    no_exception(owner_tab)
    token = projects.share_token("kunden", owner=ALICE)
    assert token and any(token in c.value for c in owner_tab.sidebar.code)
    guest = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    guest.session_state["_owner"] = BOB
    guest.query_params["share"] = token
    guest.run()
    no_exception(guest)
    assert guest.session_state["project"] == "kunden"
    assert guest.session_state["workspace"].persona_name(pid) == "Geteilt"
    assert "shared with you" in page_text(guest)
    assert "share" not in guest.query_params                 # the token leaves the address bar
    stranger = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    stranger.session_state["_owner"] = projects.browser_owner("c" * 32)
    stranger.run()
    assert stranger.session_state["project"] == "Sample customers"   # no link, no project
    button(owner_tab, "Stop sharing").click().run()
    assert projects.list_projects(owner=BOB) == []
    b = tab("pages/personas.py", BOB)            # Bob's next session: back on the sample
    assert b.session_state["project"] == "Sample customers"
    assert Path(projects.owner_dir(ALICE) / "kunden").is_dir()


def test_user_text_never_becomes_a_link_or_formatting():
    import re

    from pages._shared import md

    for text in ("https://example.com/x", "see www.example.org", "mail bob@example.com",
                 "HTTP://A.B", "[a](https://x.y)", "<https://foo.bar>", "**bold** `code` $x$"):
        out = md(text)
        shown = re.sub(r"\\(.)", r"\1", out).replace("\u2060", "")
        assert shown == text                                   # reads exactly as typed
        assert not re.search(r"(?i)https?:|www\.|@[a-z]", out.replace("\\", ""))


def test_an_invalid_share_link_says_so_and_opens_nothing(no_exception):
    guest = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    guest.session_state["_owner"] = BOB
    guest.query_params["share"] = "not-a-valid-token-at-all-123"
    guest.run()
    no_exception(guest)
    assert guest.session_state["project"] == "Sample customers"
    assert any("share link is not valid" in w.value for w in guest.sidebar.warning)
