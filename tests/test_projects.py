"""Projects on a shared server: owners, sharing, no silent overwrite, conflicts between tabs,
damaged projects, full disks and crashes in the middle of a save."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from persona_mining import DiscoverConfig, atomic, projects, refine
from persona_mining import workspace as wsmod
from persona_mining.errors import ModelError
from persona_mining.pipeline import discover

from damage import DAMAGE

ROOT = Path(__file__).resolve().parents[1]
ALICE = projects.browser_owner("a" * 32)
BOB = projects.browser_owner("b" * 32)


@pytest.fixture(scope="module")
def ws(small_csv):
    return discover(small_csv, DiscoverConfig(method="kmeans", k=4, embedding="pca",
                                              bootstrap=2, seed=3))


def rename(ws, pid, name):
    return ws.with_edit(refine.edit_set(ws.state(), pid, "name", name))


def leftovers(root: Path) -> list[str]:
    return [str(p.relative_to(root)) for p in root.rglob("*")
            if p.name.startswith((".tmp-", ".old-"))]


# -- who sees what ---------------------------------------------------------------------------
def test_owners_only_see_their_own_projects(ws):
    projects.save_project(ws, "kunden", owner=ALICE)
    assert [p.name for p in projects.list_projects(owner=ALICE)] == ["kunden"]
    assert projects.list_projects(owner=BOB) == []
    assert projects.last_project(owner=BOB) is None
    with pytest.raises(projects.NoAccess):
        projects.open_project("kunden", owner=ALICE, viewer=BOB)
    with pytest.raises(projects.NoAccess):
        projects.save_project(ws, "kunden", owner=ALICE, viewer=BOB)
    assert projects.browser_owner("a" * 32) == ALICE != BOB        # stable per key
    assert "a" * 32 not in str(projects.owner_dir(ALICE))          # only the hash is stored
    with pytest.raises(projects.InputError):
        projects.owner_dir("../escape")


def test_sharing_by_link_and_stopping_it(ws):
    projects.save_project(ws, "kunden", owner=ALICE)
    token = projects.share_project("kunden", owner=ALICE)
    assert projects.share_project("kunden", owner=ALICE) == token     # one link per project
    assert projects.accept_share(token, viewer=BOB) == (ALICE, "kunden")
    shared = projects.list_projects(owner=BOB)
    assert [(p.name, p.owner, p.shared) for p in shared] == [("kunden", ALICE, True)]
    pid = ws.personas()[0].id
    opened, rev = projects.open_versioned("kunden", owner=ALICE, viewer=BOB)
    projects.save_project(rename(opened, pid, "von Bob"), "kunden", owner=ALICE, viewer=BOB,
                          edits_only=True, expected_revision=rev)
    assert projects.open_project("kunden", owner=ALICE).persona_name(pid) == "von Bob"
    projects.unshare_project("kunden", owner=ALICE)
    assert projects.list_projects(owner=BOB) == []
    with pytest.raises(projects.NoAccess):
        projects.open_project("kunden", owner=ALICE, viewer=BOB)
    with pytest.raises(projects.NoAccess, match="not valid"):
        projects.accept_share(token, viewer=BOB)
    for bad in ("", "../../x", "a" * 500, "x" * 30):
        with pytest.raises(projects.NoAccess):
            projects.accept_share(bad, viewer=BOB)


def test_leaving_a_shared_project(ws):
    projects.save_project(ws, "kunden", owner=ALICE)
    projects.accept_share(projects.share_project("kunden", owner=ALICE), viewer=BOB)
    projects.leave_share("kunden", owner=ALICE, viewer=BOB)
    assert projects.list_projects(owner=BOB) == []
    assert projects.project_info("kunden", owner=ALICE).ok               # Alice keeps it


# -- nothing replaced without asking ------------------------------------------------------------
def test_a_new_project_never_replaces_one_of_the_same_name(ws):
    projects.save_project(ws, "kunden", owner=ALICE)
    before = projects.revision("kunden", owner=ALICE)
    with pytest.raises(projects.ProjectExists) as exc:
        projects.create_project(ws, "kunden", owner=ALICE)
    assert exc.value.suggestion == "kunden (2)"
    assert projects.revision("kunden", owner=ALICE) == before
    assert projects.create_project(ws, "kunden (2)", owner=ALICE)[0] == "kunden (2)"
    assert projects.unique_name("kunden", owner=ALICE) == "kunden (3)"
    assert projects.unique_name("KUNDEN (2)", owner=ALICE) == "KUNDEN (3)"
    assert projects.unique_name("neu", owner=ALICE) == "neu"
    name, rev = projects.create_project(ws, "kunden", owner=ALICE, replace=True)
    assert (name, rev) == ("kunden", before + 1)


# -- two tabs -----------------------------------------------------------------------------------
def test_edits_in_two_tabs_are_combined(ws):
    first, second = (p.id for p in ws.personas()[:2])
    rev = projects.save_project(ws, "kunden", owner=ALICE)
    base, _ = projects.open_versioned("kunden", owner=ALICE)
    tab_a = projects.autosave(rename(base, first, "Nachteulen"), "kunden", owner=ALICE,
                              base=base, base_revision=rev)
    assert tab_a.revision == rev + 1 and tab_a.combined == 0
    tab_b = projects.autosave(rename(base, second, "Frühaufsteher"), "kunden", owner=ALICE,
                              base=base, base_revision=rev)                   # B is behind
    assert tab_b.combined == 1 and tab_b.revision == rev + 2
    for seen in (tab_b.workspace, projects.open_project("kunden", owner=ALICE)):
        assert seen.persona_name(first) == "Nachteulen"
        assert seen.persona_name(second) == "Frühaufsteher"
        assert len(seen.edits) == 2


def test_edits_that_cannot_be_combined_are_a_conflict_and_nothing_is_written(ws):
    first, second = (p.id for p in ws.personas()[:2])
    rev = projects.save_project(ws, "kunden", owner=ALICE)
    base, _ = projects.open_versioned("kunden", owner=ALICE)
    discarded = base.with_edit(refine.edit_discard(base.state(), second))
    projects.autosave(discarded, "kunden", owner=ALICE, base=base, base_revision=rev)
    on_disk = json.loads((projects.owner_dir(ALICE) / "kunden" / "manifest.json").read_text())
    with pytest.raises(projects.Conflict, match="does not fit"):
        projects.autosave(rename(base, second, "gibt es nicht mehr"), "kunden", owner=ALICE,
                          base=base, base_revision=rev)
    assert json.loads((projects.owner_dir(ALICE) / "kunden" / "manifest.json").read_text()) == on_disk
    # the same field changed in both, an undo here against an edit there, a full save
    renamed = projects.autosave(rename(base, first, "hier"), "kunden", owner=ALICE, base=base,
                                base_revision=rev)
    with pytest.raises(projects.Conflict, match="name of persona"):
        projects.autosave(rename(base, first, "dort"), "kunden", owner=ALICE, base=base,
                          base_revision=rev)
    assert projects.open_project("kunden", owner=ALICE).persona_name(first) == "hier"
    base, rev = renamed.workspace, renamed.revision
    named = projects.autosave(rename(base, first, "A"), "kunden", owner=ALICE, base=base,
                              base_revision=rev)
    with pytest.raises(projects.Conflict, match="undid"):
        projects.autosave(named.workspace.undo(), "kunden", owner=ALICE, base=named.workspace,
                          base_revision=named.revision - 1)
    with pytest.raises(projects.Conflict, match="changed elsewhere"):
        projects.autosave(ws, "kunden", owner=ALICE, base=base, base_revision=rev, full=True)


def test_a_deleted_or_newly_created_project_is_a_conflict(ws):
    rev = projects.save_project(ws, "kunden", owner=ALICE)
    projects.delete_project("kunden", owner=ALICE)
    with pytest.raises(projects.Conflict, match="deleted"):
        projects.save_project(ws, "kunden", owner=ALICE, expected_revision=rev)
    projects.save_project(ws, "neu", owner=ALICE)
    with pytest.raises(projects.Conflict, match="created elsewhere"):
        projects.save_project(ws, "neu", owner=ALICE, expected_revision=0)


# -- damaged projects -----------------------------------------------------------------------------
@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_project_is_listed_as_such_and_never_opened(ws, damage):
    make, visible_in_list = DAMAGE[damage]
    projects.save_project(ws, "gut", owner=ALICE)
    projects.save_project(ws, "kaputt", owner=ALICE)          # opened last
    make(projects.owner_dir(ALICE) / "kaputt")
    info = {p.name: p for p in projects.list_projects(owner=ALICE)}
    assert info["gut"].ok
    assert (not info["kaputt"].ok) == visible_in_list
    if visible_in_list:
        assert projects.last_project(owner=ALICE) is None            # never the start project
    with pytest.raises(ModelError):
        projects.open_project("kaputt", owner=ALICE)
    broken = {p.name: p for p in projects.list_projects(owner=ALICE)}["kaputt"]
    assert not broken.ok and broken.problem                       # listed as damaged from now on
    assert projects.open_project("gut", owner=ALICE).n == ws.n    # the others still open


def test_manifest_checks_name_the_problem(ws, tmp_path):
    wsmod.save(ws, tmp_path / "w")
    m = json.loads((tmp_path / "w" / "manifest.json").read_text())
    assert m["manifest_sha256"] == wsmod.manifest_digest(m) and m["revision"] == 1
    for change, message in ((lambda m: m.pop("config"), r"\$: 'config' is a required"),
                            (lambda m: m.__setitem__("edits", "x"), r"\$\.edits: 'x' is not of type"),
                            (lambda m: m.__setitem__("base_ids", [1, 2]), r"\$\.base_ids\[0\]")):
        bad = json.loads(json.dumps(m))
        change(bad)
        bad["manifest_sha256"] = wsmod.manifest_digest(bad)
        with pytest.raises(ModelError, match=message):
            wsmod.validate_manifest(bad, "manifest.json")


# -- full disk, crashes -------------------------------------------------------------------------
def test_a_full_disk_when_noting_the_last_project_costs_only_that(ws, monkeypatch):
    projects.save_project(ws, "kunden", owner=ALICE)
    (projects.owner_dir(ALICE) / ".last").unlink()
    real = atomic.write_bytes

    def full(path, payload):
        if Path(path).name == ".last":
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, payload)

    monkeypatch.setattr(atomic, "write_bytes", full)
    assert projects.open_project("kunden", owner=ALICE).n == ws.n      # opens all the same
    assert not (projects.owner_dir(ALICE) / ".last").exists()


def test_a_failed_save_keeps_the_previous_version_and_leaves_nothing_behind(ws, monkeypatch):
    pid = ws.personas()[0].id
    rev = projects.save_project(ws, "kunden", owner=ALICE)
    full_disk = OSError(errno.ENOSPC, "No space left on device")
    real_files, real_write = wsmod.write_files, atomic.write_bytes

    def files_then_full(w, tmp, revision=1):     # every file written, then the disk is full
        real_files(w, tmp, revision)
        raise full_disk

    def manifest_full(path, payload):
        if Path(path).name == "manifest.json":
            raise full_disk
        real_write(path, payload)

    with monkeypatch.context() as m:
        m.setattr(wsmod, "write_files", files_then_full)
        with pytest.raises(OSError):
            projects.save_project(ws.with_edit(refine.edit_discard(ws.state(), pid)), "kunden",
                                  owner=ALICE)
    with monkeypatch.context() as m:
        m.setattr(atomic, "write_bytes", manifest_full)
        with pytest.raises(OSError):
            projects.save_project(rename(ws, pid, "y"), "kunden", owner=ALICE, edits_only=True)
    back, now = projects.open_versioned("kunden", owner=ALICE)
    assert now == rev and back.edits == () and back.n == ws.n
    assert leftovers(projects.projects_dir()) == []


CHILD = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from persona_mining import projects, refine, atomic
    from persona_mining import workspace as wsmod
    owner, mode = sys.argv[1], sys.argv[2]
    ws = projects.open_project("kunden", owner=owner)
    pid = ws.personas()[0].id
    if mode == "between-renames":
        real = os.replace
        def replace(src, dst):
            real(src, dst)
            if os.path.basename(str(dst)).startswith(".old-"):   # project moved aside, new not in
                os.kill(os.getpid(), signal.SIGKILL)
        atomic.os.replace = replace
    i = 0
    while True:                   # full saves and autosaves until killed
        i += 1
        named = ws.with_edit(refine.edit_set(ws.state(), pid, "name", f"v{{i}}"))
        projects.save_project(named, "kunden", owner=owner, edits_only=i % 2 == 0)
        print(i, flush=True)
""")


def _child(owner: str, mode: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD.format(root=str(ROOT)), owner, mode],
                            stdout=subprocess.PIPE, text=True, env={**os.environ})


def test_kill_between_the_renames_of_a_save_is_recovered(ws):
    projects.save_project(ws, "kunden", owner=ALICE)
    child = _child(ALICE, "between-renames")
    assert child.wait(120) == -signal.SIGKILL
    folder = projects.owner_dir(ALICE)
    assert not (folder / "kunden").exists()                # the moment the issue describes
    assert leftovers(folder)
    (folder / "other").mkdir()
    (folder / "other" / ".tmp-manifest.json-x1").write_text("{")     # a rewrite killed half-way
    projects._recovered.clear()
    restored = projects.recover()
    assert restored and (folder / "kunden").is_dir()
    assert leftovers(projects.projects_dir()) == []
    back = projects.open_project("kunden", owner=ALICE)
    assert back.persona_name(ws.personas()[0].id) == "v1"   # the save had finished writing
    assert [p.name for p in projects.list_projects(owner=ALICE)] == ["kunden"]


def test_kill_at_any_moment_of_saving_never_loses_the_project(ws):
    projects.save_project(ws, "kunden", owner=ALICE)
    seen = set()
    for delay in (0.05, 0.3, 0.7):
        child = _child(ALICE, "loop")
        assert child.stdout.readline()                     # it is saving
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        projects._recovered.clear()
        projects.recover()
        assert leftovers(projects.projects_dir()) == []
        back = projects.open_project("kunden", owner=ALICE)       # complete and consistent
        seen.add(back.persona_name(ws.personas()[0].id))
    assert all(name.startswith("v") for name in seen)


def test_recover_removes_stale_temporary_files_but_not_fresh_ones(tmp_path):
    stale, fresh = tmp_path / ".tmp-.last-abc", tmp_path / ".tmp-.last-def"
    stale.write_text("x")
    fresh.write_text("y")
    old = time.time() - 2 * atomic.STALE_SECONDS
    os.utime(stale, (old, old))
    atomic.recover(tmp_path, wsmod.is_complete)
    assert not stale.exists() and fresh.exists()
