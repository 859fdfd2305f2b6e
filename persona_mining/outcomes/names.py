"""Which columns are outcomes: words of column names (English and German) that name an
outcome, checked together with the values (a yes/no outcome needs two values)."""

from __future__ import annotations

import re
from typing import Iterable

import pandas as pd

from ..i18n import N_, _

OTHER = "other"                           # concept of an outcome whose name says nothing

# Words (after lower-casing, umlauts as ae/oe/ue, split at _ - space and camelCase) that
# name a yes/no outcome. A column is only an outcome when it also has exactly two values:
# "purchased" (yes/no) is an outcome, "purchases_12m" (a count) is behaviour.
RATE_WORDS: dict[str, tuple[str, ...]] = {
    "churn": ("churn", "churned", "churner", "churning", "attrition", "attrited", "exited",
              "abwanderung", "abgewandert", "kuendigung", "gekuendigt", "kuendiger",
              "kuendigt"),
    "cancel": ("cancel", "cancelled", "canceled", "cancellation", "storno", "storniert",
               "stornierung"),
    "convert": ("converted", "conversion", "convert", "konvertiert", "konversion"),
    "purchase": ("purchased", "purchase", "bought", "gekauft", "kauf", "revenue", "umsatz"),
    "respond": ("response", "responded", "responder", "antwort", "geantwortet", "reaktion",
                "reagiert"),
}
# Numbers that are an outcome: a (customer) lifetime value, or money "next"/"future".
VALUE_WORDS = ("clv", "cltv", "ltv", "lifetimevalue", "customerlifetimevalue", "customervalue",
               "kundenwert", "kundenlebenswert", "lebenszeitwert")
FORWARD_WORDS = ("next", "future", "following", "naechste", "naechsten", "naechstes",
                 "zukuenftig", "zukuenftige", "zukuenftiger", "kuenftig", "kuenftige", "folgende")
MONEY_WORDS = ("revenue", "umsatz", "spend", "sales", "value", "wert", "profit", "gewinn",
               "margin", "marge")
# A name with one of these describes past behaviour or a derived number, not an outcome:
# "churn_score", "response_rate", "cancellation_date", "previous_response".
NOT_OUTCOME_WORDS = ("rate", "ratio", "share", "anteil", "quote", "count", "cnt", "num", "number",
                     "anzahl", "prob", "probability", "wahrscheinlichkeit", "score", "risk",
                     "risiko", "propensity", "days", "tage", "date", "datum", "time", "zeit",
                     "reason", "grund", "type", "typ", "channel", "kanal", "prev", "previous",
                     "past", "prior", "before", "frueher", "vorherige", "vorjahr")
# Level texts that mark the "yes" of a two-level column with other words than yes/no
# ("Attrited Customer" / "Existing Customer").
YES_HINTS: dict[str, tuple[str, ...]] = {
    "churn": ("churn", "attrit", "exit", "left", "lost", "former", "cancel", "kuendig",
              "abgewandert", "ehemalig"),
    "cancel": ("cancel", "storn"),
    "convert": ("convert", "konvert", "success", "won", "erfolg"),
    "purchase": ("buy", "bought", "purchas", "kauf", "gekauft"),
    "respond": ("respon", "antwort", "reagiert", "accepted"),
}
# yes/no words of both languages (as in ingest's flags), lower case.
YES_WORDS = ("1", "1.0", "true", "yes", "ja", "y", "j", "t", "wahr")
NO_WORDS = ("0", "0.0", "false", "no", "nein", "n", "f", "falsch")

CONCEPT_NAMES = {"churn": N_("churn"), "cancel": N_("cancellation"), "convert": N_("conversion"),
                 "purchase": N_("purchase"), "respond": N_("response"),
                 "value": N_("customer value"), OTHER: N_("outcome")}
# Verb of the plain sentence: "churns 2.3× as often as the average customer".
VERBS = {"churn": N_("churns"), "cancel": N_("cancels"), "convert": N_("converts"),
         "purchase": N_("buys"), "respond": N_("responds")}
# Whether more is good news (for colours and arrows); None: the name does not say.
HIGHER_IS_BETTER = {"churn": False, "cancel": False, "convert": True, "purchase": True,
                    "respond": True, "value": True, OTHER: None}

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def name_tokens(name: str) -> list[str]:
    """'hasChurned_next90d' -> ['has', 'churned', 'next90d']; 'Kündigung' -> ['kuendigung']."""
    split = re.sub(r"(?<=[a-zäöü0-9])(?=[A-ZÄÖÜ])", "_", str(name))
    return [t for t in re.split(r"[^a-z0-9]+", split.lower().translate(_UMLAUTS)) if t]


def _matches(token: str, words: Iterable[str]) -> bool:
    # whole token, or a long word at the start or end of a compound ("ischurned",
    # "kundenkuendigung"); short words ("kauf", "ltv") only as whole tokens; a plural
    # ("purchases", "cancellations") counts events: behaviour, not an outcome
    words = tuple(words)
    if any(token in (w + "s", w + "es") for w in words):
        return False
    return any(token == w or (len(w) >= 5 and (token.startswith(w) or token.endswith(w)))
               for w in words)


def concept_of(name: str) -> str | None:
    """The kind of outcome a column name points to (churn, cancel, convert, purchase,
    respond, value), or None when the name does not read like an outcome."""
    tokens = name_tokens(name)
    if not tokens or any(t in NOT_OUTCOME_WORDS for t in tokens):
        return None
    for concept, words in RATE_WORDS.items():
        if any(_matches(t, words) for t in tokens):
            if concept == "purchase" and any(t in FORWARD_WORDS for t in tokens) \
                    and any(_matches(t, ("revenue", "umsatz")) for t in tokens):
                return "value"          # "revenue_next_12m": money to come, not a yes/no
            return concept
    joined = "".join(tokens)
    if any(t in VALUE_WORDS for t in tokens) or any(w in joined for w in VALUE_WORDS if len(w) > 4):
        return "value"
    if any(t in FORWARD_WORDS for t in tokens) and any(_matches(t, MONEY_WORDS) for t in tokens):
        return "value"
    return None


def outcome_reason(name: str, values: pd.Series) -> str | None:
    """Why a column is an outcome (for the role table), or None. ``values`` are the
    column's non-missing values. Name and values must agree: a yes/no outcome needs a
    column with exactly two values, a value outcome needs numbers."""
    concept = concept_of(name)
    if concept is None or values.empty:
        return None
    numeric = pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype)
    try:
        n_distinct = int(values.nunique())
    except TypeError:
        n_distinct = int(values.astype("str").nunique())
    what = _(CONCEPT_NAMES[concept])
    if concept == "value":
        if not numeric or n_distinct <= 2:
            return None
        return _("name suggests an outcome ({what}): reported per persona as an average, "
                 "not used to find personas", what=what)
    if n_distinct != 2:
        return None
    return _("name suggests an outcome ({what}, two values): reported per persona as a rate, "
             "not used to find personas", what=what)
