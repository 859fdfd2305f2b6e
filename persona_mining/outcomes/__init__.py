"""Outcomes per persona: what each persona is worth (churn, conversion, response, value).

An *outcome* column says what happened to a customer — churned, converted, answered the
last campaign, cancelled, their lifetime value — rather than how they behave. Outcomes
are kept out of the behaviour features (personas are found on behaviour, then judged by
their outcomes: clustering on churn would find "the churners" and explain nothing) and
are reported per persona: a **rate** for yes/no outcomes, a **mean** for numbers, each
with a 95 % confidence interval, against all customers, in one plain sentence ("churns
2.3× as often as the average customer: 42 % ± 3 vs 27 %").

Intervals
    rates: Wilson score interval — keeps its 95 % coverage for small groups and for
        rates near 0 or 1, where the usual "p ± 1.96·se" does not;
    means: Student t interval, mean ± t(0.975, n − 1) · s / √n.
    Both are computed from per-group counts, sums and sums of squares
    (:func:`group_sums`), so partitions of a large file add up exactly (Dask) and the
    tracking periods use the very same formula as the persona cards.

A persona's figure "differs" from all customers when its interval excludes the rate
(mean) of all customers; otherwise the sentence says "about as often as".

Privacy: a group with fewer than :data:`privacy.MIN_GROUP_SIZE` customers with a value
gets no figure at all (``suppressed``), on every page and in every export. Figures follow
the user's edits (merge, split, reassign, discard): they are computed from the current
persona labels, cached per edit like the profiles.

Which columns are outcomes: the role ``outcome`` (set by the user, ``--outcome COL`` on
the command line, or inferred by :func:`outcome_reason` from the name *and* the values:
a yes/no column named like churn, cancelled, converted, purchased, response, … in
English or German, or a number named like a lifetime value or a future revenue). A
behaviour column such as ``revenue_12m`` or ``purchases`` is not an outcome.
"""

from __future__ import annotations

from ..privacy import MIN_GROUP_SIZE
from .names import (CONCEPT_NAMES, HIGHER_IS_BETTER, OTHER, RATE_WORDS, VALUE_WORDS, VERBS,
                    concept_of, name_tokens, outcome_reason)
from .personas import (outcome_columns, overview_frame, persona_outcomes, selection_outcomes,
                       workspace_specs)
from .reading import MEAN, RATE, OutcomeSpec, infer_spec, specs_for, value_keys
from .stats import (ALL, UNASSIGNED, OutcomeFigure, estimate, figure, figures, group_sums,
                    t_interval, wilson)
from .tracking import TRACKING_COLUMNS, model_outcomes, partition_sums, tracking_frame
from .words import (Metric, figure_record, fmt_error, fmt_interval, fmt_spread, fmt_value, label,
                    method_note, metric, sentence, title)

__all__ = ["ALL", "CONCEPT_NAMES", "HIGHER_IS_BETTER", "MEAN", "MIN_GROUP_SIZE", "Metric", "OTHER",
           "OutcomeFigure", "OutcomeSpec", "RATE", "RATE_WORDS", "TRACKING_COLUMNS", "UNASSIGNED",
           "VALUE_WORDS", "VERBS", "concept_of", "estimate", "figure", "figure_record", "figures",
           "fmt_error", "fmt_interval", "fmt_spread", "fmt_value", "group_sums", "infer_spec",
           "label", "method_note", "metric", "model_outcomes", "name_tokens", "outcome_columns",
           "outcome_reason", "overview_frame", "partition_sums", "persona_outcomes",
           "selection_outcomes", "sentence", "specs_for", "t_interval", "title", "tracking_frame",
           "value_keys", "wilson", "workspace_specs"]
