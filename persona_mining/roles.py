"""Column roles: what each input column is used for.

A role decides whether a column becomes a behaviour feature, is only reported
(label, outcome), or is kept out of everything a persona shows (id, PII).
"""

from __future__ import annotations

from .i18n import N_, _

ID = "id"                # customer identifier: kept internal, never in cards
NUMERIC = "numeric"      # feature
CATEGORICAL = "categorical"  # feature (one-hot, rare levels grouped)
BOOLEAN = "boolean"      # feature (0/1)
DATETIME = "datetime"    # feature as "days since" the latest date in the data
TEXT = "text"            # free text: ignored
CONSTANT = "constant"    # one value only: ignored
LABEL = "label"          # kept out of features, reported per persona (e.g. a known segment)
OUTCOME = "outcome"      # what happened to the customer (churn, response, value): kept out of
                         # the features, reported per persona as a rate or mean (outcomes.py)
PII = "pii"              # personal data: excluded from features and from every output
IGNORE = "ignore"        # the user's choice: not used

FEATURE_ROLES = (NUMERIC, CATEGORICAL, BOOLEAN, DATETIME)
ALL_ROLES = (ID, NUMERIC, CATEGORICAL, BOOLEAN, DATETIME, TEXT, CONSTANT, LABEL, OUTCOME, PII,
             IGNORE)
# Roles whose values must never appear in any persona output.
PRIVATE_ROLES = (ID, PII, TEXT)

# What each role means, for the glossary on the Data page (translated where shown: _()).
DESCRIPTIONS = {
    ID: N_("customer identifier: kept internal, never shown in cards"),
    NUMERIC: N_("number used as a behaviour feature"),
    CATEGORICAL: N_("category used as a behaviour feature (rare levels grouped)"),
    BOOLEAN: N_("yes/no used as a behaviour feature"),
    DATETIME: N_("date turned into 'days since' as a behaviour feature"),
    TEXT: N_("free text: not used"),
    CONSTANT: N_("same value everywhere: not used"),
    LABEL: N_("known label: not used for clustering, reported per persona"),
    OUTCOME: N_("outcome (churn, response, conversion, value): not used to find personas, "
                "reported per persona as a rate or average with its confidence interval"),
    PII: N_("personal data (e-mail, phone, name, address, IBAN): never used or shown"),
    IGNORE: N_("ignored by your choice"),
}
# The roles as the workbench shows them (the keys above stay the stored values).
NAMES = {ID: N_("id"), NUMERIC: N_("numeric"), CATEGORICAL: N_("categorical"),
         BOOLEAN: N_("boolean"), DATETIME: N_("datetime"), TEXT: N_("text"),
         CONSTANT: N_("constant"), LABEL: N_("label"), OUTCOME: N_("outcome"), PII: N_("pii"),
         IGNORE: N_("ignore")}


def role_name(role: str) -> str:
    """A role in the current language ('numeric' -> 'Zahl'); unknown values as they are."""
    return _(NAMES[role]) if role in NAMES else str(role)


def role_description(role: str) -> str:
    return _(DESCRIPTIONS[role]) if role in DESCRIPTIONS else ""
