"""Personas page: readable cards, no ids unless asked, edits saved to the project."""

import dataclasses

from persona_mining import projects

from apptest_helpers import page_text, unescape


def test_cards_show_every_persona_without_ids(no_exception, page, small_ws):
    at = page("pages/personas.py")
    no_exception(at)
    names = [unescape(s.value) for s in at.subheader]
    assert names == [small_ws.persona_name(p.id) for p in small_ws.personas()]
    text = page_text(at)
    first = small_ws.personas()[0]
    assert "What sets them apart" in text and first.traits[0].sentence in text
    assert "How to recognise them" in text
    for word in ("UMAP", "HDBSCAN", "embedding", "cluster", "silhouette"):   # no jargon
        assert word.lower() not in text.lower(), word
    assert len(at.get("vega_lite_chart")) == len(small_ws.personas())      # trait bars
    assert [b.value for b in at.get("badge")] or True
    ids = set(small_ws.ids)
    for df in at.dataframe:                                        # typical customers: no ids
        assert "customer id" not in df.value.columns
        assert not ids & set(df.value.astype(str).to_numpy().ravel())


def test_rename_and_goals_are_saved_to_the_project(no_exception, page, small_ws):
    at = page("pages/personas.py")
    pid = small_ws.personas()[0].id
    at.text_input(key=f"name_{pid}").set_value("Schnäppchen_Jäger „App“ [x](y)")
    at.text_area(key=f"goals_{pid}").set_value("günstig kaufen\nschnell liefern")
    at.text_input(key=f"tags_{pid}").set_value("preis, app")
    submit = [b for b in at.button if b.label == "Save changes"][0]
    submit.click().run()
    no_exception(at)
    ws = at.session_state["workspace"]
    assert ws.persona_name(pid) == "Schnäppchen_Jäger „App“ [x](y)"
    assert ws.state().fields[pid]["goals"] == ["günstig kaufen", "schnell liefern"]
    assert ws.state().fields[pid]["tags"] == ["preis", "app"]
    assert len(ws.edits) == 3                          # only changed fields become edits
    heading = [s.value for s in at.subheader][0]
    assert "\\[x\\]" in heading and unescape(heading) == "Schnäppchen_Jäger „App“ [x](y)"
    assert "günstig kaufen" in page_text(at)
    reopened = projects.open_project("test")           # autosaved: survives a restart
    assert reopened.persona_name(pid) == "Schnäppchen_Jäger „App“ [x](y)"
    assert len(reopened.edits) == 3


def test_empty_name_is_refused(no_exception, page, small_ws):
    at = page("pages/personas.py")
    pid = small_ws.personas()[0].id
    at.text_input(key=f"name_{pid}").set_value("   ")
    [b for b in at.button if b.label == "Save changes"][0].click().run()
    no_exception(at)
    assert at.error and "name cannot be empty" in at.error[0].value
    assert at.session_state["workspace"] is small_ws


def test_show_ids_toggle_reveals_ids(no_exception, page, small_ws):
    at = page("pages/personas.py")
    at.toggle(key="show_ids").set_value(True).run()
    first = at.dataframe[0].value
    assert "customer id" in first.columns
    assert set(first["customer id"]) <= set(small_ws.ids)


def test_journeys_show_on_cards_of_event_log_personas(no_exception, page, small_ws):
    pid = small_ws.personas()[0].id
    journey = {"transitions": [{"from": "view", "to": "cart", "share": 0.4}], "paths": [
        {"path": ["view", "cart", "purchase"], "count": 3}], "before_purchase": [
        {"touchpoint": "cart", "share": 0.9}], "first_touchpoints": ["view"],
        "last_touchpoints": ["purchase"], "channel_switch_rate": 0.1}
    at = page("pages/personas.py",
              ws=dataclasses.replace(small_ws, extras={"journeys": {pid: journey}}))
    no_exception(at)
    text = page_text(at)
    assert "view → cart → purchase" in text and "cart (90 %)" in text
