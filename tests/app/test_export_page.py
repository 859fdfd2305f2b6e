import json

from persona_mining import export, refine


def test_downloads_and_import(no_exception, page, small_ws):
    at = page("pages/export.py")
    no_exception(at)
    assert len(at.get("download_button")) == 4
    pid = small_ws.personas()[0].id
    doc = export.to_json(small_ws.with_edit(refine.edit_set(small_ws.state(), pid, "name", "Importiert")))
    at.file_uploader[0].set_value(("cards.json", json.dumps(doc).encode(), "application/json")).run()
    at.button(key="do_import").click().run()
    no_exception(at)
    assert at.success and "updated 1" in at.success[0].value
    assert at.session_state["workspace"].persona_name(pid) == "Importiert"


def test_bad_import_shows_error(no_exception, page, small_ws):
    at = page("pages/export.py")
    at.file_uploader[0].set_value(("x.json", b"[1, 2]", "application/json")).run()
    at.button(key="do_import").click().run()
    assert at.error and "x.json" in at.error[0].value
    assert at.session_state["workspace"] is small_ws
