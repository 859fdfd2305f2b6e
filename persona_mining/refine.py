"""User edits to personas as an append-only log, replayed on top of the discovered clustering.

Personas the user stands behind are *derived*: ``apply_edits(base, edits)``. Undo
drops the last edit (kept for redo), so every state can be reproduced exactly and
the log doubles as the audit trail. Edits are plain JSON dicts, saved in the
workspace manifest. A split stores which members went where, so replaying never
re-runs a random clustering.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .errors import InputError
from .i18n import N_, _, fmt_number, ngettext

UNASSIGNED = "unassigned"
TEXT_FIELDS = ("name", "description", "notes")
LIST_FIELDS = ("goals", "pain_points", "quotes", "hypotheses", "tags")
USER_FIELDS = TEXT_FIELDS + LIST_FIELDS
MAX_TEXT = 5_000


@dataclass(frozen=True)
class PersonaState:
    """Persona label per customer (ids or "unassigned") and user fields per persona."""

    labels: np.ndarray                          # object array of persona ids
    fields: Mapping[str, Mapping[str, Any]]     # pid -> {"name": ..., "goals": [...], ...}
    origin: Mapping[str, str] = field(default_factory=dict)   # pid -> "discovered" / "merge of P1, P2" ...
    issued: int = 0          # highest persona number ever used: ids are never reused


def base_state(labels: np.ndarray, ids: Sequence[str],
               carried: Mapping[str, Mapping[str, Any]] | None = None) -> PersonaState:
    """State before any edit: cluster c -> ``ids[c]``, -1 -> unassigned."""
    names = np.array(list(ids) + [UNASSIGNED], dtype=object)
    lab = names[np.where(labels >= 0, labels, len(ids))]
    fields = {pid: dict((carried or {}).get(pid, {})) for pid in ids}
    return PersonaState(labels=lab, fields=fields, origin={pid: "discovered" for pid in ids},
                        issued=max(_numbers(ids), default=0))


def apply_edits(state: PersonaState, edits: Iterable[Mapping[str, Any]]) -> PersonaState:
    labels = state.labels.copy()
    fields = {k: dict(v) for k, v in state.fields.items()}
    origin = dict(state.origin)
    issued = state.issued
    for e in edits:
        _apply_one(e, labels, fields, origin)
        if e["op"] == "split":
            issued = max([issued, *_numbers(e["parts"])])
    return PersonaState(labels=labels, fields=fields, origin=origin, issued=issued)


def _apply_one(e: Mapping[str, Any], labels: np.ndarray, fields: dict, origin: dict) -> None:
    op = e["op"]
    if op == "set":
        _need(fields, e["persona"])
        fields[e["persona"]][e["field"]] = e["value"]
    elif op == "merge":
        into = e["into"]
        for pid in e["personas"]:
            _need(fields, pid)
        for pid in e["personas"]:
            if pid != into:
                labels[labels == pid] = into
                merged = fields.pop(pid)
                for f in LIST_FIELDS:   # keep what the user wrote on the merged personas
                    fields[into][f] = _union(fields[into].get(f, []), merged.get(f, []))
                origin.pop(pid, None)
        origin[into] = "merge of " + ", ".join(e["personas"])
    elif op == "split":
        _need(fields, e["persona"])
        rows = labels == e["persona"]
        for new_id, members in e["parts"].items():
            idx = np.asarray(members, dtype=np.int64)
            idx = idx[rows[idx]]          # only members that are still in the persona
            labels[idx] = new_id
            fields[new_id] = {}
            origin[new_id] = f"split from {e['persona']}"
    elif op == "reassign":
        to = e["to"]
        if to != UNASSIGNED:
            _need(fields, to)
        labels[np.asarray(e["rows"], dtype=np.int64)] = to
    elif op == "discard":
        _need(fields, e["persona"])
        labels[labels == e["persona"]] = UNASSIGNED
        fields.pop(e["persona"])
        origin.pop(e["persona"], None)
    else:
        raise InputError(_("unknown edit '{op}' in the edit log", op=op))
    # A persona left without members (all reassigned away) disappears.
    present = set(np.unique(labels))
    for pid in [p for p in fields if p not in present and op in ("reassign", "split")]:
        fields.pop(pid)
        origin.pop(pid, None)


def _need(fields: Mapping[str, Any], pid: str) -> None:
    if pid not in fields:
        known = ", ".join(sorted(fields, key=_natural)) or _("none")
        raise InputError(_("persona '{persona}' does not exist (personas now: {known})",
                           persona=pid, known=known))


def _union(a: Sequence[str], b: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(list(a) + list(b)))


def _natural(s: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", s))


# -- building edits (validated against the current state) -------------------------------
def _stamp(edit: dict[str, Any], summary: str) -> dict[str, Any]:
    edit["at"] = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    edit["summary"] = summary
    return edit


def edit_set(state: PersonaState, pid: str, field_name: str, value: Any) -> dict[str, Any]:
    _need(state.fields, pid)
    if field_name not in USER_FIELDS:
        raise InputError(_("'{field}' is not an editable field; use one of {fields}",
                           field=field_name, fields=", ".join(USER_FIELDS)))
    if field_name in LIST_FIELDS:
        items = [value] if isinstance(value, str) else list(value or [])
        value = [str(v).strip()[:MAX_TEXT] for v in items if str(v).strip()]
    else:
        value = str(value or "").strip()[:MAX_TEXT]
        if field_name == "name" and not value:
            raise InputError(_("a persona name cannot be empty"))
    label = "renamed" if field_name == "name" else f"edited {field_name.replace('_', ' ')} of"
    return _stamp({"op": "set", "persona": pid, "field": field_name, "value": value},
                  f"{label} {pid}" + (f" to “{value}”" if field_name == "name" else ""))


def edit_merge(state: PersonaState, pids: Sequence[str]) -> dict[str, Any]:
    pids = list(dict.fromkeys(pids))
    if len(pids) < 2:
        raise InputError(_("choose at least two personas to merge"))
    for pid in pids:
        _need(state.fields, pid)
    sizes = {p: int((state.labels == p).sum()) for p in pids}
    into = max(pids, key=lambda p: (sizes[p], -pids.index(p)))   # the largest keeps its id and name
    return _stamp({"op": "merge", "personas": pids, "into": into},
                  f"merged {', '.join(pids)} into {into}")


def edit_split(state: PersonaState, pid: str, parts: Sequence[np.ndarray]) -> dict[str, Any]:
    """``parts``: row positions per new part; the first part keeps ``pid``."""
    _need(state.fields, pid)
    if len(parts) < 2:
        raise InputError(_("a split needs at least two parts"))
    members = set(np.flatnonzero(state.labels == pid).tolist())
    for p in parts:
        if not set(np.asarray(p).tolist()) <= members:
            raise InputError(_("a split part contains customers who are not in persona {persona}",
                               persona=pid))
    new_ids = next_ids(state, len(parts) - 1)
    moved = {nid: sorted(int(i) for i in p) for nid, p in zip(new_ids, parts[1:])}
    return _stamp({"op": "split", "persona": pid, "parts": moved},
                  f"split {pid} into {pid}, {', '.join(new_ids)}")


def edit_reassign(state: PersonaState, rows: Sequence[int], to: str) -> dict[str, Any]:
    if to != UNASSIGNED:
        _need(state.fields, to)
    rows = sorted({int(r) for r in rows})
    if not rows:
        raise InputError(_("no customers selected to reassign"))
    if rows[0] < 0 or rows[-1] >= len(state.labels):
        raise InputError(_("selected customers are outside the data"))
    return _stamp({"op": "reassign", "rows": rows, "to": to},
                  f"moved {len(rows)} customers to {to}")


def edit_discard(state: PersonaState, pid: str) -> dict[str, Any]:
    _need(state.fields, pid)
    return _stamp({"op": "discard", "persona": pid},
                  f"discarded {pid} (its members are now unassigned)")


def next_ids(state: PersonaState, n: int) -> list[str]:
    start = max([state.issued, *_numbers(state.fields)]) + 1
    return [f"P{start + i}" for i in range(n)]


def _numbers(ids: Iterable[str]) -> list[int]:
    return [int(m.group(1)) for p in ids if (m := re.fullmatch(r"P(\d+)", str(p)))]


# -- in words, in the language of the moment --------------------------------------------------
FIELD_WORDS = {"name": N_("name"), "description": N_("description"), "notes": N_("notes"),
               "goals": N_("goals"), "pain_points": N_("pain points"), "quotes": N_("quotes"),
               "hypotheses": N_("business hypotheses"), "tags": N_("tags")}


def field_word(field_name: str) -> str:
    """'pain_points' -> 'pain points' / 'Pain Points'."""
    return _(FIELD_WORDS[field_name]) if field_name in FIELD_WORDS else field_name.replace("_", " ")


def describe_edit(e: Mapping[str, Any]) -> str:
    """What an edit did, in the current language, from the edit itself (its stored
    ``summary`` is the English of the moment it was made: the audit trail in files)."""
    op = e.get("op")
    if op == "set" and e.get("field") == "name":
        text = _("renamed {persona} to “{name}”", persona=e["persona"], name=e.get("value", ""))
    elif op == "set":
        text = _("edited {field} of {persona}", field=field_word(e.get("field", "")),
                 persona=e["persona"])
    elif op == "merge":
        text = _("merged {personas} into {into}", personas=", ".join(e["personas"]),
                 into=e["into"])
    elif op == "split":
        text = _("split {persona} into {parts}", persona=e["persona"],
                 parts=", ".join([e["persona"], *e["parts"]]))
    elif op == "reassign":
        n = len(e.get("rows", ()))
        to = _("unassigned") if e["to"] == UNASSIGNED else e["to"]
        text = ngettext("moved {n} customer to {to}", "moved {n} customers to {to}", n,
                        n=fmt_number(n), to=to)
    elif op == "discard":
        text = _("discarded {persona} (its members are now unassigned)", persona=e["persona"])
    else:
        return str(e.get("summary", op or ""))
    if e.get("imported") or str(e.get("summary", "")).endswith(" (imported)"):
        text = _("{edit} (imported)", edit=text)
    return text


def origin_label(origin: str) -> str:
    """PersonaState.origin ('discovered', 'merge of P1, P2', 'split from P3') in words."""
    if origin == "discovered":
        return _("discovered")
    if origin.startswith("merge of "):
        return _("merge of {personas}", personas=origin[len("merge of "):])
    if origin.startswith("split from "):
        return _("split from {persona}", persona=origin[len("split from "):])
    return origin


# -- lineage: keep persona identities across re-discovery -----------------------------------
def match_lineage(old: np.ndarray, new_clusters: np.ndarray, old_ids: Sequence[str],
                  min_jaccard: float = 0.3) -> tuple[list[str], dict[str, str]]:
    """Name new clusters after the old personas they overlap most (Hungarian on Jaccard).

    Returns the persona id per new cluster and a status per id: "kept" (matched,
    overlap >= 0.9), "changed" (matched, lower overlap), "new", or "gone" for old
    personas with no match.
    """
    from scipy.optimize import linear_sum_assignment

    k = int(new_clusters.max()) + 1 if (new_clusters >= 0).any() else 0
    old_ids = list(old_ids)
    jac = np.zeros((k, len(old_ids)))
    for c in range(k):
        a = new_clusters == c
        for j, pid in enumerate(old_ids):
            b = old == pid
            union = np.logical_or(a, b).sum()
            jac[c, j] = np.logical_and(a, b).sum() / union if union else 0.0
    ids: list[str | None] = [None] * k
    status: dict[str, str] = {}
    if k and old_ids:
        rows, cols = linear_sum_assignment(-jac)
        for r, c in zip(rows, cols):
            if jac[r, c] >= min_jaccard:
                ids[r] = old_ids[c]
                status[old_ids[c]] = "kept" if jac[r, c] >= 0.9 else "changed"
    nxt = max(_numbers(old_ids), default=0) + 1
    for c in range(k):
        if ids[c] is None:
            ids[c] = f"P{nxt}"
            status[ids[c]] = "new"
            nxt += 1
    for pid in old_ids:
        status.setdefault(pid, "gone")
    return [str(i) for i in ids], status


def propose_split(ws: Any, pid: str, k: int = 2, seed: int = 42) -> list[np.ndarray]:
    """Re-cluster only the members of ``pid`` (k-means on their embedding) into ``k``
    parts, largest first, for the user to preview before accepting the split."""
    from sklearn.cluster import KMeans

    state = ws.state()
    _need(state.fields, pid)
    members = np.flatnonzero(state.labels == pid)
    if not 2 <= k <= 6:
        raise InputError(_("split into 2 to 6 parts"))
    if len(members) < 2 * k:
        raise InputError(ngettext(
            "persona {persona} has only {n} customer — too few to split into {k} parts",
            "persona {persona} has only {n} customers — too few to split into {k} parts",
            len(members), persona=pid, k=k))
    part = KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(ws.Z[members])
    parts = [members[part == c] for c in range(k)]
    return sorted(parts, key=lambda p: (-len(p), int(p[0])))
