"""Keeping the translation catalogues in step with the code (Babel's extractor and .po I/O).

Used by ``scripts/i18n.py`` (update the German catalogue) and ``tests/test_i18n.py``
(fail when a text lacks German or a translation's placeholders differ). Not used at run
time: :mod:`persona_mining.i18n` only reads the .po files.
"""

from __future__ import annotations

import datetime as _dt
import io
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .i18n import DOMAIN, LOCALE_DIR, catalogue_path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
# Fixed header dates: a date that changes on every update would conflict between branches.
_FIXED_DATE = _dt.datetime(2026, 12, 2, tzinfo=_dt.timezone.utc)
HEADER = """\
# German translations of Persona Mining.
# Conventions (Sie, "Kund:innen", the term list): docs/TRANSLATING.md.
# Update with: .venv/bin/python scripts/i18n.py
#"""


@dataclass(frozen=True)
class Text:
    """One translatable text as found in the code."""

    msgid: str
    plural: str | None = None
    context: str | None = None
    where: str = ""

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.msgid)

    def __str__(self) -> str:
        ctx = f"[{self.context}] " if self.context else ""
        return f"{ctx}{self.msgid!r} ({self.where})"


def _mapping(root: Path):
    from babel.messages.frontend import parse_mapping_cfg

    with open(root / "babel.cfg", encoding="utf-8") as fh:
        return parse_mapping_cfg(fh)


def extract(root: Path = ROOT) -> dict[tuple[str | None, str], Text]:
    """Every text marked for translation under ``root`` (as babel.cfg says), by (context, msgid)."""
    from babel.messages.extract import extract_from_dir

    method_map, options_map = _mapping(root)
    out: dict[tuple[str | None, str], Text] = {}
    skip = {".venv", ".git", "tests", "bench", "node_modules"}
    for filename, lineno, message, _comments, context in extract_from_dir(
            root, method_map, options_map,
            directory_filter=lambda d: Path(d).name not in skip and not Path(d).name.startswith(".")):
        msgid, plural = (message if isinstance(message, tuple) else (message, None))[:2]
        if not msgid:
            continue
        text = Text(msgid, plural, context, f"{filename}:{lineno}")
        out.setdefault(text.key, text)
    return out


def read_catalogue(lang: str):
    """The .po catalogue of ``lang`` as a Babel Catalog (empty when there is none)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    path = catalogue_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, header_comment=HEADER, project="Persona Mining",
                       creation_date=_FIXED_DATE, revision_date=_FIXED_DATE, fuzzy=False)
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def fields(text: str) -> set[tuple[str, str]]:
    """The ``str.format`` fields of a text as (name, format spec): '{n:,} x' -> {('n', ',')}."""
    out = set()
    for _lit, name, spec, conv in string.Formatter().parse(text):
        if name is not None:
            out.add((name, f"{spec or ''}{'!' + conv if conv else ''}"))
    return out


def missing(template: dict, cat) -> list[Text]:
    """Texts of the code without a (non-fuzzy, complete) translation in ``cat``."""
    out = []
    for key, text in sorted(template.items(), key=lambda kv: (kv[0][1], kv[0][0] or "")):
        msg = cat.get(text.msgid, context=text.context)
        strings = msg.string if msg is not None else None
        forms = strings if isinstance(strings, (tuple, list)) else [strings]
        if msg is None or msg.fuzzy or not all(forms):
            out.append(text)
    return out


def placeholder_problems(template: dict, cat) -> list[str]:
    """Translations whose placeholders differ from their English text (a German text may
    drop ``{n}`` only in a singular form, as in 'eine Persona')."""
    problems = []
    for text in template.values():
        msg = cat.get(text.msgid, context=text.context)
        if msg is None or not msg.string:
            continue
        want = fields(text.msgid) | (fields(text.plural) if text.plural else set())
        forms = list(msg.string) if isinstance(msg.string, (tuple, list)) else [msg.string]
        for i, form in enumerate(forms):
            if not form:
                continue
            try:
                got = fields(form)
            except ValueError as exc:
                problems.append(f"{text}: German form {i} is not a valid format string ({exc})")
                continue
            extra = got - want
            lacking = want - got
            if text.plural and i == 0:
                lacking = {f for f in lacking if f[0] != "n"}
            if extra or lacking:
                problems.append(f"{text}: German {form!r} has {sorted(extra) or 'no extra'} / "
                                f"lacks {sorted(lacking) or 'nothing'}")
    return problems


def obsolete(template: dict, cat) -> list[str]:
    """Catalogue entries no code uses any more (remove them: scripts/i18n.py does)."""
    keys = set(template)
    return [f"{m.id!r}" for m in cat if m.id and (m.context, m.id if isinstance(m.id, str)
                                                  else m.id[0]) not in keys]


def template_catalogue(template: dict):
    from babel.messages.catalog import Catalog

    cat = Catalog(domain=DOMAIN, project="Persona Mining", header_comment=HEADER,
                  creation_date=_FIXED_DATE, revision_date=_FIXED_DATE, fuzzy=False)
    for text in sorted(template.values(), key=lambda t: (t.msgid, t.context or "")):
        cat.add((text.msgid, text.plural) if text.plural else text.msgid, context=text.context,
                flags=("python-brace-format",) if fields(text.msgid) else ())
    return cat


def update_catalogue(template: dict, cat):
    """``cat`` with the template's texts: new ones empty (no fuzzy guesses), gone ones dropped."""
    tpl = template_catalogue(template)
    cat.update(tpl, no_fuzzy_matching=True, update_creation_date=False)
    cat.obsolete.clear()
    cat.header_comment = HEADER
    cat.fuzzy = False
    cat.creation_date = cat.revision_date = _FIXED_DATE
    cat.project, cat.last_translator = "Persona Mining", "Persona Mining maintainers"
    cat.version, cat.msgid_bugs_address = _version(), "the project's issue tracker"
    cat.language_team = "German"
    return cat


def _version() -> str:
    from . import __version__

    return __version__


def _po_bytes(cat) -> bytes:
    from babel.messages.pofile import write_po

    buf = io.BytesIO()
    write_po(buf, cat, width=96, no_location=True, sort_output=True, ignore_obsolete=True)
    return buf.getvalue()


def write_template(template: dict) -> Path:
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    TEMPLATE.write_bytes(_po_bytes(template_catalogue(template)))
    return TEMPLATE


def write_catalogue(cat, lang: str) -> Path:
    path = catalogue_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_po_bytes(cat))
    return path


def add_translations(lang: str, pairs: Iterable[tuple]) -> None:
    """Set translations in a catalogue: (msgid, German) or ((msgid, plural), (one, many)),
    optionally a third item, the context. For scripted bulk edits; keeps the file sorted."""
    cat = read_catalogue(lang)
    for pair in pairs:
        msgid, translation = pair[0], pair[1]
        context = pair[2] if len(pair) > 2 else None
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        msg = cat.get(key, context=context)
        if msg is not None and isinstance(msg.id, tuple) != isinstance(msgid, tuple):
            cat.delete(key, context=context)       # singular became plural, or back
            msg = None
        if msg is None:
            cat.add(msgid, translation, context=context)
        else:
            msg.string = translation
            msg.flags.discard("fuzzy")
    write_catalogue(cat, lang)
