"""Personal data (PII) by column name and by value: names, addresses, e-mails, phone
numbers, bank accounts, birth dates, postal codes, official identifiers.
"""

from __future__ import annotations

import re

import pandas as pd

from ..i18n import N_, _
from .messages import _pct
from .values import _MAX_CATEGORIES, _sample


_PII_NAMES = (
    (r"(?:(?:first|last|full|given|family|middle|maiden|sur|customer|client|contact|user|"
     r"kunden|person|display)_?)?name|vor_?name|nach_?name|familienname|name_(?:first|last|full)",
     N_("a person's name")),
    (r".*(?:^|_)(?:address|adresse|anschrift|street|strasse|straße|house_number|hausnummer)"
     r"(?:_.*|$)", N_("an address")),
    (r".*(?:^|_)e_?mail(?:_.*|$)|mail|mail_address", N_("an e-mail address")),
    (r".*(?:^|_)(?:phone|telephone|telefon|tel|mobile|mobil|handy|fax|cell)"
     r"(?:_(?:number|nummer|nr|no))?", N_("a phone number")),
    (r".*(?:^|_)(?:iban|bic|account_number|kontonummer)(?:_.*|$)", N_("a bank account")),
    (r"birthday|birth_?date|date_of_birth|dob|geburtstag|geburtsdatum|birth_day",
     N_("a birth date")),
    (r"zip|zip_?code|postal_?code|post_?code|plz|postleitzahl|postal", N_("a postal code")),
    (r"ssn|social_security_number|passport(?:_.*)?|tax_id|steuer_id|steuernummer|ip|ip_address",
     N_("an official or network identifier")),
)
# Names that mean personal data even when the values are plain numbers.
_NUMERIC_PII_NAME = re.compile(
    r"(?:phone|telephone|telefon|tel|mobile|mobil|handy|fax)(?:_?(?:number|nummer|nr|no))?|"
    r"zip|zip_?code|postal_?code|post_?code|plz|postleitzahl|iban|account_number|kontonummer|"
    r"ssn|social_security_number|tax_id|steuer_id|steuernummer")
_PII_PARSE_SAMPLE = 2_000
_EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}"
_IBAN = r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}"
_PHONE = r"(?:\+|00|0|\()[\d\s()/\-]{6,24}"
_STREET = (r"(?:[\w.'\-]+\s)*[\w.'\-]*(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm|"
           r"ufer|chaussee|steig|pfad)\s*\d+\s*[a-z]?\b.*"
           r"|\d+[a-z]?\s+(?:[\w.'\-]+\s)+(?:street|st\.?|road|rd\.?|avenue|ave\.?|lane|ln\.?|"
           r"drive|dr\.?|boulevard|blvd\.?|way|court|ct\.?|place|pl\.?|square|sq\.?|terrace|"
           r"close|crescent|highway|hwy\.?)(?:\s.*|,.*)?")
_PII_SHARE = 0.8


def _pii_by_name(norm: str, kind: str, n_distinct: int, n_sampled: int) -> str | None:
    """Reason if the name means personal data and the values could identify someone.

    Personal values are varied: a column with two values (email_opt_in: yes/no) or a
    handful of repeated ones (share_mobile: low/high) is a behaviour, not contact data.
    """
    if n_distinct <= 2 or (n_distinct <= _MAX_CATEGORIES and n_distinct < 0.2 * n_sampled):
        return None
    for pattern, meaning in _PII_NAMES:
        if re.fullmatch(pattern, norm):
            if kind == "text" or (kind == "numeric" and _NUMERIC_PII_NAME.fullmatch(norm)) \
                    or (kind == "datetime" and meaning == N_("a birth date")):
                return _("column name suggests personal data ({meaning})", meaning=_(meaning))
    return None


def _pii_by_value(texts: pd.Series) -> str | None:
    """Reason if most sampled values are e-mails, IBANs, phone numbers or street addresses."""
    texts = _sample(texts, _PII_PARSE_SAMPLE)
    checks = (
        (N_("e-mail addresses"), lambda t: t.str.fullmatch(_EMAIL)),
        (N_("IBANs"), lambda t: t.str.replace(" ", "", regex=False).str.upper().str.fullmatch(_IBAN)),
        (N_("phone numbers"), lambda t: t.str.fullmatch(_PHONE)
         & t.str.count(r"\d").between(9, 15)),
        (N_("street addresses"), lambda t: t.str.match(_STREET, case=False)),
    )
    for what, test in checks:
        share = float(test(texts).fillna(False).mean())
        if share >= _PII_SHARE:
            return _("looks like {what} ({share} of sampled values)", what=_(what), share=_pct(share))
    return None
