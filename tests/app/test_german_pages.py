"""Every page in German: its texts, labels, table headers, chart titles and messages read
German (checked, not just 'no exception'), numbers are German, and no English UI text is
left. Persona names and sentences generated from the data are the profile's (issue 9)
and not checked here; column names from the data stay as they are."""

from __future__ import annotations

import json

import pytest

from persona_mining import export, projects, refine

from apptest_helpers import page_text, unescape


@pytest.fixture
def german(page, small_ws):
    """AppTest of one page in a session whose language is German. The test itself runs in
    German too: AppTest formats widget values with the page's format_func in the test's
    own thread, so the options must come out the way the page showed them."""
    from streamlit.testing.v1 import AppTest

    from apptest_helpers import ROOT
    from persona_mining.i18n import set_language

    projects.save_project(small_ws, "test")
    set_language("de")

    def make(path: str, ws=None):
        at = AppTest.from_file(str(ROOT / path), default_timeout=120)
        at.session_state["workspace"] = small_ws if ws is None else ws
        at.session_state["project"] = "test"
        at.session_state["language"] = "de"
        return at.run()

    yield make
    set_language("en")


def labels(at, kind: str) -> list[str]:
    return [getattr(e, "label", None) for e in at.get(kind)]


def headers(df) -> list[str]:
    """The column headers a reader sees: column_config labels, else the column names."""
    config = json.loads(df.proto.columns or "{}")
    return [config.get(str(c), {}).get("label") or str(c) for c in df.value.columns]


def chart_specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def no_english(text: str, *phrases: str) -> None:
    left = [p for p in phrases if p in text]
    assert not left, f"English left on a German page: {left}"


def test_personas_page_in_german(no_exception, german, small_ws):
    at = german("pages/personas.py")
    no_exception(at)
    text = page_text(at)
    n = len(small_ws.personas())
    assert at.title[0].value == "Personas"
    assert f"{n} Personas unter 1.500 Kund:innen in „small.csv“ gefunden." in text
    assert "Alle Kund:innen gehören zu einer davon." in text
    assert "**Was sie auszeichnet**" in text and "**Woran man sie erkennt**" in text
    assert any(s in text for s in (":green-badge[Stabil", ":orange-badge[Wackelig",
                                   ":red-badge[Instabil"))
    assert "kommt zuverlässig wieder" in text or "kommt meistens wieder" in text
    assert set(labels(at, "metric")) == {"Anteil der Kund:innen"}
    assert f"{small_ws.personas()[0].share * 100:.1f}".replace(".", ",") + " %" in \
        [m.value for m in at.metric]
    assert labels(at, "toggle") == ["Kunden-IDs anzeigen"]
    assert set(labels(at, "button")) == {"Änderungen speichern"}
    assert {"Name", "Tags (durch Kommas getrennt)"} <= set(labels(at, "text_input"))
    assert "Pain Points (einer pro Zeile)" in labels(at, "text_area")
    assert "Typische Kund:innen dieser Persona" in labels(at, "expander")
    no_english(text, "What sets them apart", "How to recognise them", "Share of customers",
               "Edit any card", "customers in “", "comes back")
    # an error from the library, in German
    pid = small_ws.personas()[0].id
    at.text_input(key=f"name_{pid}").set_value("   ")
    [b for b in at.button if b.label == "Änderungen speichern"][0].click().run()
    no_exception(at)
    assert at.error and at.error[0].value == "Der Name einer Persona darf nicht leer sein"


def test_explore_page_in_german(no_exception, german, small_ws):
    at = german("pages/explore.py")
    no_exception(at)
    assert at.title[0].value == "Persona-Landkarte erkunden"
    assert labels(at, "selectbox") == ["Einfärben nach"]
    assert at.selectbox(key="color_by").options[0] == "Persona"
    assert at.info[0].value == "Keine Kund:innen ausgewählt. Ziehen Sie ein Rechteck auf der Landkarte."
    assert [s.value for s in at.subheader] == ["Auswahl", "Persona-Größen",
                                               "Wie sich die Personas unterscheiden"]
    specs = chart_specs(at)
    assert all(s["config"]["locale"]["number"]["decimal"] == "," for s in specs)  # Vega: 0,5
    blob = json.dumps(specs, ensure_ascii=False)
    assert '"title": "Persona"' in blob and "ggü. Durchschnitt" in blob and "in Worten" in blob
    at.session_state["selection"] = list(range(200))
    at.run()
    no_exception(at)
    text = page_text(at)
    assert "**200 Kund:innen ausgewählt**" in text and "Verfeinern → Auswahl neu zuordnen" in text
    profile = at.dataframe[0]
    assert headers(profile)[:2] == ["Merkmal", "Auswahl"] and "alle Kund:innen" in headers(profile)
    assert labels(at, "button") == ["Auswahl aufheben"]


def test_refine_page_in_german(no_exception, german, small_ws):
    at = german("pages/refine.py")
    no_exception(at)
    assert at.title[0].value == "Personas verfeinern"
    assert [t.label for t in at.tabs] == ["Zusammenführen", "Aufteilen", "Auswahl neu zuordnen",
                                         "Verwerfen"]
    assert headers(at.dataframe[0]) == ["Persona", "Kund:innen", "Anteil", "Stabilität", "Herkunft"]
    assert set(at.dataframe[0].value["origin"]) == {"ermittelt"}
    assert set(at.dataframe[0].value["stability"]) <= {"stabil", "wackelig", "instabil",
                                                       "nicht geprüft"}
    assert "Noch keine Änderungen." in page_text(at)
    names = at.multiselect(key="merge_ids_0_0").options[:2]
    at.multiselect(key="merge_ids_0_0").set_value(names).run()
    at.button(key="merge").click().run()
    no_exception(at)
    log = at.dataframe[-1]
    assert headers(log) == ["#", "wann (UTC)", "was"]
    assert " zu " in log.value["what"].iloc[0] and "zusammengeführt" in log.value["what"].iloc[0]
    assert log.value["when (UTC)"].iloc[0][2] == "."                 # 02.12.2026, 15:42
    assert "1 Änderung · 0 zum Wiederholen · automatisch gespeichert" in page_text(at)
    undo = [b for b in at.button if b.label == "↶ Rückgängig"][0]
    assert undo.help.startswith("Rückgängig: ") and "zusammengeführt" in undo.help
    assert "zusammengeführt aus" in " ".join(at.dataframe[0].value["origin"])


def test_discover_page_in_german(no_exception, german, small_ws):
    at = german("pages/discover.py")
    no_exception(at)
    assert at.title[0].value == "Personas ermitteln"
    assert at.selectbox(key="method").options == [
        "Anzahl automatisch (HDBSCAN) – empfohlen", "Feste Anzahl (k-Means)",
        "Feste Anzahl, überlappende Gruppen (Gaussian Mixture)",
        "Feste Anzahl, schrittweise zusammengefasst (Ward)"]
    assert labels(at, "metric") == ["Personas", "Ohne Zuordnung", "Trennschärfe (Silhouette)",
                                    "Dichte-Validität (DBCV)"]
    assert "," in at.metric[2].value                                 # 0,43
    assert labels(at, "button") == ["Personas ermitteln"]
    overview = at.dataframe[0]
    assert headers(overview)[:4] == ["Persona", "Kund:innen", "Anteil", "Stabilität"]
    text = page_text(at)
    assert "Dauer je Schritt:" in text and "Wie viele Personas?" in text
    blob = json.dumps(chart_specs(at), ensure_ascii=False)
    assert "Anzahl der Personas" in blob and "Trennschärfe: höher = besser" in blob
    no_english(text, "How many personas", "Time per step", "Result")
    at.selectbox(key="method").set_value("kmeans").run()
    at.checkbox(key="auto_k").set_value(False).run()
    at.number_input(key="k").set_value(3)
    at.button(key="run").click().run()
    no_exception(at)
    assert at.session_state["workspace"].metrics["n_personas"] == 3
    assert at.session_state["workspace"].extras["language"] == "de"   # remembered in the project


def test_data_page_in_german(no_exception, german, small_csv):
    at = german("pages/data.py")
    no_exception(at)
    assert at.title[0].value == "Daten"
    assert at.radio(key="file_kind").options == ["eine Zeile pro Kund:in",
                                                "eine Zeile pro Ereignis (Ereignisprotokoll)"]
    assert labels(at, "button") == ["Beispiel-Kund:innen verwenden",
                                    "Beispiel-Protokoll verwenden"]
    assert at.info[0].value.startswith("Aktuelle Daten: „small.csv“ – 1.500 Zeilen × ")
    # the project was made in English: its saved reasons and warnings read German now
    reasons = dict(zip(at.data_editor[0].value["column"], at.data_editor[0].value["reason"]))
    assert reasons["customer_id"] == "benannt wie eine ID, und jeder Wert ist eindeutig"
    assert reasons["orders_12m"].startswith("Zahlen (") and "verschiedene Werte" in reasons["orders_12m"]
    assert [unescape(w.value) for w in at.warning] == [
        "personenbezogene Daten werden nie verwendet oder angezeigt: email"]
    at.file_uploader(key="upload").set_value(("kunden.csv", small_csv.read_bytes(), "text/csv")).run()
    no_exception(at)
    assert unescape(at.success[0].value).startswith("„kunden.csv“ gelesen: 1.500 Zeilen × ")
    roles = at.data_editor[0]
    assert headers(roles) == ["Spalte", "Rolle", "warum"]
    quality = at.dataframe[-1]
    assert headers(quality)[:4] == ["Spalte", "Rolle", "Typ", "fehlend"]
    assert "Zahl" in set(quality.value["role"]) and "personenbezogen" in set(quality.value["role"])
    text = page_text(at)
    assert "1.500 Zeilen · 0 doppelte Zeilen · 0 doppelte IDs" in text
    assert "Spalten mit personenbezogenen Daten oder Freitext" in text
    assert "Was die Rollen bedeuten" in labels(at, "expander")


def test_track_page_in_german(no_exception, german):
    at = german("pages/track.py")
    no_exception(at)
    assert at.title[0].value == "Beobachten"
    assert labels(at, "metric") == ["Personas im Modell", "Referenz-Kund:innen",
                                    "Übereinstimmung bei unbekannten Kund:innen"]
    assert at.info and at.info[0].value == "Noch keine Zeiträume zugeordnet: Laden Sie oben Dateien hoch."
    at.button(key="track_demo").click().run()
    no_exception(at)
    text = page_text(at)
    assert "Persona-Anteile im Zeitverlauf" in text and "Merkmals-Drift" in text
    assert labels(at, "metric")[3:6] == ["Kund:innen im Zeitraum 2027-01", "Ohne Zuordnung",
                                         "Zeiträume mit Drift"]
    warnings = [unescape(w.value) for w in at.warning]
    assert warnings and all(w.startswith("**2027-01** — ") for w in warnings)
    assert any("Merkmalsverteilungen haben sich verschoben" in w or "Prozentpunkte über dem "
               "Training" in w for w in warnings)
    assert "," in at.metric[4].value                                  # 12,3 %
    blob = json.dumps(chart_specs(at), ensure_ascii=False)
    assert "Anteil der Kund:innen" in blob and "ggü. Training (Prozentpunkte)" in blob
    shares = at.dataframe[0].value
    assert "Ohne Zuordnung" in shares.index and "Unassigned" not in shares.index
    no_english(text, "Persona shares over time", "Feature drift", "points vs. training")


def test_export_page_in_german(no_exception, german, small_ws):
    at = german("pages/export.py")
    no_exception(at)
    assert at.title[0].value == "Export"
    assert labels(at, "download_button") == ["PDF", "JSON", "Markdown", "Zuordnungen (CSV)"]
    text = page_text(at)
    assert "Persona-Steckbriefe enthalten nie Kunden-IDs" in text
    pid = small_ws.personas()[0].id
    edited = small_ws.with_edit(refine.edit_set(small_ws.state(), pid, "goals", ["günstig"]))
    doc = export.to_json(edited)
    at.file_uploader(key="import_cards").set_value(
        ("cards.json", json.dumps(doc).encode(), "application/json")).run()
    no_exception(at)
    preview = at.dataframe[0]
    assert headers(preview) == ["Steckbrief", "Persona", "zugeordnet über", "Änderungen"]
    assert preview.value["changes"].iloc[0] == "Ziele" and preview.value["matched by"].iloc[0] == "ID"
    at.button(key="do_import").click().run()
    no_exception(at)
    assert at.success and at.success[0].value.startswith("Importiert. ")
    assert "1 Änderung" in at.success[0].value
    at.file_uploader(key="import_cards").set_value(("x.json", b"[1, 2]", "application/json")).run()
    no_exception(at)
    assert "kein Persona-Steckbrief-Dokument" in unescape(at.error[0].value)


def test_sidebar_in_german(no_exception, small_ws):
    from streamlit.testing.v1 import AppTest

    from apptest_helpers import ROOT

    projects.save_project(small_ws, "alpha")
    projects.save_project(small_ws, "test")
    at = AppTest.from_file(str(ROOT / "tests/app/sidebar_app.py"), default_timeout=120)
    at.session_state["_owner"] = projects.LOCAL_OWNER      # as a browser key would
    at.context = {"locale": "de-DE"}
    at.run()
    no_exception(at)
    text = page_text(at)
    assert "**Projekt**" in text
    assert "Geöffnet: test · 1.500 Kund:innen · 4 Personas · 0 Änderungen (automatisch " \
           "gespeichert)" in text
    assert "Freigabe und wer das sieht" in labels(at, "expander")
    assert labels(at, "selectbox") == ["Anderes Projekt öffnen"]
    assert at.selectbox(key="project_choice").placeholder == "gespeichertes Projekt wählen"
    assert set(labels(at, "button")) == {"Projekt öffnen", "Kopie speichern", "Freigabelink erstellen"}
