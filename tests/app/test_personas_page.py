from persona_mining import projects



def test_cards_show_every_persona_without_ids(no_exception, page, small_ws):
    at = page("pages/personas.py")
    no_exception(at)
    names = [s.value for s in at.subheader]
    assert names == [small_ws.persona_name(p.id) for p in small_ws.personas()]
    shown = " ".join(m.value for m in at.markdown)
    assert "What sets them apart" in shown and small_ws.personas()[0].traits[0].sentence in shown
    for df in at.dataframe:            # example customers: no ids unless asked
        assert "customer id" not in df.value.columns


def test_rename_and_goals_are_saved_to_the_project(no_exception, page, small_ws):
    at = page("pages/personas.py")
    pid = small_ws.personas()[0].id
    at.text_input(key=f"name_{pid}").set_value("Schnäppchen-Jäger „App“")
    at.text_area(key=f"goals_{pid}").set_value("günstig kaufen\nschnell liefern")
    submit = [b for b in at.button if b.label == "Save changes"][0]
    submit.click().run()
    no_exception(at)
    ws = at.session_state["workspace"]
    assert ws.persona_name(pid) == "Schnäppchen-Jäger „App“"
    assert ws.state().fields[pid]["goals"] == ["günstig kaufen", "schnell liefern"]
    assert len(ws.edits) == 2                      # only changed fields become edits
    reopened = projects.open_project("test")       # autosaved: survives a restart
    assert reopened.persona_name(pid) == "Schnäppchen-Jäger „App“"


def test_show_ids_toggle_reveals_ids(no_exception, page, small_ws):
    at = page("pages/personas.py")
    at.toggle(key="show_ids").set_value(True).run()
    assert "customer id" in at.dataframe[0].value.columns


def test_journeys_show_on_cards_of_event_log_personas(no_exception, page, small_ws):
    import dataclasses

    pid = small_ws.personas()[0].id
    journey = {"transitions": [{"from": "view", "to": "cart", "share": 0.4}], "paths": [
        {"path": ["view", "cart", "purchase"], "count": 3}], "before_purchase": [
        {"touchpoint": "cart", "share": 0.9}], "first_touchpoints": ["view"],
        "last_touchpoints": ["purchase"], "channel_switch_rate": 0.1}
    at = page("pages/personas.py")
    at.session_state["workspace"] = dataclasses.replace(small_ws, extras={"journeys": {pid: journey}})
    at.run()
    no_exception(at)
    text = " ".join(m.value for m in at.markdown)
    assert "view → cart → purchase" in text and "cart (90%)" in text
