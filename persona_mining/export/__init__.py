"""Persona cards out (JSON with a published schema, PDF, Markdown, assignments CSV) and back in.

Used by the Export page, the CLI (``python -m persona_mining export``) and the tests::

    from persona_mining import export
    export.export(ws, "pdf", "personas.pdf")          # or "json", "md", "csv"
    data = export.export_bytes(ws, "md")
    doc = export.read_cards(raw_bytes, "cards.json")  # parse + validate, InputError on problems
    report = export.match_cards(ws, doc)              # what would be restored where (preview)
    ws = export.import_cards(ws, doc)                 # restore names and fields, as undoable edits

No format ever contains a customer identifier or a PII value, except the assignments
CSV, whose purpose is to list customer ids (formula-injection safe, no other columns).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from .. import refine, safe_read
from ..cards import CARDS_FORMAT, CARDS_VERSION, assignments_frame, cards_document
from ..errors import InputError
from ..i18n import _

SCHEMA_PATH = Path(__file__).with_name("persona-cards.schema.json")
FORMATS = ("json", "pdf", "md", "csv")
SUFFIX = {"json": ".json", "pdf": ".pdf", "md": ".md", "csv": ".csv"}
MAX_CARDS_BYTES = 20 << 20     # a card document is a few hundred KB; checked before parsing
MIME = {"json": "application/json", "pdf": "application/pdf", "md": "text/markdown",
        "csv": "text/csv"}

__all__ = ["FORMATS", "MIME", "SCHEMA_PATH", "SUFFIX", "ImportReport", "Match", "csv_bytes",
           "export", "export_bytes", "import_cards", "json_bytes", "match_cards", "read_cards",
           "schema", "to_json", "to_markdown", "validate"]


# -- schema ----------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) of the persona-card document."""
    return json.loads(SCHEMA_PATH.read_text("utf-8"))


def validate(document: Any, source: str = "persona cards") -> None:
    """Raise InputError naming ``source`` and the JSON path of the first problem."""
    from jsonschema import Draft202012Validator

    errors = list(Draft202012Validator(schema()).iter_errors(document))
    if not errors:
        return
    e = min(errors, key=lambda e: (len(e.absolute_path), [str(p) for p in e.absolute_path]))
    raise InputError(f"{source}: not a valid persona-cards document at {json_path(e.absolute_path)}"
                     f": {_short(e.message)}", source=source)


def json_path(parts: Any) -> str:
    """('personas', 0, 'share') -> '$.personas[0].share'."""
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def _short(message: str, n: int = 160) -> str:
    message = " ".join(message.split())
    return message if len(message) <= n else message[: n - 1] + "…"


# -- JSON out ----------------------------------------------------------------------------------
def to_json(ws: Any) -> dict[str, Any]:
    """The persona-card document (``cards.cards_document``) stamped with ``exported_at`` and
    validated against the schema: what every export and ``personas.json`` contain."""
    doc = cards_document(ws)
    doc["provenance"]["exported_at"] = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    validate(doc, "export")
    return doc


def json_bytes(ws: Any) -> bytes:
    return (json.dumps(to_json(ws), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# -- JSON in -----------------------------------------------------------------------------------
def read_cards(raw: bytes | str, source: str = "upload") -> dict[str, Any]:
    """Parse and validate an exported persona-card document; InputError says what is wrong.

    Size and nesting depth are checked before parsing (a deeply nested document would
    exhaust Python's recursion, a huge one the server's memory)."""
    safe_read.check_json(raw, MAX_CARDS_BYTES, name=source)
    try:
        doc = json.loads(raw)
    except RecursionError:      # check_json bounds the depth; this is the last guard
        raise InputError(_("{file}: the JSON is nested too deeply to read — choose a "
                           "persona-cards JSON exported by Persona Mining", file=source),
                         source=source) from None
    except UnicodeDecodeError:
        raise InputError(f"{source}: not a UTF-8 text file — choose a persona-cards JSON exported "
                         "by Persona Mining", source=source) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: "
                         f"{exc.msg}) — choose a persona-cards JSON exported by Persona Mining",
                         source=source) from None
    _check_document(doc, source)
    return doc


def _check_document(doc: Any, source: str) -> None:
    if not isinstance(doc, dict) or doc.get("format") != CARDS_FORMAT:
        raise InputError(f"{source}: not a persona-cards document at $.format (expected "
                         f"\"{CARDS_FORMAT}\") — choose a JSON exported by Persona Mining",
                         source=source)
    version = doc.get("version")
    if isinstance(version, int) and version > CARDS_VERSION:
        raise InputError(f"{source}: persona-cards version {version} at $.version was written by a "
                         f"newer Persona Mining; this version reads version {CARDS_VERSION}",
                         source=source)
    validate(doc, source)
    seen: dict[str, int] = {}
    for i, card in enumerate(doc["personas"]):
        if card["id"] in seen:
            raise InputError(f"{source}: persona id {card['id']} appears twice, at "
                             f"$.personas[{seen[card['id']]}].id and $.personas[{i}].id",
                             source=source)
        seen[card["id"]] = i


@dataclass(frozen=True)
class Match:
    card: int                 # position in the document's personas
    card_id: str
    card_name: str
    persona: str              # persona id in the workspace
    by: str                   # "id" or "name"
    fields: tuple[str, ...]   # user fields that differ and will be (were) restored


@dataclass(frozen=True)
class ImportReport:
    """What an import matches: cards -> personas, and what is left over on either side."""

    matched: tuple[Match, ...] = ()
    unmatched_cards: tuple[tuple[str, str], ...] = ()      # (card id, card name)
    unmatched_personas: tuple[str, ...] = ()               # workspace personas no card matched
    edits: tuple[dict[str, Any], ...] = field(default=(), repr=False)

    @property
    def changed(self) -> list[str]:
        return [m.persona for m in self.matched if m.fields]

    def summary(self) -> str:
        n = len(self.matched)
        by_id = sum(m.by == "id" for m in self.matched)
        parts = [f"{n} of {_count(n + len(self.unmatched_cards), 'card')} matched a persona "
                 f"({by_id} by id, {n - by_id} by name); "
                 f"{_count(len(self.changed), 'persona')} with changes "
                 f"({_count(len(self.edits), 'edit')})."]
        if self.unmatched_cards:
            parts.append("Not matched: " + ", ".join(f"{i} “{_clip(nm, 60)}”"
                                                     for i, nm in self.unmatched_cards) + ".")
        return " ".join(parts)


def match_cards(ws: Any, document: Mapping[str, Any], source: str = "upload") -> ImportReport:
    """Match the document's cards to the workspace's personas and list the edits that would
    restore their names and user-entered fields (nothing is applied here).

    A card matches the persona with its id; a card whose id is not in the workspace (or
    is taken) matches an unclaimed persona with the same name or suggested name.
    """
    _check_document(document, source)
    state = ws.state()
    personas = {p.id: p for p in ws.personas()}
    cards = list(document["personas"])
    claimed: dict[str, tuple[int, str]] = {}
    for i, card in enumerate(cards):
        if card["id"] in personas and card["id"] not in claimed:
            claimed[card["id"]] = (i, "id")
    by_card = {i: (pid, by) for pid, (i, by) in claimed.items()}
    for i, card in enumerate(cards):
        if i in by_card:
            continue
        pid = _by_name(card, personas, ws, claimed)
        if pid is not None:
            claimed[pid] = (i, "name")
            by_card[i] = (pid, "name")

    matched, unmatched, edits = [], [], []
    for i, card in enumerate(cards):
        if i not in by_card:
            unmatched.append((card["id"], card["name"]))
            continue
        pid, by = by_card[i]
        card_edits = _card_edits(state, pid, personas[pid], card, source, i)
        edits += card_edits
        matched.append(Match(i, card["id"], card["name"], pid, by,
                             tuple(e["field"] for e in card_edits)))
    return ImportReport(matched=tuple(matched), unmatched_cards=tuple(unmatched),
                        unmatched_personas=tuple(p for p in personas if p not in claimed),
                        edits=tuple(edits))


def import_cards(ws: Any, document: Mapping[str, Any], source: str = "upload") -> Any:
    """Restore names and user-entered fields of the document onto the matching personas.

    Every change is one ``refine.edit_set`` edit, so undo works field by field and the
    edit log says what the import did. Returns the new workspace (the same one when
    nothing differs); ``match_cards`` gives the report of what matched.
    """
    for e in match_cards(ws, document, source).edits:
        ws = ws.with_edit(e)
    return ws


def _norm(s: Any) -> str:
    return " ".join(str(s or "").split()).casefold()


def _by_name(card: Mapping[str, Any], personas: Mapping[str, Any], ws: Any,
             claimed: Mapping[str, Any]) -> str | None:
    free = [pid for pid in personas if pid not in claimed]
    wanted = [_norm(card["name"]), _norm(card.get("suggested_name"))]
    for want in filter(None, wanted):
        for pid in free:
            if want in (_norm(ws.persona_name(pid)), _norm(personas[pid].suggested_name)):
                return pid
    return None


def _card_edits(state: Any, pid: str, persona: Any, card: Mapping[str, Any], source: str,
                index: int) -> list[dict[str, Any]]:
    """The set-edits that make persona ``pid`` carry the card's user-entered fields.

    Names and descriptions the card only has because they were suggested (equal to the
    card's own suggestion) are not user-entered and are left alone; every other user
    field is restored as written, empty lists and notes included.
    """
    now = state.fields.get(pid, {})
    suggested = {"name": card.get("suggested_name", persona.suggested_name),
                 "description": card.get("suggested_description", persona.suggested_description)}
    edits = []
    for f in refine.USER_FIELDS:
        if f not in card:
            continue
        value = card[f]
        if f in suggested and value == suggested[f]:
            continue
        try:
            e = refine.edit_set(state, pid, f, value)
        except InputError as exc:
            raise InputError(f"{source}: $.personas[{index}].{f}: {exc}", source=source) from None
        current = now.get(f)
        if current is None:
            current = [] if f in refine.LIST_FIELDS else ""
        if f in suggested and not now.get(f):
            current = getattr(persona, f"suggested_{f}")
        if e["value"] != current:
            e["summary"] += " (imported)"
            edits.append(e)
    return edits


# -- Markdown ----------------------------------------------------------------------------------
_MD_INLINE = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|~&#"})


def md_escape(text: Any) -> str:
    """One line of user text that cannot change the Markdown layout: no headings, lists,
    quotes, links, emphasis, HTML or tables — it renders as the literal text."""
    s = " ".join(str(text).split()).translate(_MD_INLINE)
    if s[:1] in ("-", "+", "="):          # list item, setext underline
        s = "\\" + s
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", s)   # "1. " would start a numbered list


def _md_paragraph(text: str) -> list[str]:
    """Multi-line user text: each line escaped, line breaks kept (hard breaks)."""
    lines = [md_escape(line) for line in str(text).splitlines() if line.strip()]
    return [line + ("\\" if i < len(lines) - 1 else "") for i, line in enumerate(lines)]


SECTIONS = (("goals", "Goals"), ("pain_points", "Pain points"), ("quotes", "Quotes"),
            ("hypotheses", "Business hypotheses"))


def label_lines(labels: Mapping[str, Mapping[str, float]]) -> list[str]:
    """{"segment": {"gold": 0.9, ...}} -> ["segment: gold 90 %, ..."] (label columns' mix)."""
    from ..profile import humanize

    shown = {col: {v: s for v, s in mix.items() if s >= 0.005} for col, mix in labels.items()}
    return [f"{humanize(col)}: " + ", ".join(f"{v} {s * 100:.0f}\u00a0%" for v, s in mix.items())
            for col, mix in shown.items() if mix]


def journey_lines(journeys: Mapping[str, Any] | None) -> list[str]:
    """Plain lines from a card's optional ``journeys`` (event-log input); [] when absent."""
    j = journeys or {}
    out = []
    paths = [" → ".join(map(str, p.get("path", []))) for p in j.get("paths", [])[:3] if p.get("path")]
    if paths:
        out.append("Typical paths: " + "; ".join(paths))
    steps = [f"{t.get('from')} → {t.get('to')} {t.get('share', 0) * 100:.0f}\u00a0%"
             for t in j.get("transitions", [])[:4]]
    if steps:
        out.append("Most common steps: " + ", ".join(steps))
    before = [f"{b.get('touchpoint')} {b.get('share', 0) * 100:.0f}\u00a0%"
              for b in j.get("before_purchase", [])[:4] if b.get("share", 0) >= 0.005]
    if before:
        out.append("Just before buying: " + ", ".join(before))
    if j.get("first_touchpoints"):
        out.append("First touchpoints: " + ", ".join(map(str, j["first_touchpoints"])))
    if isinstance(j.get("channel_switch_rate"), (int, float)):
        out.append(f"Channel switches: {j['channel_switch_rate'] * 100:.0f}\u00a0% of steps change "
                   "the channel")
    return out


def to_markdown(ws: Any, document: Mapping[str, Any] | None = None) -> str:
    """All persona cards in one Markdown file, for wikis."""
    doc = document or to_json(ws)
    prov, ds = doc["provenance"], doc["provenance"]["dataset"]
    n = len(doc["personas"])
    out = [f"# Personas — {md_escape(ds.get('file') or 'dataset')}", "",
           f"{n} persona{'s' * (n != 1)} from {ds.get('rows') or 0:,} customers; "
           f"{doc['unassigned']['share']:.1%} fit no persona well. "
           f"Exported {prov.get('exported_at', '')[:10]} by Persona Mining.", "",
           "| Persona | Share | Customers | Stability |", "|---|---:|---:|---|"]
    for c in doc["personas"]:
        out.append(f"| {md_escape(c['name'])} | {c['share']:.1%} | {c['size']:,} | "
                   f"{c['stability_label']} |")
    out.append(f"| Unassigned | {doc['unassigned']['share']:.1%} | "
               f"{doc['unassigned']['size']:,} | |")
    out.append("")
    for c in doc["personas"]:
        stab = "" if c["stability"] is None else f" ({c['stability']:.2f})"
        out += [f"## {md_escape(c['name'])}", "", *_md_paragraph(c["description"]), "",
                f"**Share** {c['share']:.1%} · **Customers** {c['size']:,} · "
                f"**Stability** {c['stability_label']}{stab} · **Id** {c['id']}", ""]
        if c["traits"]:
            out += ["### What sets them apart", ""]
            out += [f"- {md_escape(t['sentence'])}" for t in c["traits"]] + [""]
        if c["rules"]:
            out += ["### How to recognise them", ""]
            out += [f"- If {md_escape(r['text'])}" for r in c["rules"]] + [""]
        if journey_lines(c.get("journeys")):
            out += ["### Typical journeys", ""]
            out += [f"- {md_escape(line)}" for line in journey_lines(c.get("journeys"))] + [""]
        if c.get("labels"):
            out += ["### Known labels of these customers", ""]
            out += [f"- {md_escape(line)}" for line in label_lines(c["labels"])] + [""]
        for f, title in SECTIONS:
            if c[f]:
                out += [f"### {title}", ""]
                out += [f"- {md_escape(x)}" for x in c[f]] + [""]
        if c["notes"].strip():
            out += ["### Notes", "", *_md_paragraph(c["notes"]), ""]
        if c["tags"]:
            out += ["Tags: " + ", ".join(f"`{' '.join(t.replace('`', '').split())}`"
                                         for t in c["tags"]), ""]
    cfg = prov.get("config", {})
    out += ["---", "",
            f"Method {prov['method']} ({cfg.get('embedding', '?')} embedding), seed {prov['seed']}; "
            f"data {md_escape(ds.get('file') or '?')} ({ds.get('rows')} rows × {ds.get('columns')} "
            f"columns, SHA-256 {str(ds.get('sha256') or '?')[:12]}…); discovered "
            f"{prov['created_at'][:10]}; {prov['edit_count']} edits by the team; persona-mining "
            f"{prov['packages'].get('persona-mining', '?')}.", ""]
    return "\n".join(out)


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


def _clip(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


# -- CSV ---------------------------------------------------------------------------------------
def csv_bytes(ws: Any) -> bytes:
    """customer_id, persona_id, persona_name, confidence; one row per customer in input order.

    Cells a spreadsheet would run as a formula are neutralised by ``csvsafe``; text cells
    are quoted, so an id or name holding a line break cannot split a row."""
    import csv

    from ..csvsafe import safe_frame

    return safe_frame(assignments_frame(ws)).to_csv(
        index=False, quoting=csv.QUOTE_NONNUMERIC).encode("utf-8")


# -- files ---------------------------------------------------------------------------------------
def export_bytes(ws: Any, fmt: str) -> bytes:
    """One format as bytes (what the Export page offers for download)."""
    if fmt == "json":
        return json_bytes(ws)
    if fmt == "md":
        return to_markdown(ws).encode("utf-8")
    if fmt == "csv":
        return csv_bytes(ws)
    if fmt == "pdf":
        from .pdf import to_pdf

        return to_pdf(ws)
    raise InputError(f"format '{fmt}': use one of {', '.join(FORMATS)}")


def export(ws: Any, fmt: str, path: str | os.PathLike) -> Path:
    """Write one format to ``path`` (atomically: a failed export leaves no half file)."""
    path = Path(path)
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt}: use one of {', '.join(FORMATS)}")
    if path.is_dir():
        raise InputError(f"--out {path}: is a folder — give a file name, e.g. {path / ('personas' + SUFFIX[fmt])}")
    data = export_bytes(ws, fmt)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(f"--out {path}: cannot write the file ({exc.strerror})") from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return path
