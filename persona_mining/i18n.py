"""Translations (German and English) and locale-aware number and date formats.

Every text a user reads goes through :func:`_` (or :func:`ngettext` where a count
decides the wording). The English text is the message id, gettext style, so code stays
readable and a missing translation falls back to English instead of showing a key.
Catalogues are the gettext ``.po`` files in ``persona_mining/locale/<lang>/LC_MESSAGES/``,
read with Babel (no compiled ``.mo`` step to forget); ``tests/test_i18n.py`` extracts
every message from the code with Babel and fails when German lacks one, when the
placeholders of a translation differ from its English text, or when a page hands a
literal string to a Streamlit element.

The language is a context variable, not a process global: several people share one
Streamlit server, each session sets its own language at the top of every script run
(``pages/_shared.ensure_language``), and the CLI sets it from ``--lang``. A thread
started inside a run does not inherit it: start such threads with
``contextvars.copy_context().run`` (or pass the language along).

Usage::

    from persona_mining.i18n import _, ngettext, N_
    _("{n} customers", n=fmt_number(1234))            # placeholders are str.format fields
    ngettext("{n} persona", "{n} personas", k)        # n=k is filled in unless given
    LABELS = {"stable": N_("stable")}                 # marked at import, translated where shown
    _(LABELS[x])
    pgettext("verb", "Share")                         # same English, different German

Conventions of the texts (see docs/TRANSLATING.md): placeholders are named
(``{n}``, ``{file}``), never positional; a text without fields is returned as written
(``{`` needs no escaping), a text with fields is ``str.format``-ed (write ``{{`` for a
literal brace).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as _dt
import gettext as _gettext
import logging
import math
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

# Public, including ``_`` (the gettext convention every page and module uses for its texts).
__all__ = ["LANGUAGES", "DEFAULT_LANGUAGE", "LANGUAGE_NAMES", "LOCALE_DIR", "DOMAIN",
           "normalise_language", "is_supported", "preferred_language", "current_language",
           "set_language", "language", "catalogue", "catalogue_path", "reload_catalogues", "_",
           "gettext", "pgettext", "ngettext", "N_", "reword", "babel_locale", "fmt_number",
           "fmt_percent", "fmt_money", "fmt_date", "fmt_datetime"]

LANGUAGES = ("en", "de")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
_BABEL_LOCALE = {"de": "de_DE", "en": "en_GB"}
log = logging.getLogger(__name__)

_current: contextvars.ContextVar[str] = contextvars.ContextVar("persona_mining_lang",
                                                               default=DEFAULT_LANGUAGE)


# -- language ---------------------------------------------------------------------------
def normalise_language(lang: str | None) -> str:
    """'de-DE', 'de_AT', 'DE' -> 'de'; anything unknown -> the default (English)."""
    code = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def is_supported(lang: str | None) -> bool:
    """Whether ``lang`` ('de', 'de-AT', ...) names one of LANGUAGES (unknown -> False)."""
    code = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    return code in LANGUAGES


def preferred_language(accept: str | None) -> str | None:
    """The first supported language of an Accept-Language header or a browser locale
    ('de-CH,de;q=0.9,en;q=0.8' -> 'de'), honouring q-values; None when none is supported."""
    ranked = []
    for i, part in enumerate((accept or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            key, _eq, val = p.strip().partition("=")
            if key == "q":
                try:
                    q = float(val)
                except ValueError:
                    q = 0.0
        if tag and q > 0:
            ranked.append((-q, i, tag))
    for _q, _i, tag in sorted(ranked):
        if is_supported(tag):
            return normalise_language(tag)
    return None


def current_language() -> str:
    """The language of this context: 'en' or 'de'."""
    return _current.get()


def set_language(lang: str | None) -> str:
    """Set the language of this context (a Streamlit script run, a CLI command)."""
    code = normalise_language(lang)
    _current.set(code)
    return code


@contextlib.contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Temporarily switch language, e.g. to export a card document in the project's language."""
    token = _current.set(normalise_language(lang))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


# -- catalogues ---------------------------------------------------------------------------
def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


class _Catalogue:
    """Messages of one language: msgid (or (context, msgid)) -> text or plural forms.

    Fuzzy entries (a translator's unchecked guess) and untranslated ones are left out,
    so the English text shows instead of a wrong or empty one.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.messages: dict[Any, str | tuple[str, ...]] = {}
        self.plurals: dict[str, str] = {}           # singular msgid -> plural msgid (English)
        self.plural_index: Callable[[int], int] = lambda n: 0 if n == 1 else 1
        path = catalogue_path(lang)
        if lang == DEFAULT_LANGUAGE or not path.exists():
            return
        from babel.messages.pofile import read_po

        with path.open("rb") as fh:
            cat = read_po(fh, locale=lang)
        # gettext's own parser of the C plural expression (no eval of file content)
        self.plural_index = _gettext.c2py(cat.plural_expr)
        for msg in cat:
            if not msg.id or msg.fuzzy:
                continue
            key = msg.id[0] if isinstance(msg.id, (tuple, list)) else msg.id
            if msg.context:
                key = (msg.context, key)
            if isinstance(msg.string, (tuple, list)):
                if all(msg.string):
                    self.messages[key] = tuple(msg.string)
                    self.plurals[key] = msg.id[1]
            elif msg.string:
                self.messages[key] = msg.string


@lru_cache(maxsize=None)
def catalogue(lang: str) -> _Catalogue:
    return _Catalogue(normalise_language(lang))


def reload_catalogues() -> None:
    """Forget loaded catalogues (tests that edit a .po file; a dev server after an edit)."""
    catalogue.cache_clear()
    _patterns.cache_clear()


# -- translating ----------------------------------------------------------------------------
def _fill(text: str, fallback: str, fields: dict[str, Any]) -> str:
    """``text.format(**fields)``; a translation with a broken placeholder falls back to the
    English text (tests catch that, but a user must never get a stack trace for it)."""
    if not fields:
        return text
    try:
        return text.format(**fields)
    except (KeyError, IndexError, ValueError, AttributeError):
        if text is fallback:
            raise
        log.warning("translation of %r has placeholders that do not fit; using English", fallback)
        return fallback.format(**fields)


def _(msgid: str, /, **fields: Any) -> str:
    """``msgid`` in the current language, with ``{placeholders}`` filled from ``fields``."""
    text = catalogue(current_language()).messages.get(msgid, msgid)
    if isinstance(text, tuple):
        text = text[0]
    return _fill(text, msgid, fields)


gettext = _


def pgettext(context: str, msgid: str, /, **fields: Any) -> str:
    """Like :func:`_` for a text whose translation depends on where it stands: the same
    English word ('Share' the noun, 'Share' the verb) gets one entry per ``context``."""
    text = catalogue(current_language()).messages.get((context, msgid), msgid)
    if isinstance(text, tuple):
        text = text[0]
    return _fill(text, msgid, fields)


def ngettext(singular: str, plural: str, n: int, /, **fields: Any) -> str:
    """Singular or plural form for count ``n`` (German and English: one vs many).
    ``n`` is available as ``{n}`` unless ``fields`` give it (e.g. a formatted number)."""
    fields.setdefault("n", n)
    cat = catalogue(current_language())
    forms = cat.messages.get(singular)
    english = singular if n == 1 else plural
    if isinstance(forms, tuple):
        text = forms[min(cat.plural_index(n), len(forms) - 1)]
    else:
        text = english
    return _fill(text, english, fields)


def reword(text: str, /, _depth: int = 0) -> str:
    """A text saved in English (a column-role reason, a data-quality warning, a drift
    warning kept with a project) in the current language.

    Stored texts were made from catalogue texts, so the English of every catalogue entry
    is turned into a pattern: a stored text that fits one gets that entry's translation
    with the same values (values that are catalogue texts themselves are reworded too).
    A text that fits none is returned as it is; in English nothing changes.
    """
    cat = catalogue(current_language())
    if not text or not cat.messages:
        return text
    direct = cat.messages.get(text)
    if direct is not None:
        return direct[0] if isinstance(direct, tuple) else direct
    for _size, regex, names, msgid in _patterns(cat.lang):
        m = regex.match(text)
        if m is None:
            continue
        fields = {name: m.group(group) for group, name in names.items()}
        if _depth < 2:
            fields = {k: reword(v, _depth=_depth + 1) for k, v in fields.items()}
        translated = cat.messages[msgid]
        if isinstance(translated, tuple):
            n = _as_count(fields.get("n"))
            translated = translated[min(cat.plural_index(n), len(translated) - 1)]
        try:
            return translated.format(**fields)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def _as_count(value: str | None) -> int:
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    return int(digits) if digits else 1


@lru_cache(maxsize=None)
def _patterns(lang: str) -> list[tuple[int, Any, dict[str, str], str]]:
    """(literal length, regex, group -> field, msgid) for every translated text with fields,
    most specific first: the English singular and plural forms as anchored patterns."""
    import re
    import string

    cat = catalogue(lang)
    out = []
    for msgid in cat.messages:
        if not isinstance(msgid, str) or "{" not in msgid:
            continue
        for english in filter(None, (msgid, cat.plurals.get(msgid))):
            try:
                parts = list(string.Formatter().parse(english))
            except ValueError:
                continue
            regex, names, seen, size = "", {}, {}, 0
            for i, (literal, name, _spec, _conv) in enumerate(parts):
                regex += re.escape(literal)
                size += len(literal)
                if name is None:
                    continue
                if name in seen:
                    regex += f"(?P={seen[name]})"
                else:
                    seen[name] = group = f"f{i}"
                    names[group] = name
                    regex += f"(?P<{group}>.+?)"
            if size >= 4:               # a bare '{a} {b}' would fit anything
                out.append((size, re.compile(regex + r"\Z", re.S), names, msgid))
    return sorted(out, key=lambda p: -p[0])


def N_(msgid: str, /) -> str:
    """Mark a text for translation where it is defined (module constants); translate
    it with :func:`_` where it is shown, in the language of that moment."""
    return msgid


# -- numbers and dates (Babel) ----------------------------------------------------------------
def babel_locale() -> str:
    """The Babel / CLDR locale of the current language ('de_DE', 'en_GB')."""
    return _BABEL_LOCALE[current_language()]


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError):
        return True


def fmt_number(value: float | int | None, decimals: int = 0, *, signed: bool = False) -> str:
    """1234.5 -> '1,234.5' (en) / '1.234,5' (de); missing -> 'n/a' / 'k. A.'.
    ``signed``: '+1.5' / '-1.5' (changes); a value that rounds to zero is never '-0'."""
    if _missing(value):
        return _("n/a")
    from babel.numbers import format_decimal

    value = float(value) if not isinstance(value, int) else value
    if round(value, decimals) == 0:
        value = 0
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    if signed:
        pattern = f"+{pattern};-{pattern}"
    return format_decimal(value, format=pattern, locale=babel_locale())


def fmt_percent(share: float | None, decimals: int = 0, *, signed: bool = False) -> str:
    """0.423 -> '42 %' in both languages (German typography, and what the cards always showed)."""
    if _missing(share):
        return _("n/a")
    return f"{fmt_number(float(share) * 100, decimals, signed=signed)} %"


def fmt_money(value: float | None, currency: str = "EUR") -> str:
    """1234.5 -> '€1,234.50' (en) / '1.234,50 €' (de)."""
    if _missing(value):
        return _("n/a")
    from babel.numbers import format_currency

    return format_currency(float(value), currency, locale=babel_locale())


def _as_datetime(value: Any) -> _dt.date:
    if isinstance(value, str):
        return _dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if hasattr(value, "to_pydatetime"):           # pandas Timestamp
        return value.to_pydatetime()
    if type(value).__name__ == "datetime64":       # numpy, without importing it here
        import pandas as pd

        return pd.Timestamp(value).to_pydatetime()
    return value


def fmt_date(value: _dt.date | _dt.datetime | str | None) -> str:
    """2026-12-02 -> '02.12.2026' (de) / '2 Dec 2026' (en)."""
    if value is None or value == "" or _missing_time(value):
        return _("n/a")
    from babel.dates import format_date

    value = _as_datetime(value)
    if current_language() == "de":
        return format_date(value, format="dd.MM.yyyy", locale=babel_locale())
    return format_date(value, format="d MMM yyyy", locale=babel_locale())


def fmt_datetime(value: _dt.datetime | str | None) -> str:
    """2026-12-02T15:42 -> '02.12.2026, 15:42' (de) / '2 Dec 2026, 15:42' (en); the time
    as written (the edit log keeps UTC, and says so)."""
    if value is None or value == "" or _missing_time(value):
        return _("n/a")
    value = _as_datetime(value)
    if not isinstance(value, _dt.datetime):
        return fmt_date(value)
    return f"{fmt_date(value)}, {value:%H:%M}"


def _missing_time(value: Any) -> bool:
    """NaT, NaN, numpy's 'not a time' (pandas' NaT is a datetime, so test it first)."""
    if isinstance(value, str):
        return False
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError, ImportError):
        return False
