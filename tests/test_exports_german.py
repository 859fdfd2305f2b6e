"""Exports and the command line in German: the PDF's text (read back with pypdf), Markdown,
JSON that records its language with the same language-neutral keys, and `--lang de`."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from persona_mining import DiscoverConfig, export, refine
from persona_mining.i18n import current_language
from persona_mining.pipeline import discover
from persona_mining.workspace import save

ROOT = Path(__file__).resolve().parents[1]
FAST = DiscoverConfig(embedding="pca", bootstrap=2, method="kmeans", k=4, seed=3)
NAME = "Schnäppchen-Jäger „App“"


@pytest.fixture(scope="module")
def ws(small_csv):
    ws = discover(small_csv, FAST)
    pid = ws.personas()[0].id
    for f, v in (("name", NAME), ("goals", ["günstig kaufen"]), ("pain_points", ["Versandkosten"]),
                 ("quotes", ["Ich vergleiche immer erst die Preise."]), ("tags", ["preis"])):
        ws = ws.with_edit(refine.edit_set(ws.state(), pid, f, v))
    return ws


def _pdf_text(data: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def test_german_pdf_reads_german(ws):
    data = export.export_bytes(ws, "pdf", "de")
    pages = _pdf_text(data)
    overview, first = pages[0], pages[1]
    n = len(ws.personas())
    share = ws.personas()[0].share * 100
    assert len(pages) == n + 1
    assert f"{n} Personas unter 1.500 Kund:innen aus „small.csv“" in overview
    assert "Anteil der Kund:innen" in overview and "Ohne Zuordnung" in overview
    assert "Seite 1 von" in overview and "Erstellt mit Persona Mining" in overview
    assert f"{share:.1f}".replace(".", ",") + " %" in overview        # 36,4 %: German decimals
    assert f"PERSONA 1 VON {n}" in first and NAME in first
    for heading in ("Was sie auszeichnet", "Woran man sie erkennt", "Ziele", "Pain Points",
                    "Zitate", "Stabilität"):
        assert heading in first, heading
    assert "„Ich vergleiche immer erst die Preise.“" in first       # German quotation marks
    for english in ("Share of customers", "What sets them apart", "How to recognise them",
                    "page 1 of", "Unassigned", "PERSONA 1 OF", "Made with"):
        assert english not in " ".join(pages), english
    meta = PdfReader(io.BytesIO(data)).metadata
    assert meta.title == "Persona-Steckbriefe"
    assert current_language() == "en"                # the export did not leak its language


def test_english_pdf_is_unchanged_by_the_german_one(ws):
    pages = _pdf_text(export.export_bytes(ws, "pdf", "en"))
    assert "Share of customers" in pages[0] and "page 1 of" in pages[0]
    assert "What sets them apart" in pages[1] and "Anteil" not in " ".join(pages)


def test_json_records_its_language_and_keeps_neutral_keys(ws):
    de = json.loads(export.export_bytes(ws, "json", "de"))
    en = json.loads(export.export_bytes(ws, "json", "en"))
    export.validate(de)
    export.validate(en)
    assert de["language"] == "de" and en["language"] == "en"

    def keys(obj, path=""):
        if isinstance(obj, dict):
            return {f"{path}.{k}" for k in obj} | {x for k, v in obj.items()
                                                   for x in keys(v, f"{path}.{k}")}
        if isinstance(obj, list):
            return {x for v in obj for x in keys(v, path + "[]")}
        return set()

    assert keys(de) == keys(en)                                   # the same structure
    for a, b in zip(de["personas"], en["personas"]):              # enumerations stay neutral
        assert a["stability_label"] == b["stability_label"] in ("stable", "shaky", "unstable",
                                                                 "not measured")
        assert a["origin"] == b["origin"] and a["id"] == b["id"] and a["size"] == b["size"]
    # the texts are the language's: a suggested name differs, the team's name stays as written
    assert de["personas"][0]["name"] == en["personas"][0]["name"] == NAME
    assert de["personas"][1]["suggested_name"] != en["personas"][1]["suggested_name"]


def test_documents_without_a_language_still_read_and_import(ws):
    """Persona-card files written before the language field existed stay valid."""
    doc = json.loads(export.export_bytes(ws, "json", "en"))
    del doc["language"]
    export.validate(doc)
    assert export.read_cards(json.dumps(doc), "old.json")["personas"]
    bad = dict(doc, language="fr")
    with pytest.raises(export.InputError, match=r"\$\.language"):
        export.validate(bad, "cards.json")
    de = export.read_cards(export.export_bytes(ws, "json", "de"), "de.json")
    assert not export.match_cards(ws, de, "de.json").edits     # same workspace: nothing to change


def test_german_markdown(ws):
    md = export.export_bytes(ws, "md", "de").decode("utf-8")
    assert md.startswith("# Personas – small.csv")
    assert "| Persona | Anteil | Kund:innen | Stabilität |" in md
    assert "### Was sie auszeichnet" in md and "### Ziele" in md and "**ID** P1" in md
    assert "Ohne Zuordnung" in md and "Erstellt mit Persona Mining" in md
    assert "1.500 Kund:innen" in md
    en = export.export_bytes(ws, "md", "en").decode("utf-8")
    assert "| Persona | Share | Customers | Stability |" in en and "Kund:innen" not in en


def test_import_summary_and_edit_log_follow_the_reader(ws):
    from persona_mining.i18n import language

    doc = json.loads(export.export_bytes(ws, "json", "en"))
    doc["personas"][1]["goals"] = ["schnell liefern"]
    report = export.match_cards(ws, doc, "cards.json")
    with language("de"):
        assert "Steckbriefen einer Persona zugeordnet" in report.summary()
        new = export.import_cards(ws, doc, "cards.json")
        from persona_mining.refine import describe_edit

        assert describe_edit(new.edits[-1]).endswith("(importiert)")
        assert describe_edit(new.edits[-1]).startswith("Ziele von")
    assert describe_edit(new.edits[-1]).startswith("edited goals of")


# -- the command line ----------------------------------------------------------------------------
def run(*args):
    return subprocess.run([sys.executable, "-m", "persona_mining", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_cli_discover_and_export_in_german(small_csv, tmp_path, capsys):
    from persona_mining.cli import main

    out = tmp_path / "res"
    r = run("discover", small_csv, "--out", out, "--method", "kmeans", "--k", "4",
            "--embedding", "pca", "--seed", "3", "--bootstrap", "2", "--lang", "de")
    assert r.returncode == 0, r.stderr
    assert "… Daten werden gelesen" in r.stdout
    assert "4 Personas aus 1500 Kund:innen" in r.stdout and "geschrieben:" in r.stdout
    assert "stabil" in r.stdout
    doc = json.loads((out / "personas.json").read_text("utf-8"))
    assert doc["language"] == "de"
    export.validate(doc)
    manifest = json.loads((out / "workspace" / "manifest.json").read_text("utf-8"))
    assert manifest["extras"]["language"] == "de"     # the workbench opens it in German
    md, pdf, en = tmp_path / "cards.md", tmp_path / "cards.pdf", tmp_path / "en.md"
    assert main(["export", str(out / "workspace"), "--format", "md", "--out", str(md),
                 "--lang", "de"]) == 0
    assert capsys.readouterr().out.startswith("geschrieben: ")
    assert "### Was sie auszeichnet" in md.read_text("utf-8")
    assert main(["export", str(out / "workspace"), "--format", "pdf", "--out", str(pdf),
                 "--lang", "de"]) == 0
    assert "Anteil der Kund:innen" in _pdf_text(pdf.read_bytes())[0]
    capsys.readouterr()
    assert current_language() == "en"                 # main gives the caller's language back
    assert main(["export", str(out / "workspace"), "--format", "md", "--out", str(en)]) == 0
    assert capsys.readouterr().out.startswith("written: ")          # default: English
    assert "### What sets them apart" in en.read_text("utf-8")


def test_cli_errors_in_german_keep_the_contract(tmp_path, small_csv, capsys):
    """Exit 2 and one line on stderr, now in German (one real process, the rest in-process)."""
    from persona_mining.cli import main

    r = run("discover", tmp_path / "fehlt.csv", "--out", tmp_path / "o", "--lang", "de")
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert r.stderr.startswith("Fehler: ") and "Datei nicht gefunden – prüfen Sie den Pfad" in r.stderr
    assert main(["export", str(tmp_path / "nirgends"), "--format", "md", "--out",
                 str(tmp_path / "x.md"), "--lang", "de"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "kein solcher Workspace-Ordner" in err
    with pytest.raises(SystemExit) as usage:                          # no --out: a usage error
        main(["discover", str(small_csv), "--lang", "de"])
    err = capsys.readouterr().err
    assert usage.value.code == 2 and err.count("\n") == 1 and err.startswith("Fehler: ")
    assert "siehe `python -m persona_mining discover --help`" in err
    with pytest.raises(SystemExit):
        main(["export", str(tmp_path), "--format", "md", "--out", str(tmp_path / "x.md"),
              "--lang", "fr"])
    assert "invalid choice: 'fr'" in capsys.readouterr().err
    assert current_language() == "en"


def test_saved_german_workspace_exports_in_english_when_asked(ws, tmp_path):
    import dataclasses

    save(dataclasses.replace(ws, extras={**ws.extras, "language": "de"}), tmp_path / "w")
    from persona_mining.cli import main

    assert main(["export", str(tmp_path / "w"), "--format", "json", "--out",
                 str(tmp_path / "c.json")]) == 0
    assert json.loads((tmp_path / "c.json").read_text("utf-8"))["language"] == "en"
