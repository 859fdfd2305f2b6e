"""The library's messages in German: errors a user acts on (settings, edits, event logs,
saved workspaces and models), notes, and the language reaching Dask workers."""

from __future__ import annotations

import pickle

import pytest

from persona_mining import DiscoverConfig, refine
from persona_mining.errors import InputError, ModelError
from persona_mining.i18n import current_language, language


@pytest.fixture(scope="module")
def small_ws(small_csv):
    from persona_mining.pipeline import discover

    return discover(small_csv, DiscoverConfig(method="kmeans", k=4, embedding="pca",
                                              bootstrap=2, seed=3))


def test_settings_errors_name_the_range_in_german():
    with language("de"), pytest.raises(InputError) as e:
        DiscoverConfig(k=99)
    assert str(e.value) == ("Einstellung k=99 liegt außerhalb des zulässigen Bereichs: "
                            "verwenden Sie eine ganze Zahl von 2 bis 50")
    with pytest.raises(InputError, match=r"setting k=99 is out of range: use a whole number from "
                                         r"2 to 50"):
        DiscoverConfig(k=99)
    with language("de"), pytest.raises(InputError, match="Rolle der Spalte „umsatz“"):
        DiscoverConfig(roles=(("umsatz", "zahl"),))


def test_edit_errors_in_german(small_ws):
    state = small_ws.state()
    pid = small_ws.personas()[0].id
    with language("de"):
        with pytest.raises(InputError, match="Der Name einer Persona darf nicht leer sein"):
            refine.edit_set(state, pid, "name", "  ")
        with pytest.raises(InputError, match="Persona „P99“ gibt es nicht"):
            refine.edit_discard(state, "P99")
        with pytest.raises(InputError, match="mindestens zwei Personas"):
            refine.edit_merge(state, [pid])


def test_event_log_errors_in_german():
    from persona_mining.events import check_mapping, detect_event_columns, EventMapping

    with language("de"):
        with pytest.raises(InputError, match="nicht erkennbar, welche Spalte die Kunden-ID "
                                             "enthält – geben Sie --customer-col an"):
            detect_event_columns(["wann", "was"])
        with pytest.raises(InputError, match="keine Spalte „kanal“ für Kanal – vorhandene "
                                             "Spalten: kunde, zeit; nennen Sie die richtige mit "
                                             "--channel-col"):
            check_mapping(EventMapping("kunde", "zeit", channel="kanal"), ["kunde", "zeit"],
                          "log.csv")


def test_damaged_workspace_and_model_say_so_in_german(tmp_path):
    from persona_mining import model, workspace

    with language("de"):
        with pytest.raises(ModelError, match="keine manifest.json – das ist kein gespeichertes "
                                             "Persona-Projekt"):
            workspace.load(tmp_path)
        (tmp_path / "manifest.json").write_text("{kaputt", "utf-8")
        with pytest.raises(ModelError, match="kein gültiges JSON .* das Modell ist beschädigt"):
            model.load(tmp_path)
    assert current_language() == "en"


def test_edit_log_reads_in_the_language_of_the_reader(small_ws):
    from persona_mining import tables

    pid = small_ws.personas()[0].id
    ws = small_ws.with_edit(refine.edit_set(small_ws.state(), pid, "name", "Nachteulen"))
    ws = ws.with_edit(refine.edit_set(ws.state(), pid, "pain_points", ["Lieferzeit"]))
    assert ws.edits[-1]["summary"] == f"edited pain points of {pid}"     # stored: English
    with language("de"):
        log = tables.edit_log(ws)
        assert list(log["what"]) == [f"Pain Points von {pid} bearbeitet",
                                     f"{pid} umbenannt in „Nachteulen“"]
        assert log["when (UTC)"].iloc[0][2] == "." and ", " in log["when (UTC)"].iloc[0]
    assert tables.edit_log(ws)["what"].iloc[1] == f"renamed {pid} to “Nachteulen”"


def test_dask_tasks_carry_the_language_to_the_worker():
    """A worker process has its own context; the task wrapper takes the client's language
    along (and pickles, as Dask ships it)."""
    from persona_mining.scale import _here

    with language("de"):
        task = pickle.loads(pickle.dumps(_here(current_language)))
    assert current_language() == "en" and task() == "de"


def test_profiles_are_cached_per_language(small_ws):
    """Names and sentences are made in the language of the moment: switching language
    must not serve the other language's cached profiles."""
    en = small_ws.personas()
    with language("de"):
        de = small_ws.personas()
    assert de is not en and small_ws.personas() is en


def test_reading_errors_and_role_reasons_in_german(tmp_path):
    import pandas as pd

    from persona_mining.ingest import infer_roles, quality_report, read_table

    with language("de"):
        with pytest.raises(InputError) as e:
            read_table(tmp_path / "fehlt.csv")
        assert str(e.value) == "fehlt.csv: Datei nicht gefunden – prüfen Sie Pfad und Dateinamen"
        bad = tmp_path / "kaputt.csv"
        bad.write_text("a,b\n1,2\n3,4,5\n", "utf-8")
        with pytest.raises(InputError, match="Zeile 3 hat 3 Felder, die Kopfzeile aber 2 "
                                             r"\(Trennzeichen ','\) – korrigieren Sie diese Zeile"):
            read_table(bad)
        df = pd.DataFrame({"kunden_id": [f"K{i}" for i in range(50)],
                           "umsatz": [float(i % 7) for i in range(50)],
                           "email": [f"p{i}@example.org" for i in range(50)]})
        roles = infer_roles(df)
        reasons = {i.column: i.reason for i in roles.items}
        assert reasons["umsatz"] == "Zahlen (7 verschiedene Werte)"
        assert reasons["email"].startswith("sieht aus wie E-Mail-Adressen (")
        assert "personenbezogene Daten werden nie verwendet oder angezeigt: email" in \
            quality_report(df, roles).warnings
