"""Translations (German and English) and locale-aware number and date formats.

Every text a user reads goes through :func:`_` (or :func:`ngettext` where a count
decides the wording). The English text is the message id, gettext style, so code stays
readable and a missing translation falls back to English instead of showing a key.
Catalogues are the gettext ``.po`` files in ``persona_mining/locale/<lang>/LC_MESSAGES/``,
read with Babel (no compiled ``.mo`` step to forget); ``tests/test_i18n.py`` extracts
every message from the code with Babel and fails when German lacks one.

The language is a context variable, not a process global: several people share one
Streamlit server, each session sets its own language at the top of every script run
(``pages/_shared``), and the CLI sets it from ``--lang``.

Usage::

    from persona_mining.i18n import _, ngettext, N_
    _("{n} customers", n=1234)            # placeholders are str.format fields
    ngettext("{n} persona", "{n} personas", k, n=k)
    LABELS = {"stable": N_("stable")}       # marked at import, translated where shown: _(LABELS[x])
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as _dt
import math
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

# Public, including ``_`` (the gettext convention every page and module uses for its texts).
__all__ = ["LANGUAGES", "DEFAULT_LANGUAGE", "LANGUAGE_NAMES", "LOCALE_DIR", "DOMAIN",
           "normalise_language", "current_language", "set_language", "language", "catalogue",
           "reload_catalogues", "_", "gettext", "ngettext", "N_", "fmt_number", "fmt_percent",
           "fmt_money", "fmt_date"]

LANGUAGES = ("en", "de")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("persona_mining_lang",
                                                               default=DEFAULT_LANGUAGE)


# -- language ---------------------------------------------------------------------------
def normalise_language(lang: str | None) -> str:
    """'de-DE', 'de_AT', 'DE' -> 'de'; anything unknown -> the default (English)."""
    code = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
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
class _Catalogue:
    """Messages of one language: singular msgid -> text, (msgid) -> plural forms."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.messages: dict[str, str | tuple[str, ...]] = {}
        self.plural_index = lambda n: 0 if n == 1 else 1
        path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if lang == DEFAULT_LANGUAGE or not path.exists():
            return
        from babel.messages.pofile import read_po

        with path.open("rb") as fh:
            cat = read_po(fh, locale=lang)
        self.plural_index = lambda n, _expr=cat.plural_expr: int(eval(_expr, {"n": n}))  # noqa: S307 (our own catalogue's plural rule)
        for msg in cat:
            if not msg.id or msg.fuzzy:
                continue
            key = msg.id[0] if isinstance(msg.id, (tuple, list)) else msg.id
            if isinstance(msg.string, (tuple, list)):
                if all(msg.string):
                    self.messages[key] = tuple(msg.string)
            elif msg.string:
                self.messages[key] = msg.string


@lru_cache(maxsize=None)
def catalogue(lang: str) -> _Catalogue:
    return _Catalogue(normalise_language(lang))


def reload_catalogues() -> None:
    """Forget loaded catalogues (tests that edit a .po file; a dev server after an edit)."""
    catalogue.cache_clear()


# -- translating ----------------------------------------------------------------------------
def _(msgid: str, /, **fields: Any) -> str:
    """``msgid`` in the current language, with ``{placeholders}`` filled from ``fields``."""
    text = catalogue(current_language()).messages.get(msgid, msgid)
    if isinstance(text, tuple):
        text = text[0]
    return text.format(**fields) if fields else text


gettext = _


def ngettext(singular: str, plural: str, n: int, /, **fields: Any) -> str:
    """Singular or plural form for count ``n`` (German and English: one vs many)."""
    cat = catalogue(current_language())
    forms = cat.messages.get(singular)
    if isinstance(forms, tuple):
        text = forms[min(cat.plural_index(n), len(forms) - 1)]
    else:
        text = singular if n == 1 else plural
    return text.format(**fields) if fields else text


def N_(msgid: str, /) -> str:
    """Mark a text for translation where it is defined (module constants); translate
    it with :func:`_` where it is shown, in the language of that moment."""
    return msgid


# -- numbers and dates (Babel) ----------------------------------------------------------------
def _locale() -> str:
    return {"de": "de_DE", "en": "en_GB"}[current_language()]


def fmt_number(value: float | int | None, decimals: int = 0) -> str:
    """1234.5 -> '1,234.5' (en) / '1.234,5' (de); missing -> 'n/a' / 'k. A.'."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return _("n/a")
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=_locale())


def fmt_percent(share: float | None, decimals: int = 0) -> str:
    """0.423 -> '42 %' in both languages (German typography, and what the cards always showed)."""
    if share is None or not math.isfinite(share):
        return _("n/a")
    return f"{fmt_number(share * 100, decimals)} %"


def fmt_money(value: float | None, currency: str = "EUR") -> str:
    """1234.5 -> '€1,234.50' (en) / '1.234,50 €' (de)."""
    if value is None or not math.isfinite(value):
        return _("n/a")
    from babel.numbers import format_currency

    return format_currency(value, currency, locale=_locale())


def fmt_date(value: _dt.date | _dt.datetime | str | None) -> str:
    """2026-12-02 -> '02.12.2026' (de) / '2 Dec 2026' (en)."""
    if value is None or value == "":
        return _("n/a")
    if isinstance(value, str):
        value = _dt.datetime.fromisoformat(value)
    from babel.dates import format_date

    if current_language() == "de":
        return format_date(value, format="dd.MM.yyyy", locale=_locale())
    return format_date(value, format="d MMM yyyy", locale=_locale())
