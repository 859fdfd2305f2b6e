"""Export formats: schema, lossless round trip, privacy, PDF text and layout, formula
injection, German text in every format, CLI exit codes."""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import re
import subprocess
import sys

import pandas as pd
import pytest
from pypdf import PdfReader

from persona_mining import DiscoverConfig, cards, export, refine
from persona_mining.cli import main as cli_main
from persona_mining.errors import InputError
from persona_mining.pipeline import discover
from persona_mining.workspace import save

GERMAN = "„Schnäppchen-Jäger“ über 50 € → App"
FAST = DiscoverConfig(embedding="pca", bootstrap=2, method="kmeans", k=4, seed=3)
A4 = (595.28, 841.89)     # points


@pytest.fixture(scope="module")
def ws(small_csv):
    return discover(small_csv, FAST)


def _set(ws, i, field, value):
    return ws.with_edit(refine.edit_set(ws.state(), ws.personas()[i].id, field, value))


@pytest.fixture(scope="module")
def edited(ws):
    """Every user field filled on the first persona (German text), a formula as a name."""
    for f, v in (("name", GERMAN), ("goals", ["Günstig kaufen", "Weniger Retouren"]),
                 ("quotes", ["Ich bestelle nachts."]), ("pain_points", ["Lieferzeit"]),
                 ("hypotheses", ["Push um 22 Uhr erhöht Umsatz"]),
                 ("notes", "Größe: groß\nzweite Zeile"), ("tags", ["Nacht", "App"]),
                 ("description", "Kauft im Sale, bestellt über die App – oft spät abends.")):
        ws = _set(ws, 0, f, v)
    return _set(ws, 1, "name", "=HYPERLINK(\"http://x\",\"klick\")")


@pytest.fixture(scope="module")
def pdf_text(edited):
    reader = PdfReader(io.BytesIO(export.export_bytes(edited, "pdf")))
    return reader, [p.extract_text() for p in reader.pages]


def _without(doc, *keys):
    return {**doc, "provenance": {k: v for k, v in doc["provenance"].items() if k not in keys}}


# -- JSON + schema ------------------------------------------------------------------------------
def test_every_export_validates_against_the_schema(ws, edited):
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(export.schema())       # the schema itself is valid 2020-12
    for w in (ws, edited):
        doc = json.loads(export.export_bytes(w, "json"))
        export.validate(doc)
        export.validate(cards.cards_document(w))              # what discover's personas.json holds
    doc = export.to_json(edited)
    assert doc["format"] == "persona-mining/persona-cards" and doc["version"] == cards.CARDS_VERSION == 2
    card = doc["personas"][0]
    assert card["name"] == GERMAN and card["goals"] == ["Günstig kaufen", "Weniger Retouren"]
    assert card["traits"] and {"feature", "persona_value", "population_value", "effect_size",
                               "sentence"} <= set(card["traits"][0])
    assert card["rules"] and 0 <= card["rules"][0]["fidelity"] <= 1
    prov = doc["provenance"]
    assert prov["edit_count"] == 9 and prov["seed"] == 3 and prov["method"] == "kmeans"
    assert prov["dataset"]["rows"] == 1500 and len(prov["dataset"]["sha256"]) == 64
    assert {"numpy", "pandas", "persona-mining"} <= set(prov["packages"])


def test_schema_refuses_identifiers_and_unknown_fields(ws):
    doc = export.to_json(ws)
    for where, key in ((lambda d: d["personas"][0], "prototypes"),
                       (lambda d: d["personas"][0], "customer_ids"),
                       (lambda d: d["personas"][0]["traits"][0], "rows"),
                       (lambda d: d, "customers")):
        bad = copy.deepcopy(doc)
        where(bad)[key] = [1, 2]
        with pytest.raises(InputError, match="Additional properties"):
            export.validate(bad)


# -- import --------------------------------------------------------------------------------------
def test_round_trip_export_import_export_is_lossless(ws, edited):
    first = export.to_json(edited)
    back = export.import_cards(ws, first)                      # onto the unedited workspace
    assert export.match_cards(ws, first).summary().startswith("4 of 4 cards matched")
    second = export.to_json(back)
    assert _without(second, "exported_at") == _without(first, "exported_at")
    assert all(e["op"] == "set" for e in back.edits)            # imported as plain edits ...
    undone = back
    for _ in back.edits:
        undone = undone.undo()                                  # ... that undo takes back
    assert undone.state().fields == ws.state().fields
    assert export.import_cards(edited, first) is edited         # nothing differs: no edits


def test_import_matches_by_name_when_ids_differ(ws, edited):
    doc = export.to_json(edited)
    target = ws.personas()[2]
    doc["personas"][2]["id"] = "P99"                            # unknown id, suggested name
    doc["personas"][2]["notes"] = "über den Namen gefunden"
    doc["personas"][3]["id"], doc["personas"][3]["name"] = "P98", "Niemand"
    doc["personas"][3]["suggested_name"] = "Auch niemand"
    report = export.match_cards(ws, doc, "cards.json")
    assert [(m.card_id, m.persona, m.by) for m in report.matched if m.by == "name"] == \
        [("P99", target.id, "name")]
    assert report.unmatched_cards == (("P98", "Niemand"),)
    assert report.unmatched_personas == (ws.personas()[3].id,)
    assert "Not matched: P98 “Niemand”" in report.summary()
    back = export.import_cards(ws, doc, "cards.json")
    assert back.state().fields[target.id]["notes"] == "über den Namen gefunden"
    assert back.persona_name(ws.personas()[0].id) == GERMAN


def test_bad_imports_name_the_file_and_the_json_path(ws):
    with pytest.raises(InputError, match=r"cards\.json: not valid JSON \(line 1"):
        export.read_cards(b"{nope", "cards.json")
    with pytest.raises(InputError, match=r"x\.json: not a persona-cards document at \$\.format"):
        export.read_cards(b"[1, 2]", "x.json")
    doc = export.to_json(ws)
    for path, change, message in (
            ("$.personas[0].share", lambda d: d["personas"][0].update(share=7), "greater than"),
            ("$.personas[1]", lambda d: d["personas"][1].pop("name"), "'name' is a required"),
            ("$.personas[0].goals[0]", lambda d: d["personas"][0].update(goals=[3]), "not of type"),
            ("$.personas[0].name", lambda d: d["personas"][0].update(name="   "), "cannot be empty"),
            ("$.personas[1].id", lambda d: d["personas"][1].update(id=d["personas"][0]["id"]),
             "appears twice"),
            ("$.version", lambda d: d.update(version=cards.CARDS_VERSION + 1), "newer Persona Mining")):
        bad = copy.deepcopy(doc)
        change(bad)
        with pytest.raises(InputError) as err:
            export.import_cards(ws, json.loads(json.dumps(bad)), "cards.json")
        assert str(err.value).startswith("cards.json: ") and path in str(err.value), str(err.value)
        assert message in str(err.value)


def test_deeply_nested_or_huge_cards_are_refused_before_parsing(ws):
    """RecursionError before: a document nested 100,000 deep; now one sentence."""
    deep = b'{"format": "persona-mining/persona-cards", "personas": ' + b"[" * 100_000 \
        + b"]" * 100_000 + b"}"
    with pytest.raises(InputError, match=r"cards\.json: JSON nested 100001 levels deep, more than "
                                         r"the limit of 64"):
        export.read_cards(deep, "cards.json")
    with pytest.raises(InputError, match=r"big\.json: is 21\.0 MB, more than the limit of 20\.0 MB"):
        export.read_cards(b" " * (21 << 20), "big.json")
    doc = export.read_cards(export.json_bytes(ws), "cards.json")      # real documents still pass
    assert doc["personas"]


# -- privacy ---------------------------------------------------------------------------------------
def test_no_identifier_or_pii_in_cards_formats(edited, small_csv, pdf_text):
    src = pd.read_csv(small_csv, dtype=str)
    outputs = {"json": export.export_bytes(edited, "json").decode("utf-8"),
               "md": export.export_bytes(edited, "md").decode("utf-8"),
               "pdf": "\n".join(pdf_text[1])}
    needles = set(src["email"]) | set(src["customer_id"])
    for fmt, text in outputs.items():
        leaked = [v for v in needles if v in text]
        assert not leaked, (fmt, leaked[:3])
        assert "@example." not in text
    # A PII column cannot be made a label; labels show only values common enough.
    with pytest.raises(InputError, match="'email' holds personal data"):
        discover(small_csv, dataclasses.replace(FAST, k=3, bootstrap=0, labels=("email",)))
    labelled = discover(small_csv, dataclasses.replace(FAST, k=3, bootstrap=0,
                                                       labels=("true_persona",)))
    text = export.export_bytes(labelled, "json").decode("utf-8")
    assert "@example." not in text and "Store loyalists" in text
    csv_text = export.export_bytes(edited, "csv").decode("utf-8")
    assert "@" not in csv_text.replace("'@", "")
    assert set(pd.read_csv(io.StringIO(csv_text), dtype=str)["customer_id"]) == set(src["customer_id"])


# -- PDF -------------------------------------------------------------------------------------------
def test_pdf_text_has_every_persona_and_german_text(edited, pdf_text):
    reader, texts = pdf_text
    assert len(reader.pages) == 1 + len(edited.personas())
    flat = " ".join(" ".join(texts).split())
    for p in edited.personas():
        assert edited.persona_name(p.id) in flat
    for s in (GERMAN, "Günstig kaufen", "Größe: groß", "What sets them apart", "Goals", "Quotes"):
        assert s in flat
    fonts = {f["/BaseFont"] for page in reader.pages
             for f in page["/Resources"]["/Font"].values()}
    assert fonts and all("DejaVu" in f for f in fonts)
    assert all("/FontFile2" in f["/FontDescriptor"] for page in reader.pages[:2]
               for f in (d["/DescendantFonts"][0] for d in page["/Resources"]["/Font"].values()))


def test_empty_sections_are_left_out(ws):
    reader = PdfReader(io.BytesIO(export.export_bytes(ws, "pdf")))
    text = " ".join(p.extract_text() for p in reader.pages[1:])
    for title in ("Goals", "Pain points", "Quotes", "Business hypotheses", "Notes"):
        assert title not in text


def _text_boxes(page):
    """(left, right, baseline) in points of every text run, widths measured with the same fonts."""
    from fpdf import FPDF

    from persona_mining.export.pdf import FONTS

    ruler = FPDF(unit="pt")
    ruler.add_font("D", "", str(FONTS / "DejaVuSans.ttf"))
    ruler.add_font("D", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    boxes = []

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None:
            ruler.set_font("D", "B" if "Bold" in font["/BaseFont"] else "", size * tm[0] * cm[0])
            left = tm[4] * cm[0] + cm[4]
            boxes.append((left, left + ruler.get_string_width(text.strip()),
                          tm[5] * cm[3] + cm[5], text))

    page.extract_text(visitor_text=visit)
    return boxes


def test_one_and_twenty_personas_and_a_300_character_name_fit_the_page(small_csv):
    one = discover(small_csv, dataclasses.replace(FAST, k=2, bootstrap=0))
    one = one.with_edit(refine.edit_merge(one.state(), [p.id for p in one.personas()]))
    reader = PdfReader(io.BytesIO(export.export_bytes(one, "pdf")))
    assert len(reader.pages) == 2 and one.personas()[0].suggested_name in reader.pages[1].extract_text()

    many = discover(small_csv, dataclasses.replace(FAST, k=20, bootstrap=0))
    long_name = ("Sehr lange Persona über 50 € → App " * 9)[:300]
    many = _set(many, 0, "name", long_name)
    many = _set(many, 1, "name", "X" * 300)                          # one unbreakable word
    reader = PdfReader(io.BytesIO(export.export_bytes(many, "pdf")))
    assert len(reader.pages) == 21                                    # overview + one per persona
    texts = [p.extract_text() for p in reader.pages]
    assert long_name.replace(" ", "") in "".join(texts[1].split())     # shown in full, wrapped
    assert "X" * 40 in texts[2]
    for p in many.personas():
        assert " ".join(many.persona_name(p.id).split())[:30] in " ".join(" ".join(texts).split())
    for page in reader.pages:                                         # nothing runs off the page
        for left, right, y, text in _text_boxes(page):
            assert 44 <= left and right <= A4[0] - 44 and 20 <= y <= A4[1] - 10, (left, right, y, text)


def test_journeys_of_event_logs_are_exported_everywhere(ws):
    pid = ws.personas()[0].id
    journeys = {pid: {"transitions": [{"from": "app_start", "to": "purchase", "share": 0.4}],
                      "paths": [{"path": ["app_start", "product_view", "purchase"], "count": 12}],
                      "before_purchase": [{"touchpoint": "add_to_cart", "share": 0.9}],
                      "first_touchpoints": ["app_start"], "last_touchpoints": ["purchase"],
                      "channel_switch_rate": 0.21}}
    w = dataclasses.replace(ws, extras={**ws.extras, "journeys": journeys})
    doc = export.to_json(w)                                     # validates
    assert doc["personas"][0]["journeys"] == journeys[pid]
    assert "app\\_start → product\\_view → purchase" in export.to_markdown(w)
    pdf = PdfReader(io.BytesIO(export.export_bytes(w, "pdf")))
    assert "Typical journeys" in pdf.pages[1].extract_text()
    assert export.import_cards(w, doc) is w                     # journeys are not user fields


# -- CSV / Markdown --------------------------------------------------------------------------------
def test_formula_injection_is_neutralised_in_the_assignments_csv(ws):
    w = ws
    names = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2*3", "@SUM(A1)"]
    for i, name in enumerate(names):
        w = _set(w, i, "name", name)
    ids = w.ids.copy()
    ids[:6] = ["=1+2", "-5+3", "@x", "\tTAB", "\rCR", "-17"]    # -17: a plain number, kept
    w = dataclasses.replace(w, ids=ids)
    rows = pd.read_csv(io.BytesIO(export.export_bytes(w, "csv")), dtype=str, keep_default_na=False)
    assert list(rows.columns) == ["customer_id", "persona_id", "persona_name", "confidence"]
    assert set(rows["persona_name"]) <= {f"'{n}" for n in names} | {"Unassigned"}
    assert rows["customer_id"][:6].tolist() == ["'=1+2", "'-5+3", "'@x", "'\tTAB", "'\nCR", "-17"]
    assert not any(str(v).startswith(("=", "+", "-", "@", "\t", "\r")) and str(v) != "-17"
                   for v in rows.to_numpy().ravel())
    # the same for discover's assignments.csv (minimal quoting): a lone CR cannot split a row
    from persona_mining.cards import assignments_frame
    from persona_mining.csvsafe import csv_bytes

    rows = pd.read_csv(io.BytesIO(csv_bytes(assignments_frame(w))), dtype=str, keep_default_na=False)
    assert len(rows) == w.n
    assert rows["customer_id"][:6].tolist() == ["'=1+2", "'-5+3", "'@x", "'\tTAB", "'\nCR", "-17"]


def test_german_text_survives_every_format(edited, pdf_text):
    assert GERMAN in export.to_json(edited)["personas"][0]["name"]
    assert json.loads(export.export_bytes(edited, "json"))["personas"][0]["name"] == GERMAN
    assert f"## {GERMAN}" in export.export_bytes(edited, "md").decode("utf-8")
    assert GERMAN in set(pd.read_csv(io.BytesIO(export.export_bytes(edited, "csv")),
                                     dtype=str)["persona_name"])
    assert GERMAN in " ".join(" ".join(pdf_text[1]).split())


def test_markdown_escapes_user_text(ws):
    w = _set(ws, 0, "name", "# Boss [click](http://x) <script>alert(1)</script> | *x*")
    w = _set(w, 0, "notes", "- no list\n1. no number\n===\n> no quote")
    w = _set(w, 0, "goals", ["## no heading", "`code` & _em_"])
    md = export.to_markdown(w)
    lines = md.splitlines()
    assert sum(line.startswith("## ") for line in lines) == len(w.personas())
    assert not re.search(r"(?<!\\)<script|(?<!\\)\]\(http", md)     # only escaped forms
    assert r"## \# Boss \[click\](http://x) \<script\>alert(1)\</script\> \| \*x\*" in lines
    assert "\\- no list\\" in lines and "1\\. no number\\" in lines and "\\===\\" in lines
    assert r"- \#\# no heading" in lines and r"- \`code\` \& \_em\_" in lines


# -- files and CLI -----------------------------------------------------------------------------------
def test_cli_export_writes_every_format_and_exits_2_on_bad_input(ws, tmp_path, capsys):
    save(ws, tmp_path / "res" / "workspace")
    for fmt in export.FORMATS:
        out = tmp_path / "out" / f"cards.{fmt}"
        assert cli_main(["export", str(tmp_path / "res" / "workspace"), "--format", fmt,
                         "--out", str(out)]) == 0
        assert out.stat().st_size > 200
    export.validate(json.loads((tmp_path / "out" / "cards.json").read_text("utf-8")))
    assert len(PdfReader(tmp_path / "out" / "cards.pdf").pages) == 5
    # DIR instead of DIR/workspace is understood
    assert cli_main(["export", str(tmp_path / "res"), "--format", "md",
                     "--out", str(tmp_path / "x.md")]) == 0
    (tmp_path / "empty").mkdir()
    for args in (["export", str(tmp_path / "empty"), "--format", "json", "--out", str(tmp_path / "y.json")],
                 ["export", str(tmp_path / "res"), "--format", "json", "--out", str(tmp_path / "out")]):
        capsys.readouterr()
        assert cli_main(args) == 2
        assert len(capsys.readouterr().err.strip().splitlines()) == 1
    r = subprocess.run([sys.executable, "-m", "persona_mining", "export", str(tmp_path / "nope"),
                        "--format", "json", "--out", str(tmp_path / "z.json")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "nope" in r.stderr and not (tmp_path / "z.json").exists()
