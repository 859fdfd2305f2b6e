"""Column roles: what each input column is used for.

A role decides whether a column becomes a behaviour feature, is only reported
(label, outcome), or is kept out of everything a persona shows (id, PII).
"""

from __future__ import annotations

from .i18n import N_

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

DESCRIPTIONS = {
    ID: "customer identifier: kept internal, never shown in cards",
    NUMERIC: "number used as a behaviour feature",
    CATEGORICAL: "category used as a behaviour feature (rare levels grouped)",
    BOOLEAN: "yes/no used as a behaviour feature",
    DATETIME: "date turned into 'days since' as a behaviour feature",
    TEXT: "free text: not used",
    CONSTANT: "same value everywhere: not used",
    LABEL: "known label: not used for clustering, reported per persona",
    OUTCOME: N_("outcome (churn, response, conversion, value): not used to find personas, "
                "reported per persona as a rate or average with its confidence interval"),
    PII: "personal data (e-mail, phone, name, address, IBAN): never used or shown",
    IGNORE: "ignored by your choice",
}
