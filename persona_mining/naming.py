"""Persona names a product owner can use: short, human, in one language, unique.

A name is built from what truly sets a persona apart: its strongest distinguishing traits,
read through a small vocabulary of behaviour concepts ("night-owl", "app shoppers",
"bargain hunters", "lapsed"...) that covers the columns behaviour tables usually have,
in English and German column names alike. A trait the vocabulary does not know is named
from its column, readably ("Customers with high page values"). Every word comes from the
translation catalogue, so a German project gets German names ("Nachtaktive App-Kund:innen").

Names are unique within a project: personas whose best names collide are told apart by
the trait that separates them most from each other, and never by a number unless nothing
in the data tells them apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from .i18n import N_, _, current_language

MIN_NAME_EFFECT = 0.3     # a trait weaker than this does not make it into a name
_TOUCHPOINT = re.compile(r"^(event|channel|role)_share: ", re.I)
YES = re.compile(r"^(yes|ja|true|wahr|1|y|j)$", re.I)
NO = re.compile(r"^(no|nein|false|falsch|0|n)$", re.I)


@dataclass(frozen=True)
class Concept:
    """One behaviour concept: which columns it reads, in which direction, and its words.

    ``adjective`` qualifies another concept's noun ("Night-owl app shoppers"), ``noun``
    stands alone ("Night owls"), both as catalogue message ids (English)."""

    pattern: str          # regex on the column name (lower case, underscores as spaces)
    direction: int        # +1: the persona has more of it, -1: less
    adjective: str
    noun: str


# Order matters: the first matching concept wins for a column.
CONCEPTS: tuple[Concept, ...] = (
    Concept(r"night|nacht", +1, N_("night-owl"), N_("night owls")),
    Concept(r"weekend|wochenend", +1, N_("weekend"), N_("weekend shoppers")),
    Concept(r"\bapp\b|app |mobile|smartphone", +1, N_("app-first"), N_("app shoppers")),
    Concept(r"\bweb\b|online|website|desktop", +1, N_("web-first"), N_("web shoppers")),
    Concept(r"store|shop visit|branch|filial|laden|in person", +1, N_("in-store"), N_("store shoppers")),
    Concept(r"e-?mail|newsletter", +1, N_("newsletter-reading"), N_("newsletter readers")),
    Concept(r"discount|voucher|coupon|promo|deal|gutschein|rabatt|sale", +1,
            N_("bargain-hunting"), N_("bargain hunters")),
    Concept(r"return|retour|refund|erstattung", +1, N_("high-return"), N_("serial returners")),
    Concept(r"service|support|complain|beschwerde|hotline|call|anruf|kontakt|ticket", +1,
            N_("service-intensive"), N_("help seekers")),
    Concept(r"recency|days since|tage seit|since last|last (order|purchase|visit)|inactive", +1,
            N_("lapsed"), N_("lapsed customers")),
    Concept(r"recency|days since|tage seit|since last|last (order|purchase|visit)", -1,
            N_("recently active"), N_("recent buyers")),
    Concept(r"tenure|customer since|kunde seit|signup|membership|years with|dauer", +1,
            N_("long-standing"), N_("long-standing customers")),
    Concept(r"tenure|customer since|kunde seit|signup|membership|years with|dauer", -1,
            N_("new"), N_("newcomers")),
    Concept(r"basket|order value|warenkorb|per order|avg.*(value|amount)|monetary mean", +1,
            N_("big-basket"), N_("big-basket buyers")),
    Concept(r"basket|order value|warenkorb|per order|avg.*(value|amount)|monetary mean", -1,
            N_("small-basket"), N_("small-basket buyers")),
    Concept(r"revenue|spend|spent|monetary|umsatz|amount|charges|mnt|sales|value|ausgaben", +1,
            N_("big-spending"), N_("big spenders")),
    Concept(r"revenue|spend|spent|monetary|umsatz|amount|charges|mnt|sales|value|ausgaben", -1,
            N_("low-spending"), N_("low spenders")),
    Concept(r"between|interval|abstand", +1, N_("occasional"), N_("occasional buyers")),
    Concept(r"between|interval|abstand", -1, N_("frequent"), N_("frequent buyers")),
    Concept(r"per session|pro sitzung|pages per|seiten pro", +1, N_("thorough"), N_("thorough browsers")),
    Concept(r"order|purchase|transaction|trx|bestell|käufe|kauf", +1, N_("frequent"), N_("frequent buyers")),
    Concept(r"order|purchase|transaction|trx|bestell|käufe|kauf", -1, N_("occasional"), N_("occasional buyers")),
    Concept(r"visit|session|events|active days|login|besuch|sitzung|frequency", +1,
            N_("highly active"), N_("frequent visitors")),
    Concept(r"visit|session|events|active days|login|besuch|sitzung|frequency", -1,
            N_("rarely active"), N_("occasional visitors")),
    Concept(r"categor|variety|kategorie|sortiment", +1, N_("all-round"), N_("all-round shoppers")),
    Concept(r"income|einkommen|salary|gehalt", +1, N_("affluent"), N_("affluent customers")),
    Concept(r"income|einkommen|salary|gehalt", -1, N_("budget"), N_("budget households")),
    Concept(r"kid|child|kinder", +1, N_("family"), N_("families with young children")),
    Concept(r"teen|jugend", +1, N_("family"), N_("families with teenagers")),
    Concept(r"loyal|member|treue|bonus", +1, N_("loyalty-member"), N_("loyalty members")),
    Concept(r"senior|\bage\b|alter", +1, N_("senior"), N_("senior customers")),
)


@dataclass(frozen=True)
class Fragment:
    """One distinguishing trait in words: the key it is compared by, its adjective and
    noun (already translated), and how strongly it sets the persona apart."""

    key: str
    adjective: str
    noun: str
    strength: float


def fragments(traits: Sequence, redundant: Mapping[str, str] | None = None) -> list[Fragment]:
    """Name fragments from a persona's traits (strongest first): one per concept, one per
    fact (``redundant`` maps a trait's column to the column it repeats), none from
    bookkeeping levels ("other", "missing") or weak traits."""
    out: list[Fragment] = []
    seen_keys: set[str] = set()
    seen_facts: set[str] = set()
    for t in traits:
        if abs(t.effect_size) < MIN_NAME_EFFECT:
            continue
        fact = (redundant or {}).get(t.column, t.column)
        if fact in seen_facts:
            continue
        frag = _fragment(t)
        if frag is None or frag.key in seen_keys:
            continue
        seen_keys.add(frag.key)
        seen_facts.add(fact)
        out.append(frag)
    return out


def _fragment(t) -> Fragment | None:
    column = _plain(t.column)
    if t.kind == "categorical":
        level = t.feature.split(" = ", 1)[1]
        if t.effect_size <= 0 or level.startswith("(") or _is_other(level):
            return None
        return _level_fragment(t.column, level, abs(t.effect_size))
    if t.kind == "boolean":
        return _level_fragment(t.column, "yes" if t.effect_size > 0 else "no", abs(t.effect_size))
    if _is_other(column):
        return None
    direction = 1 if t.effect_size > 0 else -1
    for c in CONCEPTS:
        if c.direction == direction and re.search(c.pattern, column):
            return Fragment(key=f"{c.noun}", adjective=_(c.adjective), noun=_(c.noun),
                            strength=abs(t.effect_size))
    what = _readable(t.column)
    if _TOUCHPOINT.match(str(t.column)):
        if direction < 0:
            return None       # "rarely searches" names nobody; what they do instead will
        return Fragment(key=f"+{column}", adjective=_("{what}-driven", what=what),
                        noun=_("{what}-driven customers", what=what), strength=abs(t.effect_size))
    if direction > 0:
        return Fragment(key=f"+{column}", adjective=_("high-{what}", what=what),
                        noun=_("Customers with high {what}", what=what), strength=abs(t.effect_size))
    return Fragment(key=f"-{column}", adjective=_("low-{what}", what=what),
                    noun=_("Customers with low {what}", what=what), strength=abs(t.effect_size))


def _level_fragment(column: str, level: str, strength: float) -> Fragment:
    col = _readable(column)
    for c in CONCEPTS:      # "loyalty_member = yes" is the loyalty concept
        if c.direction == 1 and re.search(c.pattern, _plain(column)) and YES.match(level):
            return Fragment(key=c.noun, adjective=_(c.adjective), noun=_(c.noun), strength=strength)
    if YES.match(level):
        return Fragment(key=f"{column}=yes", adjective=_("with {what}", what=col),
                        noun=_("Customers with {what}", what=col), strength=strength)
    if NO.match(level):
        return Fragment(key=f"{column}=no", adjective=_("without {what}", what=col),
                        noun=_("Customers without {what}", what=col), strength=strength)
    lv = _readable(level)
    return Fragment(key=f"{column}={level}", adjective=_("{level}", level=lv),
                    noun=_("{level} customers", level=lv), strength=strength)


def compose(parts: Sequence[Fragment]) -> str:
    """'Night-owl app shoppers': the second fragment qualifies the first one's noun."""
    if not parts:
        return _("Average customers")
    core = parts[0]
    if len(parts) == 1:
        return _capital(core.noun)
    qualifier = parts[1]
    if qualifier.adjective.startswith(("with ", "without ", "mit ", "ohne ")):
        return _capital(_("{noun} {qualifier}", noun=core.noun, qualifier=qualifier.adjective))
    return _capital(_("{qualifier} {noun}", qualifier=qualifier.adjective, noun=core.noun))


def unique_names(frags: Mapping[str, Sequence[Fragment]],
                 taken: Sequence[str] = ()) -> dict[str, str]:
    """One name per persona (``frags``: persona id -> fragments, strongest first), all
    different from each other and from ``taken`` (names the user gave other personas)."""
    names = {pid: compose(list(f[:2])) for pid, f in frags.items()}
    for _round in range(4):
        clashes = _clashes(names, taken)
        if not clashes:
            break
        for group in clashes:
            for pid in group:
                names[pid] = _contrast_name(pid, [p for p in group if p != pid], frags) or names[pid]
    for group in _clashes(names, taken):     # nothing in the data tells them apart
        for i, pid in enumerate(sorted(group, key=_natural)):
            if i or names[pid].casefold() in {t.casefold() for t in taken}:
                names[pid] = _("{name} ({n})", name=names[pid], n=i + 1)
    return names


def _clashes(names: Mapping[str, str], taken: Sequence[str]) -> list[list[str]]:
    by_name: dict[str, list[str]] = {}
    for pid, name in names.items():
        by_name.setdefault(name.casefold(), []).append(pid)
    taken_cf = {t.casefold() for t in taken}
    return [pids for key, pids in by_name.items() if len(pids) > 1 or key in taken_cf]


def _contrast_name(pid: str, others: Sequence[str], frags: Mapping[str, Sequence[Fragment]]) -> str | None:
    """The persona's core fragment, qualified by the fragment that the others lack most."""
    own = list(frags[pid])
    if not own:
        return None
    theirs = {f.key: max((g.strength for o in others for g in frags[o] if g.key == f.key), default=0.0)
              for f in own}
    ranked = sorted(own, key=lambda f: -(f.strength - theirs[f.key]))
    core = own[0] if theirs[own[0].key] < own[0].strength else ranked[0]
    rest = [f for f in ranked if f.key != core.key]
    return compose([core] + rest[:1])


# -- words -----------------------------------------------------------------------------------
def _plain(column: str) -> str:
    s = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(column))
    return re.sub(r"[_\s:]+", " ", s).strip().lower()


def _readable(text: str) -> str:
    """Column names and levels as people read them: underscores and CamelCase to spaces,
    umlauts and capitals of acronyms kept."""
    s = str(text)
    if s.upper() == s and len(s) > 3:
        s = s.lower()
    s = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", s)
    s = re.sub(r"[_]+|\s+", " ", s).strip()
    s = re.sub(r"^(event|channel|role) share: ?", "", s)
    return s[:1].lower() + s[1:] if s[:1].isupper() and not s[1:2].isupper() else s


def _is_other(text: str) -> bool:
    return bool(re.search(r"(^|[: ])other$|\(other\)|sonstige$", str(text).strip().lower()))


def _capital(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _natural(s: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", s))


