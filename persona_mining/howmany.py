"""The "how many personas" view: why the engine chose this number, and the others.

The evidence comes from discovery (``Workspace.suggestions``, see
``pipeline.how_many_table``): for hdbscan the merge sequence of its candidate groups
with how distinct the closest pair is at every number and how stable the least stable
persona is; for k-means, gmm and Ward the silhouette (and BIC) curve. This module turns it
into a few sentences a product owner can follow and the numbers one click can pick.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from .consolidate import DISTINCT_GAIN, MAX_DEFAULT_PERSONAS
from .i18n import _, fmt_number, ngettext
from .profile import humanize
from .validity import SHAKY


@dataclass(frozen=True)
class HowMany:
    """What the view shows: the current and the engine's number of personas, the evidence
    table (one row per number), sentences saying why, and the numbers to pick from."""

    current: int
    chosen: int | None              # the engine's choice at discovery (None: not recorded)
    table: pd.DataFrame
    sentences: tuple[str, ...]
    options: tuple[int, ...]
    by_merging: bool                # hdbscan's merge evidence (else a silhouette curve)


def how_many(ws: Any) -> HowMany:
    """The evidence for the workspace's number of personas, in the reader's language."""
    table = ws.suggestions if ws.suggestions is not None else pd.DataFrame()
    current = len(ws.personas())
    if "closest_gain" not in table.columns:
        return _by_silhouette(table, current, ws)
    chosen_rows = table[table.get("chosen", False) == True]  # noqa: E712 (pandas mask)
    chosen = int(chosen_rows["k"].iloc[0]) if len(chosen_rows) else None
    options = tuple(int(k) for k in table["k"] if 2 <= int(k))
    return HowMany(current=current, chosen=chosen, table=table,
                   sentences=tuple(_merge_sentences(table, chosen, ws)), options=options,
                   by_merging=True)


def _merge_sentences(table: pd.DataFrame, chosen: int | None, ws: Any) -> list[str]:
    if chosen is None:
        return []
    rows = table.set_index("k")
    out = [ngettext("The engine chose {n} persona.", "The engine chose {n} personas.", chosen,
                    n=chosen)]
    picked = ws.config.k
    if picked is not None and picked != chosen:
        out.append(ngettext("You picked {n} persona instead; the evidence for the engine's "
                            "choice follows.", "You picked {n} personas instead; the evidence "
                            "for the engine's choice follows.", picked, n=picked))
    at = rows.loc[chosen] if chosen in rows.index else None
    if at is not None and pd.notna(at["closest_gain"]):
        out.append(_("Every pair of them is distinct: even the closest two differ in "
                     "{what} (evidence {gain}, {needed} needed).",
                     what=_facts(at["closest_differ_in"]), gain=fmt_number(at["closest_gain"], 2),
                     needed=fmt_number(DISTINCT_GAIN, 2)))
    finer = rows.loc[chosen + 1] if chosen + 1 in rows.index else None
    if finer is None and chosen == int(rows.index.max()):
        out.append(ngettext("HDBSCAN found no finer groups: {n} persona is the most this data "
                            "holds at the smallest persona size set.", "HDBSCAN found no finer "
                            "groups: {n} personas are the most this data holds at the smallest "
                            "persona size set.", chosen, n=chosen))
    if finer is not None:
        gain = float(finer["closest_gain"])
        if gain < DISTINCT_GAIN:
            out.append(_("One more persona would split one of them into groups that differ "
                         "only in {what} (evidence {gain}): not a persona of its own.",
                         what=_facts(finer["closest_differ_in"]), gain=fmt_number(gain, 2)))
        elif ws.metrics.get("n_distinct", 0) > chosen == MAX_DEFAULT_PERSONAS:
            out.append(_("{n} groups are distinct; a persona set is read by people, so the "
                         "engine shows the {cap} most distinct. Pick a larger number to see "
                         "them all.", n=ws.metrics["n_distinct"], cap=MAX_DEFAULT_PERSONAS))
        elif pd.notna(finer.get("least_stable")) and float(finer["least_stable"]) < SHAKY:
            out.append(_("With {n} personas one of them would not be found again when the "
                         "data is resampled (stability {value}): the engine kept {chosen}.",
                         n=chosen + 1, value=fmt_number(float(finer["least_stable"]), 2),
                         chosen=chosen))
    if at is not None and pd.notna(at.get("least_stable")):
        out.append(_("Stability: in {runs} reruns on 80 % of the customers each persona was "
                     "found again (least stable {value}; below {shaky} a persona dissolves).",
                     runs=ws.config.bootstrap, value=fmt_number(float(at["least_stable"]), 2),
                     shaky=fmt_number(SHAKY, 2)))
    return out


def _facts(text: Any) -> str:
    """'region | InternetService + OnlineSecurity + ...' -> 'region, internet service
    (and 6 columns saying the same)'."""
    parts = []
    for fact in str(text or "").split(" | "):
        if not fact:
            continue
        cols = fact.split(" + ")
        word = humanize(cols[0].removesuffix(" missing"))
        if cols[0].endswith(" missing"):
            word = _("whether {column} is known", column=word)
        if len(cols) > 1:
            word = ngettext("{column} (and {n} column saying the same)",
                            "{column} (and {n} columns saying the same)", len(cols) - 1,
                            column=word, n=len(cols) - 1)
        parts.append(word)
    if not parts:
        return _("nothing measurable")
    return parts[0] if len(parts) == 1 else _("{items} and {last}", items=", ".join(parts[:-1]),
                                               last=parts[-1])


def _by_silhouette(table: pd.DataFrame, current: int, ws: Any) -> HowMany:
    options = tuple(int(k) for k in table["k"]) if "k" in table.columns else ()
    best = None
    if "silhouette" in table.columns and table["silhouette"].notna().any():
        best = int(table.sort_values(["silhouette", "k"], ascending=[False, True]).iloc[0]["k"])
    sentences = []
    if best is not None:
        sentences.append(_("{method} with {n} personas separates the customers best "
                           "(highest silhouette, {value}).", method=ws.config.method,
                           n=best, value=fmt_number(float(table.set_index("k").loc[best,
                                                                               "silhouette"]), 2)))
    return HowMany(current=current, chosen=best, table=table, sentences=tuple(sentences),
                   options=options, by_merging=False)


def chart_frame(hm: HowMany) -> pd.DataFrame:
    """One row per number of personas for the view's chart: how distinct the closest pair
    is (``gain``, floored so a log axis can show it), whether that number is distinct and
    stable, and whether it is the engine's choice or the current number."""
    t = hm.table
    if not hm.by_merging or t.empty:
        return pd.DataFrame(columns=["k", "gain", "verdict", "mark"])
    t = t[t["k"] >= 2].copy()
    gain = pd.to_numeric(t["closest_gain"], errors="coerce")
    stable = pd.to_numeric(t["least_stable"], errors="coerce")
    verdict = []
    for g, s in zip(gain, stable):
        if pd.isna(g) or g < DISTINCT_GAIN:
            verdict.append(_("not distinct"))
        elif pd.notna(s) and s < SHAKY:
            verdict.append(_("distinct, not stable"))
        else:
            verdict.append(_("distinct and stable"))
    marks = []
    for k in t["k"].astype(int):
        if k == hm.chosen and k == hm.current:
            marks.append(_("engine's choice, shown"))
        elif k == hm.chosen:
            marks.append(_("engine's choice"))
        elif k == hm.current:
            marks.append(_("shown"))
        else:
            marks.append("")
    return pd.DataFrame({"k": t["k"].astype(int).to_numpy(),
                         "gain": gain.clip(lower=0.01).fillna(0.01).to_numpy(),
                         "gain_text": [fmt_number(g, 2) if pd.notna(g) else "—" for g in gain],
                         "stable_text": [fmt_number(s, 2) if pd.notna(s) else "—" for s in stable],
                         "differ": [_facts(x) for x in t["closest_differ_in"]],
                         "verdict": verdict, "mark": marks})


def readable_table(hm: HowMany) -> pd.DataFrame:
    """The evidence as the view's table shows it: readable facts, rounded figures."""
    t = hm.table.copy()
    if "closest_differ_in" in t.columns:      # one persona (k = 1) has no pair: "—"
        t["closest_differ_in"] = [_facts(x) if str(x or "") else "—"
                                  for x in t["closest_differ_in"]]
    for col in ("closest_gain", "silhouette", "least_stable"):
        if col in t.columns:
            t[col] = pd.to_numeric(t[col], errors="coerce").round(2)
    return t[[c for c in ("k", "closest_gain", "closest_differ_in", "least_stable",
                          "silhouette", "bic", "chosen") if c in t.columns]]


__all__ = ["HowMany", "chart_frame", "how_many", "readable_table"]
