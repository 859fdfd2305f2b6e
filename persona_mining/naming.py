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
CODE_TIER = 3   # a category code ("Browser 2"): used in a name only when nothing else is left
YES = re.compile(r"^(yes|ja|true|wahr|y|j)$", re.I)     # not 1/0: codes of a category
NO = re.compile(r"^(no|nein|false|falsch|n)$", re.I)


@dataclass(frozen=True)
class Concept:
    """One behaviour concept: which columns it reads, in which direction, and its words.

    ``adjective`` qualifies another concept's noun ("Night-owl app shoppers"), ``noun``
    stands alone ("Night owls"), both as catalogue message ids (English)."""

    pattern: str          # regex on the column name (lower case, underscores as spaces)
    direction: int        # +1: the persona has more of it, -1: less
    adjective: str | None
    noun: str
    min_ratio: float = 0.0   # only when the persona has at least this multiple of the average
    postfix: str | None = None   # words after a noun instead of an adjective before it
    also: str | None = None      # appended with "and" to a noun that has a "with" already
    family: str = ""             # concepts of one family never qualify each other


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
            N_("lapsed"), N_("lapsed customers"), min_ratio=3.0, family="activity"),
    Concept(r"recency|days since|tage seit|since last|last (order|purchase|visit)|inactive", +1,
            N_("occasional"), N_("occasional buyers"), family="activity"),
    Concept(r"recency|days since|tage seit|since last|last (order|purchase|visit)", -1,
            N_("recently active"), N_("recent buyers"), family="activity"),
    Concept(r"tenure|customer since|kunde seit|signup|membership|years with|dauer", +1,
            N_("long-standing"), N_("long-standing customers"), family="tenure"),
    Concept(r"tenure|customer since|kunde seit|signup|membership|years with|dauer", -1,
            N_("new"), N_("newcomers"), family="tenure"),
    Concept(r"basket|order value|warenkorb|per order|avg.*(value|amount)|monetary mean", +1,
            N_("big-basket"), N_("big-basket buyers")),
    Concept(r"basket|order value|warenkorb|per order|avg.*(value|amount)|monetary mean", -1,
            N_("small-basket"), N_("small-basket buyers")),
    Concept(r"revenue|spend|spent|monetary|umsatz|amount|charges|mnt|sales|value|ausgaben", +1,
            N_("big-spending"), N_("big spenders")),
    Concept(r"revenue|spend|spent|monetary|umsatz|amount|charges|mnt|sales|value|ausgaben", -1,
            N_("low-spending"), N_("low spenders")),
    Concept(r"between|interval|abstand", +1, N_("occasional"), N_("occasional buyers"),
            family="activity"),
    Concept(r"between|interval|abstand", -1, N_("frequent"), N_("frequent buyers"), family="activity"),
    Concept(r"per session|pro sitzung|pages per|seiten pro", +1, N_("thorough"), N_("thorough browsers")),
    Concept(r"order|purchase|transaction|trx|bestell|käufe|kauf", +1, N_("frequent"), N_("frequent buyers"),
            family="activity"),
    Concept(r"order|purchase|transaction|trx|bestell|käufe|kauf", -1, N_("occasional"),
            N_("occasional buyers"), family="activity"),
    Concept(r"visit|session|events|active days|login|besuch|sitzung|frequency", +1,
            N_("highly active"), N_("frequent visitors"), family="activity"),
    Concept(r"visit|session|events|active days|login|besuch|sitzung|frequency", -1,
            N_("rarely active"), N_("occasional visitors"), family="activity"),
    Concept(r"categor|variety|kategorie|sortiment", +1, N_("all-round"), N_("all-round shoppers")),
    Concept(r"income|einkommen|salary|gehalt", +1, N_("affluent"), N_("affluent customers")),
    Concept(r"income|einkommen|salary|gehalt", -1, N_("budget"), N_("budget households")),
    Concept(r"kid|child|kinder", +1, None, N_("families with young children"),
            postfix=N_("with young children"), also=N_("young children")),
    Concept(r"teen|jugend", +1, None, N_("families with teenagers"),
            postfix=N_("with teenagers"), also=N_("teenagers")),
    Concept(r"loyal|member|treue|bonus", +1, N_("loyal"), N_("loyal customers")),
    Concept(r"senior|\bage\b|alter", +1, N_("senior"), N_("senior customers")),
)


@dataclass(frozen=True)
class Fragment:
    """One distinguishing trait in words (already translated): the key it is compared
    by; a pre-noun ``adjective`` ("night-owl") or, where the words only work after a
    noun, a ``postfix`` ("with streaming TV"); a ``noun`` that can stand alone; its
    ``strength`` (effect size) and ``tier``: 0 a behaviour concept, 1 a category level
    or touchpoint, 2 a column named as it is, 3 a category code (the last resort)."""

    key: str
    noun: str
    strength: float
    tier: int = 0
    adjective: str | None = None
    postfix: str | None = None
    phrase: str | None = None     # tier 2: "high page values", to pair with another
    also: str | None = None       # "teenagers": added with "and" to a noun with a "with"
    has_with: bool = False        # the noun ends in a "with ..." phrase already
    family: str = ""              # fragments of one family never qualify each other


def fragments(traits: Sequence) -> list[Fragment]:
    """Name fragments from a persona's traits (in the traits' order, strongest first):
    one per concept, none from bookkeeping levels ("other", "missing") or weak traits.
    The traits are one per fact already (see profile's fact keys)."""
    out: list[Fragment] = []
    seen: set[str] = set()
    for t in traits:
        if abs(t.effect_size) < MIN_NAME_EFFECT:
            continue
        frag = _fragment(t)
        if frag is None or frag.key in seen:
            continue
        seen.add(frag.key)
        out.append(frag)
    return out


def best_two(frags: Sequence[Fragment]) -> list[Fragment]:
    """Core and qualifier for a name: the strongest behaviour concept (else the strongest
    fragment) as the noun, and the strongest remaining fragment, a column named as it is
    only when nothing better is left, to qualify it."""
    if not frags:
        return []
    core = next((f for f in frags if f.tier == 0), None) or \
        next((f for f in frags if f.tier < CODE_TIER), frags[0])
    # "occasional frequent buyers": two readings of one behaviour do not make a name
    rest = [f for f in frags if f is not core and not (f.family and f.family == core.family)
            and not _one_measure(f, core)]
    qualifier = next((f for f in rest if f.tier < 2), None) or \
        next((f for f in rest if f.tier < CODE_TIER), rest[0] if rest else None)
    return [core] + ([qualifier] if qualifier else [])


def _one_measure(a: Fragment, b: Fragment) -> bool:
    """Two columns of one measure ("administrative" and "administrative duration": pages
    of a kind and the time on them) do not qualify each other either."""
    ka, kb = a.key.lstrip("+-"), b.key.lstrip("+-")
    if "=" in ka or "=" in kb or not ka or not kb:
        return False
    return ka.startswith(kb + " ") or kb.startswith(ka + " ")


def _fragment(t) -> Fragment | None:
    column = _plain(t.column)
    strength = abs(t.effect_size)
    if t.kind == "categorical":
        level = t.feature.split(" = ", 1)[1]
        if t.effect_size <= 0 or level.startswith("(") or _is_other(level):
            return None
        return _level_fragment(t.column, level, strength)
    if t.kind == "boolean":
        return _level_fragment(t.column, "yes" if t.effect_size > 0 else "no", strength)
    if _is_other(column):
        return None
    direction = 1 if t.effect_size > 0 else -1
    shares = bool(re.search(r"share|anteil|rate|quote|ratio", column))
    touchpoint = bool(_TOUCHPOINT.match(str(t.column)))
    if direction < 0 and (shares or touchpoint):
        return None           # "uses the app less" names nobody; what they use instead will
    for c in CONCEPTS:
        if c.direction == direction and re.search(c.pattern, column) and \
                not (c.min_ratio and (t.ratio is None or t.ratio < c.min_ratio)):
            return _concept_fragment(c, strength)
    what = _readable(t.column)
    if touchpoint:
        return Fragment(key=f"+{column}", adjective=_("{what}-driven", what=what),
                        noun=_("{what}-driven customers", what=what), strength=strength, tier=1)
    if direction > 0:
        return Fragment(key=f"+{column}", noun=_("customers with high {what}", what=what),
                        postfix=_("with high {what}", what=what),
                        phrase=_("high {what}", what=what), strength=strength, tier=2)
    return Fragment(key=f"-{column}", noun=_("customers with low {what}", what=what),
                    postfix=_("with low {what}", what=what),
                    phrase=_("low {what}", what=what), strength=strength, tier=2)


def _concept_fragment(c: Concept, strength: float) -> Fragment:
    return Fragment(key=c.noun, noun=_(c.noun), strength=strength,
                    adjective=_(c.adjective) if c.adjective else None,
                    postfix=_(c.postfix) if c.postfix else None,
                    also=_(c.also) if c.also else None, has_with=c.postfix is not None,
                    family=c.family or c.pattern)


def _level_fragment(column: str, level: str, strength: float) -> Fragment:
    col = _readable(column)
    for c in CONCEPTS:      # "loyalty_member = yes" is the loyalty concept
        if c.direction == 1 and re.search(c.pattern, _plain(column)) and YES.match(level):
            return _concept_fragment(c, strength)
    lacking = re.match(r"^(no|kein|keine|ohne)\s+(.+)$", level, re.I)
    if YES.match(level) or NO.match(level) or lacking:
        what = col if not lacking else _readable(lacking.group(2))
        if YES.match(level):
            return Fragment(key=f"{column}=yes", noun=_("customers with {what}", what=what),
                            postfix=_("with {what}", what=what), also=what, has_with=True,
                            strength=strength, tier=1)
        return Fragment(key=f"{column}={level}", noun=_("customers without {what}", what=what),
                        postfix=_("without {what}", what=what), strength=strength, tier=1)
    lv = _readable(level)
    tier = 1
    if re.fullmatch(r"[-+]?\d+([.,]\d+)?", lv):      # a code: "browser 2", not "2"
        lv = _("{column} {level}", column=col, level=lv)
        tier = CODE_TIER        # says nothing to a reader: a name's last resort
    return Fragment(key=f"{column}={level}", adjective=_("{level}", level=lv),
                    noun=_("{level} customers", level=lv), strength=strength, tier=tier)


def compose(parts: Sequence[Fragment]) -> str:
    """'Night-owl app shoppers', 'Big spenders without internet service': the second
    fragment qualifies the first one's noun, before or after it as its words need."""
    if not parts:
        return _("Average customers")
    core = parts[0]
    if len(parts) == 1:
        return _capital(core.noun)
    q = parts[1]
    if core.phrase and q.phrase:
        return _capital(_("customers with {first} and {second}", first=core.phrase,
                          second=q.phrase))
    if q.adjective:
        return _capital(_("{qualifier} {noun}", qualifier=q.adjective, noun=core.noun))
    if core.has_with and q.also:    # "customers with streaming TV and streaming movies"
        return _capital(_("{noun} and {more}", noun=core.noun, more=q.also))
    return _capital(_("{noun} {qualifier}", noun=core.noun, qualifier=q.postfix))


def unique_names(frags: Mapping[str, Sequence[Fragment]],
                 taken: Sequence[str] = ()) -> dict[str, str]:
    """One name per persona (``frags``: persona id -> fragments, strongest first), all
    different from each other and from ``taken`` (names the user gave other personas)."""
    names = {pid: compose(best_two(f)) for pid, f in frags.items()}
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
    core = best_two(own)[0]
    if theirs[core.key] >= core.strength:
        core = ranked[0]
    rest = [f for f in ranked if f.key != core.key and not (f.family and f.family == core.family)]
    return compose([core] + rest[:1])


# -- words -----------------------------------------------------------------------------------
def _plain(column: str) -> str:
    s = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(column))
    return re.sub(r"[_\s:]+", " ", s).strip().lower()


def _readable(text: str) -> str:
    """Column names and levels as people read them: underscores and CamelCase to spaces,
    words in lower case, acronyms ("DSL", "TV", "iOS") and umlauts as written."""
    s = re.sub(r"^(event|channel|role)_share: ?", "", str(text).strip())
    if s.upper() == s and len(re.sub(r"[\W_]", "", s)) > 4:
        s = s.lower()                                  # SHOUTED names
    s = re.sub(r"(?<=[a-zäöüß])(?=[A-ZÄÖÜ][a-zäöüß])", " ", s)
    words = [w for w in re.split(r"[_\s]+", s) if w]
    return " ".join(w if sum(ch.isupper() for ch in w) > 1 or w[1:].lower() != w[1:]
                    else w.lower() for w in words)


def _is_other(text: str) -> bool:
    return bool(re.search(r"(^|[: ])other$|\(other\)|sonstige$", str(text).strip().lower()))


def _capital(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _natural(s: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", s))


