"""Persona cards out (JSON with a published schema, PDF, Markdown, assignments CSV) and back in.

Used by the Export page, the CLI (`python -m persona_mining export`) and the tests.
No format ever contains a customer identifier or a PII value, except the assignments
CSV, whose purpose is to list customer ids (and which is formula-injection safe).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from .. import refine
from ..cards import assignments_frame, cards_document
from ..csvsafe import write_csv
from ..errors import InputError

SCHEMA_PATH = Path(__file__).with_name("persona-cards.schema.json")
FORMATS = ("json", "pdf", "md", "csv")


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text("utf-8"))


def validate(document: Any, source: str = "persona cards") -> None:
    """Raise InputError naming the JSON path of the first problem."""
    from jsonschema import Draft202012Validator

    errors = sorted(Draft202012Validator(schema()).iter_errors(document), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        where = "/".join(str(p) for p in e.absolute_path) or "(top level)"
        raise InputError(f"{source}: not a valid persona-cards document at {where}: {e.message}")


def to_json(ws: Any) -> dict[str, Any]:
    doc = cards_document(ws)
    doc["provenance"]["exported_at"] = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    validate(doc, "export")
    return doc


def json_bytes(ws: Any) -> bytes:
    return json.dumps(to_json(ws), ensure_ascii=False, indent=2).encode("utf-8")


# -- import ------------------------------------------------------------------------------
def read_cards(raw: bytes | str, source: str = "upload") -> dict[str, Any]:
    try:
        doc = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{source}: not valid JSON ({exc}) — choose a file exported by "
                         "Persona Mining") from None
    validate(doc, source)
    return doc


def import_cards(ws: Any, document: Mapping[str, Any], source: str = "upload") -> tuple[Any, dict[str, list[str]]]:
    """Restore names and user-entered fields onto matching personas, as undoable edits.

    Personas match by id; a card whose id is not in the workspace matches a persona with
    the same name or suggested name. Returns the new workspace and a report of what
    matched, what did not, and which personas got changes.
    """
    validate(document, source)
    current = {p.id: p for p in ws.personas()}
    by_name = {ws.persona_name(pid): pid for pid in current}
    by_name.update({p.suggested_name: pid for pid, p in current.items()})
    report: dict[str, list[str]] = {"matched": [], "unmatched": [], "changed": []}
    for card in document["personas"]:
        pid = card["id"] if card["id"] in current else by_name.get(card.get("name")) or \
            by_name.get(card.get("suggested_name", ""))
        if pid is None:
            report["unmatched"].append(f"{card['id']} · {card['name']}")
            continue
        report["matched"].append(f"{card['id']} → {pid}")
        changed = False
        for f in refine.USER_FIELDS:
            value = card.get(f)
            if value is None or (f == "description" and value == current[pid].suggested_description):
                continue
            if f == "name" and value == current[pid].suggested_name and \
                    not ws.state().fields.get(pid, {}).get("name"):
                continue
            now = ws.state().fields.get(pid, {}).get(f)
            if value == (now if now is not None else ([] if f in refine.LIST_FIELDS else "")):
                continue
            ws = ws.with_edit(refine.edit_set(ws.state(), pid, f, value))
            changed = True
        if changed:
            report["changed"].append(pid)
    return ws, report


# -- markdown ------------------------------------------------------------------------------
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]<>()#+-.!|~"})


def _md(text: str) -> str:
    """Escape user text so it cannot change the layout (no headings, links or HTML)."""
    return " ".join(str(text).split()).translate(_MD_SPECIAL)


def to_markdown(ws: Any) -> str:
    doc = to_json(ws)
    prov = doc["provenance"]
    out = [f"# Personas — {_md(prov['dataset'].get('file') or 'dataset')}", "",
           f"{len(doc['personas'])} personas from {prov['dataset'].get('rows') or 0:,} customers; "
           f"{doc['unassigned']['share']:.0%} unassigned. Method {prov['method']}, seed {prov['seed']}, "
           f"exported {prov['exported_at'][:10]}.", ""]
    for c in doc["personas"]:
        out += [f"## {_md(c['name'])}", "", _md(c["description"]), "",
                f"**Share** {c['share']:.1%} ({c['size']:,} customers) · **Stability** "
                f"{c['stability_label']}" + ("" if c["stability"] is None else f" ({c['stability']:.2f})"),
                ""]
        if c["traits"]:
            out += ["**What sets them apart**", ""] + [f"- {_md(t['sentence'])}" for t in c["traits"]] + [""]
        if c["rules"]:
            out += ["**How to recognise them**", ""] + [f"- If {_md(r['text'])}" for r in c["rules"]] + [""]
        for f, title in (("goals", "Goals"), ("pain_points", "Pain points"), ("quotes", "Quotes"),
                         ("hypotheses", "Business hypotheses")):
            if c[f]:
                out += [f"**{title}**", ""] + [f"- {_md(x)}" for x in c[f]] + [""]
        if c["notes"]:
            out += ["**Notes**", "", _md(c["notes"]), ""]
        if c["tags"]:
            out += ["Tags: " + ", ".join(_md(t) for t in c["tags"]), ""]
    return "\n".join(out)


# -- files -----------------------------------------------------------------------------------
def export(ws: Any, fmt: str, path: str | os.PathLike) -> Path:
    """Write one format to ``path``."""
    path = Path(path)
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt}: use one of {', '.join(FORMATS)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out {path}: cannot create the folder ({exc.strerror})") from None
    if fmt == "json":
        path.write_bytes(json_bytes(ws))
    elif fmt == "md":
        path.write_text(to_markdown(ws), "utf-8")
    elif fmt == "csv":
        write_csv(assignments_frame(ws), path)
    else:
        from .pdf import to_pdf

        path.write_bytes(to_pdf(ws))
    return path


def csv_bytes(ws: Any) -> bytes:
    from ..csvsafe import csv_bytes as _csv

    return _csv(assignments_frame(ws))
