"""Export page: four downloads, import preview, import as undoable edits, clear errors."""

import json

from persona_mining import export, projects, refine

from apptest_helpers import unescape


def test_downloads_and_import(no_exception, page, small_ws):
    at = page("pages/export.py")
    no_exception(at)
    buttons = at.get("download_button")
    assert len(buttons) == 4
    pid = small_ws.personas()[0].id
    edited = small_ws.with_edit(refine.edit_set(small_ws.state(), pid, "name", "Importiert"))
    edited = edited.with_edit(refine.edit_set(edited.state(), pid, "goals", ["Günstig kaufen"]))
    doc = export.to_json(edited)
    at.file_uploader(key="import_cards").set_value(
        ("cards.json", json.dumps(doc).encode(), "application/json")).run()
    no_exception(at)
    preview = at.dataframe[0].value
    assert len(preview) == len(small_ws.personas())
    assert preview["changes"].iloc[0] == "name, goals"
    at.button(key="do_import").click().run()
    no_exception(at)
    assert at.success and "2 edits" in at.success[0].value
    ws = at.session_state["workspace"]
    assert ws.persona_name(pid) == "Importiert" and len(ws.edits) == 2
    assert ws.state().fields[pid]["goals"] == ["Günstig kaufen"]
    saved = projects.open_project("test")                    # autosaved with the edits
    assert saved.persona_name(pid) == "Importiert"
    assert at.info and "Nothing to import" in at.info[0].value   # the same file again: no-op


def test_bad_import_shows_error(no_exception, page, small_ws):
    at = page("pages/export.py")
    at.file_uploader(key="import_cards").set_value(("x.json", b"[1, 2]", "application/json")).run()
    no_exception(at)
    assert at.error and unescape(at.error[0].value).startswith("x.json: ")
    assert not at.get("button") or all(b.key != "do_import" for b in at.button)
    assert at.session_state["workspace"] is small_ws


def test_deeply_nested_import_shows_error(no_exception, page):
    at = page("pages/export.py")
    deep = b'{"personas": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    at.file_uploader(key="import_cards").set_value(("deep.json", deep, "application/json")).run()
    no_exception(at)
    assert at.error and "deep.json: JSON nested 50001 levels deep" in unescape(at.error[0].value)
