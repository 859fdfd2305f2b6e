"""Customers with planted personas, built *differently* from the sample generator.

A high score on the generator the engine was developed with proves little, so the
quality benchmark (``bench/bench_quality.py``) and the recovery tests also use these,
each built on other assumptions than :mod:`persona_mining.synthetic`:

- :func:`make_shop_de` — a German web shop: German column names, 7 personas from 32 %
  down to 1.5 %, two attribute columns that agree with the persona only 70–80 % of the
  time (device, region), a redundant net-revenue column, 5 % noise, missing cells.
- :func:`make_subscriptions` — a telecom-like subscription base: mostly categorical
  columns, one fact ("no internet") repeated in six service columns, a total that is
  tenure × monthly charge, pure-noise demographics, 5 personas.
- :func:`make_latent_mix` — 10 personas of very skewed sizes in a latent space seen
  through correlated and duplicated numeric columns, pure-noise columns, heavy tails and
  10 % missing cells at random.
- :func:`make_journeys_de` — a German event log with 5 journey personas, a dozen
  touchpoints, some of them rare but the very thing that sets a persona apart.

Every generator returns the ground truth in ``true_persona`` (``noise`` for customers of
no persona), which role inference treats as a label, never as a feature. All are
deterministic per seed and vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .synthetic import NOISE, TRUTH_COLUMN

__all__ = ["GENERATORS", "make_shop_de", "make_subscriptions", "make_latent_mix",
           "make_journeys_de", "NOISE", "TRUTH_COLUMN"]


def _codes(n: int, shares: np.ndarray, noise_share: float, rng: np.random.Generator) -> np.ndarray:
    """Persona index per customer with exact shares (largest remainder); len(shares) = noise."""
    n_noise = int(round(noise_share * n))
    quota = shares / shares.sum() * (n - n_noise)
    counts = np.floor(quota).astype(np.int64)
    counts[np.argsort(-(quota - counts), kind="stable")[: (n - n_noise) - counts.sum()]] += 1
    codes = np.concatenate([np.repeat(np.arange(len(shares)), counts),
                            np.full(n_noise, len(shares))])
    return rng.permutation(codes)


def _loose(preferred: np.ndarray, levels: tuple[str, ...], agree: np.ndarray,
           rng: np.random.Generator) -> np.ndarray:
    """The persona's preferred level with probability ``agree``, else any other level."""
    n = len(preferred)
    other = (preferred + rng.integers(1, len(levels), n)) % len(levels)
    pick = np.where(rng.random(n) < agree, preferred, other)
    return np.array(levels, dtype=object)[pick]


def _holes(frame: pd.DataFrame, columns: list[str], share: float, rng: np.random.Generator) -> None:
    for col in columns:
        frame.loc[rng.random(len(frame)) < share, col] = np.nan


# -- a German web shop -----------------------------------------------------------------------
@dataclass(frozen=True)
class _ShopPersona:
    name: str
    share: float
    orders: float        # mean orders per year
    basket: float        # median basket (EUR)
    app: float           # share of orders in the app (rest: web)
    night: float         # share of orders at night
    voucher: float       # share of orders with a voucher
    returns: float       # return rate
    service: float       # service contacts per year
    days: float          # median days since the last order
    device: int          # preferred device (index into DEVICES_DE)
    region: int          # preferred region (index into REGIONS_DE)


SHOP_PERSONAS = (
    _ShopPersona("Stammkundschaft in der App", .32, 18, 45, .80, .10, .15, .05, 1.0, 8, 0, 0),
    _ShopPersona("Schnäppchenjäger im Web", .22, 10, 28, .20, .08, .70, .06, 1.0, 14, 2, 1),
    _ShopPersona("Seltene Großeinkäufer", .16, 2.5, 230, .25, .05, .08, .05, 0.8, 110, 2, 3),
    _ShopPersona("Retournierer", .12, 12, 90, .30, .12, .25, .45, 4.5, 12, 1, 2),
    _ShopPersona("Nachteulen in der App", .09, 20, 32, .90, .70, .20, .06, 0.8, 5, 0, 1),
    _ShopPersona("Abgewanderte", .075, 0.4, 40, .35, .08, .15, .05, 0.5, 420, 1, 0),
    _ShopPersona("Servicebedürftige", .015, 4, 70, .15, .04, .10, .15, 14, 30, 2, 2),
)
DEVICES_DE = ("Smartphone", "Tablet", "Desktop")
REGIONS_DE = ("Nord", "Süd", "Ost", "West")


def make_shop_de(n: int = 10_000, *, seed: int = 21, noise_share: float = 0.05,
                 missing_share: float = 0.04) -> pd.DataFrame:
    """German shop customers (see module docstring); ``true_persona`` holds the truth."""
    rng = np.random.default_rng(seed)
    P = SHOP_PERSONAS
    code = _codes(n, np.array([p.share for p in P]), noise_share, rng)
    noise = code == len(P)
    # noise customers take each behaviour from an independently drawn persona
    pick = lambda: np.where(noise, rng.integers(0, len(P), n), code)  # noqa: E731
    par = {f: np.array([getattr(p, f) for p in P], dtype=float)[pick()]
           for f in ("orders", "basket", "app", "night", "voucher", "returns", "service", "days")}
    days = np.maximum(1, np.round(par["days"] * rng.gamma(4, 0.25, n))).astype(int)
    orders = np.where(days <= 365, np.maximum(1, rng.poisson(par["orders"] * rng.gamma(3, 1 / 3, n))), 0)
    basket = par["basket"] * rng.gamma(6, 1 / 6, n)
    revenue = np.round(orders * basket, 2)
    beta = lambda m, c=18: rng.beta(np.clip(m, .01, .99) * c, (1 - np.clip(m, .01, .99)) * c)  # noqa: E731
    frame = pd.DataFrame({
        "kunden_nr": [f"K-{i:06d}" for i in rng.permutation(n) + 1],
        "bestellungen_12m": orders,
        "umsatz_12m": revenue,
        "umsatz_netto_12m": np.round(revenue / 1.19, 2),          # redundant: the same fact net of VAT
        "warenkorb_schnitt": np.where(orders > 0, np.round(basket, 2), np.nan),
        "app_anteil": np.round(beta(par["app"]), 3),
        "nachtkäufe_anteil": np.round(beta(par["night"]), 3),
        "gutschein_anteil": np.round(beta(par["voucher"]), 3),
        "retourenquote": np.round(beta(par["returns"]), 3),
        "servicekontakte_12m": rng.poisson(par["service"]),
        "tage_seit_letztem_kauf": days,
        "gerät": _loose(np.array([p.device for p in P])[pick()], DEVICES_DE,
                        np.full(n, 0.75), rng),
        "region": _loose(np.array([p.region for p in P])[pick()], REGIONS_DE,
                         rng.uniform(0.70, 0.80, n), rng),
        "newsletter": np.where(rng.random(n) < 0.4, "ja", "nein").astype(object),   # pure noise
    })
    _holes(frame, ["warenkorb_schnitt", "servicekontakte_12m", "gerät", "app_anteil"],
           missing_share, rng)
    frame[TRUTH_COLUMN] = np.array([p.name for p in P] + [NOISE], dtype=object)[code]
    return frame


# -- subscriptions (telecom-like, categorical-heavy) ----------------------------------------------
SUBSCRIPTION_PERSONAS = ("Phone-only long-timers", "Fibre streamers on monthly terms",
                         "DSL basics", "Bundle loyalists", "Internet-only newcomers")
_SUB_SHARES = np.array([.22, .30, .25, .17, .06])
SERVICES = ("security", "backup", "device_protection", "tech_support", "streaming_tv",
            "streaming_movies")


def make_subscriptions(n: int = 7_000, *, seed: int = 31, noise_share: float = 0.03,
                       missing_share: float = 0.02) -> pd.DataFrame:
    """Telecom-like subscription customers (see module docstring)."""
    rng = np.random.default_rng(seed)
    code = _codes(n, _SUB_SHARES, noise_share, rng)
    noise = code == len(_SUB_SHARES)
    c = np.where(noise, rng.integers(0, len(_SUB_SHARES), n), code)
    chance = lambda p: rng.random(n) < np.asarray(p)[c]  # noqa: E731   per-persona probability
    internet = np.select([c == 0, c == 1, c == 4], ["No", "Fiber optic", "Fiber optic"], "DSL")
    internet = np.where((c == 3) & (rng.random(n) < 0.5), "Fiber optic", internet)
    phone = ~((c == 4) & (rng.random(n) < 0.9)) & ~((c == 2) & (rng.random(n) < 0.15))
    lines = np.where(~phone, "No phone service",
                     np.where(chance([.25, .6, .3, .75, .2]), "Yes", "No"))
    service_p = {"security": [0, .2, .35, .8, .15], "backup": [0, .3, .3, .8, .2],
                 "device_protection": [0, .35, .25, .8, .1], "tech_support": [0, .15, .35, .75, .2],
                 "streaming_tv": [0, .85, .2, .6, .3], "streaming_movies": [0, .85, .2, .6, .35]}
    services = {s: np.where(internet == "No", "No internet service",
                            np.where(chance(p), "Yes", "No")) for s, p in service_p.items()}
    contract = np.array(["Month-to-month", "One year", "Two year"], dtype=object)[
        _choice_rows(rng, np.array([[.15, .25, .60], [.85, .12, .03], [.55, .30, .15],
                                    [.05, .30, .65], [.90, .08, .02]])[c])]
    tenure = np.clip(np.round(np.array([50, 14, 24, 58, 3], float)[c]
                              * rng.gamma(5, 0.2, n)), 1, 72).astype(int)
    monthly = (20 + 25 * (internet == "DSL") + 50 * (internet == "Fiber optic")
               + 5 * phone + 5 * (lines == "Yes")
               + sum(5 * (services[s] == "Yes") for s in SERVICES) + rng.normal(0, 3, n))
    monthly = np.round(np.maximum(monthly, 18), 2)
    frame = pd.DataFrame({
        "customerID": [f"{i:04d}-{''.join(rng.choice(list('ABCDEFGHJK'), 5))}" for i in range(n)],
        "gender": np.where(rng.random(n) < .5, "Female", "Male"),             # pure noise
        "SeniorCitizen": (rng.random(n) < np.array([.3, .15, .12, .18, .05])[c]).astype(int),
        "Partner": np.where(chance([.6, .4, .45, .7, .2]), "Yes", "No"),
        "tenure": tenure,
        "PhoneService": np.where(phone, "Yes", "No"),
        "MultipleLines": lines,
        "InternetService": internet,
        **{s: services[s] for s in SERVICES},
        "Contract": contract,
        "PaperlessBilling": np.where(chance([.3, .8, .55, .6, .85]), "Yes", "No"),
        "PaymentMethod": np.array(["Electronic check", "Mailed check", "Bank transfer", "Credit card"],
                                  dtype=object)[_choice_rows(rng, np.array(
                                      [[.1, .5, .2, .2], [.6, .1, .15, .15], [.3, .3, .2, .2],
                                       [.1, .1, .4, .4], [.55, .15, .15, .15]])[c])],
        "MonthlyCharges": monthly,
        "TotalCharges": np.round(monthly * tenure * rng.uniform(.97, 1.03, n), 2),   # redundant
    })
    _holes(frame, ["TotalCharges"], missing_share, rng)
    frame[TRUTH_COLUMN] = np.array(list(SUBSCRIPTION_PERSONAS) + [NOISE], dtype=object)[code]
    return frame


def _choice_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((rng.random(len(probs))[:, None] > cum).sum(axis=1), probs.shape[1] - 1)


# -- a latent mixture seen through correlated columns ------------------------------------------------
_LATENT_SHARES = np.array([.25, .18, .14, .11, .09, .07, .06, .05, .035, .015])


def _latent_centres(k: int, d: int, rng: np.random.Generator, min_gap: float = 3.5) -> np.ndarray:
    """Persona centres: each stands out on two or three latent traits by 2.5 to 3.5 sd,
    and no two are closer than ``min_gap`` (4.4 within-persona sd): planted personas are
    distinct by construction, whatever the seed."""
    for _try in range(10_000):
        centres = np.zeros((k, d))
        for j in range(k):
            dims = rng.choice(d, rng.integers(2, 4), replace=False)
            centres[j, dims] = rng.choice([-1, 1], len(dims)) * rng.uniform(2.5, 3.5, len(dims))
        gaps = np.linalg.norm(centres[:, None] - centres[None], axis=2) + np.eye(k) * 1e9
        if gaps.min() >= min_gap:
            return centres
    raise ValueError("no well-separated persona centres found; lower min_gap")


def make_latent_mix(n: int = 10_000, *, seed: int = 41, noise_share: float = 0.05,
                    missing_share: float = 0.10) -> pd.DataFrame:
    """10 personas in a 6-d latent space seen through 18 columns (see module docstring)."""
    k, d = len(_LATENT_SHARES), 6
    centres = _latent_centres(k, d, np.random.default_rng([seed, 0]))   # the same for any n
    rng = np.random.default_rng(seed)
    code = _codes(n, _LATENT_SHARES, noise_share, rng)
    latent = rng.normal(0, 0.8, (n, d))
    planted = code < k
    latent[planted] += centres[code[planted]]
    latent[~planted] = rng.uniform(-3.5, 3.5, (int((~planted).sum()), d))   # noise: anywhere
    cols: dict[str, np.ndarray] = {"id": np.arange(1, n + 1)}
    for j in range(d):
        base = latent[:, j]
        cols[f"trait_{j + 1}"] = np.round(base, 3)
        cols[f"trait_{j + 1}_alt"] = np.round(0.9 * base + rng.normal(0, 0.45, n), 3)   # correlated twin
    cols["spend"] = np.round(np.exp(3 + 0.5 * latent[:, 0] + rng.normal(0, .3, n)), 2)     # heavy tail
    cols["visits"] = rng.poisson(np.exp(1.5 + 0.4 * latent[:, 1]))
    cols["spend_copy"] = cols["spend"]                                                # exact duplicate
    for j in range(3):
        cols[f"noise_{j + 1}"] = np.round(rng.normal(0, 1, n), 3)                     # pure noise
    frame = pd.DataFrame(cols)
    _holes(frame, [c for c in frame.columns if c != "id"], missing_share / 3, rng)
    frame[TRUTH_COLUMN] = np.array([f"latent persona {j + 1}" for j in range(k)] + [NOISE],
                                   dtype=object)[code]
    return frame


# -- a German event log --------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Journey:
    name: str
    share: float
    steps: tuple[tuple[str, float], ...]   # touchpoint and the chance it occurs in a visit
    channel: str
    hours: tuple[float, float]
    visits: float
    value: float


JOURNEYS_DE = (
    _Journey("Stöberer mit Merkliste", .30, (("startseite", .9), ("kategorie", .9), ("produktseite", .95),
             ("merkliste", .6), ("warenkorb", .25), ("kauf", .15)), "web", (18, 23), 10, 45),
    _Journey("Zielkäufer per Suche", .28, (("suche", .95), ("produktseite", .95), ("warenkorb", .8),
             ("kauf", .75)), "app", (8, 20), 6, 60),
    _Journey("Filialabholer", .20, (("produktseite", .8), ("verfügbarkeit_filiale", .85), ("reservierung", .7),
             ("abholung_filiale", .65), ("kauf", .65)), "store", (10, 18), 4, 85),
    _Journey("Hotline-Kunden", .15, (("produktseite", .5), ("kauf", .4), ("hotline_anruf", .9),
             ("beschwerde", .35), ("retoure", .3)), "phone", (9, 17), 5, 70),
    _Journey("Gutscheinjäger", .07, (("newsletter_klick", .9), ("gutschein_einlösen", .8),
             ("produktseite", .8), ("kauf", .7)), "email", (6, 10), 5, 25),
)


def make_journeys_de(n_customers: int = 3_000, *, seed: int = 51) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(event log, truth) with German touchpoint names; the log has no truth column."""
    rng = np.random.default_rng(seed)
    shares = np.array([j.share for j in JOURNEYS_DE])
    persona = _codes(n_customers, shares, 0.0, rng)
    start = np.datetime64("2026-03-01T00:00")
    rows_c, rows_t, rows_e, rows_ch, rows_v = [], [], [], [], []
    for i, p in enumerate(persona):
        spec = JOURNEYS_DE[p]
        cid = f"KD{i + 1:05d}"
        for _ in range(max(1, rng.poisson(spec.visits))):
            t = start + np.timedelta64(int(rng.integers(0, 120)), "D") \
                + np.timedelta64(int(rng.uniform(*spec.hours) * 60), "m")
            value = round(float(spec.value * rng.gamma(5, 0.2)), 2)
            for step, chance in spec.steps:
                if rng.random() >= chance:
                    continue
                t = t + np.timedelta64(int(rng.exponential(4) * 60) + 1, "s")
                rows_c.append(cid)
                rows_t.append(t)
                rows_e.append(step)
                rows_ch.append(spec.channel if rng.random() > .2 else
                               ("web", "app", "store", "phone", "email")[rng.integers(0, 5)])
                rows_v.append(value if step == "kauf" else (-value if step == "retoure" else np.nan))
    log = pd.DataFrame({"kunde": rows_c, "zeitpunkt": pd.to_datetime(rows_t).strftime("%d.%m.%Y %H:%M:%S"),
                        "ereignis": rows_e, "kanal": rows_ch, "betrag": rows_v})
    log = log.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    truth = pd.DataFrame({"kunde": [f"KD{i + 1:05d}" for i in range(n_customers)],
                          TRUTH_COLUMN: [JOURNEYS_DE[p].name for p in persona]})
    return log, truth


GENERATORS = {"shop_de": make_shop_de, "subscriptions": make_subscriptions,
              "latent_mix": make_latent_mix}


# -- measuring recovery ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Recovery:
    """How well discovered personas match the planted ones (noise customers left out)."""

    ari: float                 # adjusted Rand index over planted customers
    n_found: int               # personas discovered
    n_planted: int
    smallest: str              # the smallest planted persona
    smallest_jaccard: float    # its best Jaccard overlap with any discovered persona
    worst: str                 # the planted persona recovered worst
    worst_jaccard: float


def recovery(truth: np.ndarray, labels: np.ndarray) -> Recovery:
    """Compare planted ``truth`` (``noise`` = no persona) with discovered ``labels``
    (any hashable; ``unassigned`` / -1 count as a group of their own)."""
    from sklearn.metrics import adjusted_rand_score

    truth, labels = np.asarray(truth).astype(str), np.asarray(labels).astype(str)
    planted = truth != NOISE
    found = [c for c in np.unique(labels) if c not in ("unassigned", "-1")]
    best = {}
    for name in np.unique(truth[planted]):
        t = truth == name
        best[name] = max((float((t & (labels == c)).sum() / (t | (labels == c)).sum())
                          for c in found), default=0.0)
    sizes = {name: int((truth == name).sum()) for name in best}
    smallest = min(sizes, key=lambda s: (sizes[s], s))
    worst = min(best, key=lambda s: (best[s], s))
    return Recovery(ari=float(adjusted_rand_score(truth[planted], labels[planted])),
                    n_found=len(found), n_planted=len(best), smallest=smallest,
                    smallest_jaccard=best[smallest], worst=worst, worst_jaccard=best[worst])
