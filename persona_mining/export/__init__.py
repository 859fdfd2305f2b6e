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
from typing import Any, Mapping, Sequence

from .. import refine, safe_read
from ..cards import CARDS_FORMAT, CARDS_VERSION, assignments_frame, cards_document
from ..errors import InputError
from ..i18n import N_, _, current_language, fmt_date, fmt_number, fmt_percent, language, ngettext

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
    raise InputError(_("{source}: not a valid persona-cards document at {path}: {problem}",
                       source=source, path=json_path(e.absolute_path), problem=_short(e.message)),
                     source=source)


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
        raise InputError(_("{source}: not a UTF-8 text file — choose a persona-cards JSON "
                           "exported by Persona Mining", source=source), source=source) from None
    except json.JSONDecodeError as exc:
        raise InputError(_("{source}: not valid JSON (line {line}, column {column}: {problem}) — "
                           "choose a persona-cards JSON exported by Persona Mining", source=source,
                           line=exc.lineno, column=exc.colno, problem=exc.msg),
                         source=source) from None
    _check_document(doc, source)
    return doc


def _check_document(doc: Any, source: str) -> None:
    if not isinstance(doc, dict) or doc.get("format") != CARDS_FORMAT:
        raise InputError(_("{source}: not a persona-cards document at $.format (expected "
                           "\"{format}\") — choose a JSON exported by Persona Mining",
                           source=source, format=CARDS_FORMAT), source=source)
    version = doc.get("version")
    if isinstance(version, int) and version > CARDS_VERSION:
        raise InputError(_("{source}: persona-cards version {version} at $.version was written "
                           "by a newer Persona Mining; this version reads version {known}",
                           source=source, version=version, known=CARDS_VERSION), source=source)
    if version == 1 and ("outcomes" in doc or any(
            isinstance(c, dict) and "outcomes" in c for c in doc.get("personas") or [])):
        raise InputError(_("{source}: a version 1 document at $.version with outcomes — outcomes "
                           "came with version 2; export the cards again", source=source),
                         source=source)
    validate(doc, source)
    seen: dict[str, int] = {}
    for i, card in enumerate(doc["personas"]):
        if card["id"] in seen:
            raise InputError(_("{source}: persona id {persona} appears twice, at {first} and "
                               "{second}", source=source, persona=card['id'],
                               first=f"$.personas[{seen[card['id']]}].id",
                               second=f"$.personas[{i}].id"), source=source)
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
        """What matched, in the current language."""
        n = len(self.matched)
        by_id = sum(m.by == "id" for m in self.matched)
        cards = n + len(self.unmatched_cards)
        parts = [ngettext("{matched} of {n} card matched a persona ({by_id} by id, {by_name} by "
                          "name);", "{matched} of {n} cards matched a persona ({by_id} by id, "
                          "{by_name} by name);", cards, matched=n, by_id=by_id, by_name=n - by_id),
                 ngettext("{n} persona with changes", "{n} personas with changes",
                          len(self.changed)),
                 "(" + ngettext("{n} edit", "{n} edits", len(self.edits)) + ")."]
        if self.unmatched_cards:
            parts.append(_("Not matched: {cards}.", cards=", ".join(
                f"{i} “{_clip(nm, 60)}”" for i, nm in self.unmatched_cards)))
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
            e["imported"] = True          # describe_edit says so in the reader's language
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


SECTIONS = (("goals", N_("Goals")), ("pain_points", N_("Pain points")), ("quotes", N_("Quotes")),
            ("hypotheses", N_("Business hypotheses")))


def _pct(share: float) -> str:
    """'42 %' with a no-break space: the sign never wraps onto the next line."""
    return fmt_percent(share).replace(" ", "\u00a0")


def label_lines(labels: Mapping[str, Mapping[str, float]]) -> list[str]:
    """{"segment": {"gold": 0.9, ...}} -> ["segment: gold 90 %, ..."] (label columns' mix)."""
    from ..profile import humanize

    shown = {col: {v: s for v, s in mix.items() if s >= 0.005} for col, mix in labels.items()}
    return [f"{humanize(col)}: " + ", ".join(f"{v} {_pct(s)}" for v, s in mix.items())
            for col, mix in shown.items() if mix]


def journey_lines(journeys: Mapping[str, Any] | None) -> list[str]:
    """Plain lines from a card's optional ``journeys`` (event-log input); [] when absent."""
    j = journeys or {}
    out = []
    paths = [" → ".join(map(str, p.get("path", []))) for p in j.get("paths", [])[:3] if p.get("path")]
    if paths:
        out.append(_("Typical paths: {paths}", paths="; ".join(paths)))
    steps = [f"{t.get('from')} → {t.get('to')} {_pct(t.get('share', 0))}"
             for t in j.get("transitions", [])[:4]]
    if steps:
        out.append(_("Most common steps: {steps}", steps=", ".join(steps)))
    before = [f"{b.get('touchpoint')} {_pct(b.get('share', 0))}"
              for b in j.get("before_purchase", [])[:4] if b.get("share", 0) >= 0.005]
    if before:
        out.append(_("Just before buying: {touchpoints}", touchpoints=", ".join(before)))
    if j.get("first_touchpoints"):
        out.append(_("First touchpoints: {touchpoints}",
                     touchpoints=", ".join(map(str, j["first_touchpoints"]))))
    if isinstance(j.get("channel_switch_rate"), (int, float)):
        out.append(_("Channel switches: {share} of steps change the channel",
                     share=_pct(j["channel_switch_rate"])))
    return out


def outcome_title(record: Mapping[str, Any]) -> str:
    """'Churn' from an outcome record's label."""
    text = str(record.get("label") or record.get("column") or "")
    return text[:1].upper() + text[1:]


def outcome_value(record: Mapping[str, Any]) -> str:
    """'42 % ± 3' (or '—' when suppressed) from an outcome record of a card."""
    from ..outcomes import fmt_spread

    return fmt_spread(record["kind"], record.get("value"), record.get("low"), record.get("high"))


def outcome_lines(records: Sequence[Mapping[str, Any]]) -> list[str]:
    """'Churn: churns 2.3× as often … (95 % interval 39–45 %, 1,106 customers)' per outcome."""
    from ..outcomes import fmt_interval

    out = []
    for r in records:
        if r.get("suppressed") or r.get("value") is None:
            out.append(f"{outcome_title(r)}: {r['sentence']}")
            continue
        out.append(_("{title}: {sentence} (95 % interval {interval}, {n} customers)",
                     title=outcome_title(r), sentence=r["sentence"],
                     interval=fmt_interval(r["kind"], r["low"], r["high"]),
                     n=fmt_number(r["customers"])))
    return out


def _md_outcome_cells(records: Sequence[Mapping[str, Any]], heads: Sequence[str]) -> str:
    by = {outcome_title(r): r for r in records}
    return "".join(f" {outcome_value(by[h]) if h in by else ''} |" for h in heads)


def to_markdown(ws: Any, document: Mapping[str, Any] | None = None) -> str:
    """All persona cards in one Markdown file, for wikis; in the document's language."""
    doc = document or to_json(ws)
    with language(doc.get("language") or current_language()):
        return _markdown(doc)


def _markdown(doc: Mapping[str, Any]) -> str:
    from ..labels import stability_word
    from .pdf import _day, made_with

    prov, ds = doc["provenance"], doc["provenance"]["dataset"]
    n = len(doc["personas"])
    un = doc["unassigned"]
    summary = doc.get("outcomes")
    heads = [outcome_title(o) for o in summary["all"]] if summary else []
    file = md_escape(ds.get("file") or _("dataset"))
    out = [_("# Personas — {file}", file=file), "",
           ngettext("{k} persona from {n} customers; {share} fit no persona well. Exported {date} "
                    "by Persona Mining.", "{k} personas from {n} customers; {share} fit no persona "
                    "well. Exported {date} by Persona Mining.", n, k=fmt_number(n),
                    n=fmt_number(ds.get("rows") or 0), share=_pct1(un["share"]),
                    date=_day(prov.get("exported_at"))), "",
           "| " + " | ".join((_("Persona"), _("Share"), _("Customers"), _("Stability"))) + " |"
           + "".join(f" {md_escape(h)} |" for h in heads),
           "|---|---:|---:|---|" + "---:|" * len(heads)]
    for c in doc["personas"]:
        out.append(f"| {md_escape(c['name'])} | {_pct1(c['share'])} | {fmt_number(c['size'])} | "
                   f"{stability_word(c['stability_label'])} |"
                   + _md_outcome_cells(c.get("outcomes", []), heads))
    unassigned, share, customers, stability, id_ = (_("Unassigned"), _("Share"), _("Customers"),
                                                     _("Stability"), _("Id"))
    out.append(f"| {unassigned} | {_pct1(un['share'])} | {fmt_number(un['size'])} | |"
               + (_md_outcome_cells(summary.get("unassigned", []), heads) if summary else ""))
    if summary:
        everyone = _("All customers")
        out.append(f"| {everyone} | {_pct1(1.0)} | {fmt_number(ds.get('rows') or 0)} | |"
                   + _md_outcome_cells(summary["all"], heads))
    out.append("")
    for c in doc["personas"]:
        stab = "" if c["stability"] is None else f" ({fmt_number(c['stability'], 2)})"
        facts = " · ".join((f"**{share}** {_pct1(c['share'])}",
                            f"**{customers}** {fmt_number(c['size'])}",
                            f"**{stability}** {stability_word(c['stability_label'])}{stab}",
                            f"**{id_}** {c['id']}"))
        out += [f"## {md_escape(c['name'])}", "", *_md_paragraph(c["description"]), "", facts, ""]
        if c.get("outcomes"):
            heading = _("Outcomes")
            out += [f"### {heading}", ""]
            out += [f"- {md_escape(line)}" for line in outcome_lines(c["outcomes"])] + [""]
        if c["traits"]:
            out += ["### " + _("What sets them apart"), ""]
            out += [f"- {md_escape(t['sentence'])}" for t in c["traits"]] + [""]
        if c["rules"]:
            out += ["### " + _("How to recognise them"), ""]
            out += ["- " + md_escape(_("If {rule}", rule=r["text"])) for r in c["rules"]] + [""]
        if journey_lines(c.get("journeys")):
            out += ["### " + _("Typical journeys"), ""]
            out += [f"- {md_escape(line)}" for line in journey_lines(c.get("journeys"))] + [""]
        if c.get("labels"):
            out += ["### " + _("Known labels of these customers"), ""]
            out += [f"- {md_escape(line)}" for line in label_lines(c["labels"])] + [""]
        for f, title in SECTIONS:
            if c[f]:
                out += [f"### {_(title)}", ""]
                out += [f"- {md_escape(x)}" for x in c[f]] + [""]
        if c["notes"].strip():
            out += ["### " + _("Notes"), "", *_md_paragraph(c["notes"]), ""]
        if c["tags"]:
            out += [_("Tags: {tags}", tags=", ".join(f"`{' '.join(t.replace('`', '').split())}`"
                                                     for t in c["tags"])), ""]
    if summary:
        out += ["---", "", md_escape(summary["method"]), ""]
    out += ["---", "", md_escape(made_with(doc)) + ".", ""]
    return "\n".join(out)


def _pct1(share: float) -> str:
    return fmt_percent(share, 1).replace(" ", "\u00a0")


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
def export_bytes(ws: Any, fmt: str, lang: str | None = None) -> bytes:
    """One format as bytes (what the Export page offers for download), in ``lang``
    ('en' / 'de'; default: the current language). JSON records the language it was made in."""
    if fmt not in FORMATS:
        raise InputError(_("format '{format}': use one of {formats}", format=fmt,
                           formats=", ".join(FORMATS)))
    with language(lang or current_language()):
        if fmt == "json":
            return json_bytes(ws)
        if fmt == "md":
            return to_markdown(ws).encode("utf-8")
        if fmt == "csv":
            return csv_bytes(ws)
        from .pdf import to_pdf

        return to_pdf(ws)


def export(ws: Any, fmt: str, path: str | os.PathLike, lang: str | None = None) -> Path:
    """Write one format to ``path`` (atomically: a failed export leaves no half file)."""
    path = Path(path)
    if fmt not in FORMATS:
        raise InputError(_("--format {format}: use one of {formats}", format=fmt,
                           formats=", ".join(FORMATS)))
    if path.is_dir():
        raise InputError(_("--out {path}: is a folder — give a file name, e.g. {example}",
                           path=path, example=path / ("personas" + SUFFIX[fmt])))
    data = export_bytes(ws, fmt, lang)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(_("--out {path}: cannot write the file ({reason})", path=path,
                           reason=exc.strerror)) from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return path
