"""Persona cards: the plain, shareable description of each persona (no identifiers).

A card merges what the data says (profile) with what the user wrote (fields from the
edit log). Cards are what `personas.json`, the exports and the Personas page show.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import outcomes, refine
from .events import current_journeys
from .privacy import MIN_VALUE_COUNT
from .profile import PersonaProfile


def persona_cards(ws: Any) -> list[dict[str, Any]]:
    """One JSON-able card per current persona, largest first. Never contains customer ids,
    prototypes' ids or PII values: prototypes are summarised, not listed."""
    st = ws.state()
    figures = outcomes.persona_outcomes(ws)
    cards = []
    for p in ws.personas():
        fields = st.fields.get(p.id, {})
        cards.append({
            "id": str(p.id),
            "name": fields.get("name") or p.suggested_name,
            "suggested_name": p.suggested_name,
            "description": fields.get("description") or p.suggested_description,
            "suggested_description": p.suggested_description,
            "size": p.size,
            "share": round(p.share, 6),
            "stability": None if p.stability is None else round(p.stability, 4),
            "stability_label": p.stability_label,
            "mean_confidence": round(p.mean_confidence, 4),
            "origin": st.origin.get(p.id, "discovered"),
            "lineage": ws.lineage.get(p.id),
            "traits": [_trait(t) for t in p.traits],
            "rules": [{"text": r.text, "conditions": list(r.conditions),
                       "fidelity": round(r.fidelity, 4), "coverage": round(r.coverage, 4)}
                      for r in p.rules],
            "labels": _labels(p),
            **{f: list(fields.get(f, [])) for f in refine.LIST_FIELDS},
            "notes": fields.get("notes", ""),
        })
        if journeys := current_journeys(ws).get(p.id):
            cards[-1]["journeys"] = journeys
        if figures:
            cards[-1]["outcomes"] = [outcomes.figure_record(f) for f in figures.get(p.id, [])]
    return cards


MIN_LABEL_COUNT = MIN_VALUE_COUNT   # a label value on a card is shared by at least this many of its customers


def outcomes_summary(ws: Any) -> dict[str, Any] | None:
    """All customers' outcome figures, the unassigned customers' and how they are computed
    (the document's ``outcomes``); None when the data have no outcome column."""
    figures = outcomes.persona_outcomes(ws)
    if not figures:
        return None
    return {"method": outcomes.method_note(), "min_group_size": outcomes.MIN_GROUP_SIZE,
            "all": [outcomes.figure_record(f) for f in figures[outcomes.ALL]],
            "unassigned": [outcomes.figure_record(f) for f in figures.get(outcomes.UNASSIGNED, [])]}


def _labels(p: PersonaProfile) -> dict[str, dict[str, float]]:
    """Label columns' most common values per persona, leaving out values too rare to be
    anything but identifying (a label column holding e-mails or ids shows nothing)."""
    out = {}
    for col, mix in p.label_mix:
        kept = {v: round(s, 4) for v, s in mix if s * p.size >= MIN_LABEL_COUNT}
        if kept:
            out[col] = kept
    return out


def unassigned_summary(ws: Any) -> dict[str, Any]:
    labels = ws.state().labels
    n = int((labels == refine.UNASSIGNED).sum())
    return {"size": n, "share": round(n / max(1, len(labels)), 6)}


def _trait(t: Any) -> dict[str, Any]:
    return {"feature": t.feature, "column": t.column, "kind": t.kind,
            "persona_value": _num(t.persona_value), "population_value": _num(t.population_value),
            "effect_size": _num(t.effect_size, 4), "ratio": _num(t.ratio, 4),
            "sentence": t.sentence}


def _num(v: float | None, digits: int = 6) -> float | None:
    if v is None or not np.isfinite(v):
        return None
    return round(float(v), digits)


def assignments_frame(ws: Any):
    """customer_id, persona_id, persona_name, confidence: one row per input customer, in order."""
    import pandas as pd

    st = ws.state()
    names = {p.id: ws.persona_name(p.id) for p in ws.personas()}
    names[refine.UNASSIGNED] = "Unassigned"   # a data file: the same in every language (like `score`)
    labels = st.labels.astype(str)
    conf = np.where(labels == refine.UNASSIGNED, 0.0, ws.confidence)
    return pd.DataFrame({"customer_id": ws.ids.astype(str), "persona_id": labels,
                         "persona_name": [names.get(l, l) for l in labels],
                         "confidence": np.round(conf, 4)})


CARDS_FORMAT = "persona-mining/persona-cards"
CARDS_VERSION = 2       # 2: outcomes per card and for all customers (version 1 documents still import)


def cards_document(ws: Any) -> dict[str, Any]:
    """The persona-card document: cards + unassigned share + outcomes (when the data have
    outcome columns) + provenance (what made them); its texts in the current language,
    which it records."""
    from .i18n import current_language

    doc = {"format": CARDS_FORMAT, "version": CARDS_VERSION,
           # the language of every generated text in the document (keys are language-neutral)
           "language": current_language(),
            "personas": persona_cards(ws), "unassigned": unassigned_summary(ws),
            "quality": {k: ws.metrics.get(k) for k in
                        ("n_personas", "unassigned_share", "silhouette", "dbcv")},
            "provenance": {**ws.provenance, "config": _public_config(ws),
                           "dataset": {"file": ws.source.source, "sha256": ws.source.sha256,
                                       "rows": ws.source.n_rows,
                                       "columns": ws.source.n_columns},
                           "edit_count": len(ws.edits)}}
    summary = outcomes_summary(ws)
    if summary is not None:
        doc["outcomes"] = summary
    return doc


def _public_config(ws: Any) -> dict[str, Any]:
    return ws.config.to_dict()
