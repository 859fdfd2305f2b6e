"""Synthetic customers with planted personas: the sample data and the ground truth for tests.

Each planted persona is a distinct mix of behaviours (channels, timing, discounts,
returns, service, recency) with realistic spread, heavy tails and overlap; 5 % of
customers are background noise. ``true_persona`` holds the ground truth, named so
the role inference treats it as a label (reported, never clustered). E-mails are
fake, on reserved example domains, and exist to prove PII never leaks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

TRUTH_COLUMN = "true_persona"
NOISE = "noise"


@dataclass(frozen=True)
class PersonaSpec:
    name: str
    share: float                 # of non-noise customers
    orders: float                # mean orders in 12 months
    basket: float                # median basket value (EUR)
    channels: tuple[float, float, float]   # app, web, store
    night: float                 # share of orders 22:00-06:00
    discount: float              # share of orders with a voucher
    returns: float               # share of items returned
    service: float               # mean service contacts in 12 months
    newsletter: float            # newsletter open rate
    recency: float               # median days since last order
    categories: float            # mean product categories bought
    device: tuple[float, float, float, float]    # iOS, Android, Desktop, Mixed
    loyalty: float               # share in the loyalty programme
    payment: tuple[float, float, float, float]   # card, PayPal, invoice, cash


PERSONAS: tuple[PersonaSpec, ...] = (
    PersonaSpec("Everyday app shoppers", .30, 14, 42, (.75, .18, .07), .12, .20, .05, 0.8, .30, 9, 5,
                (.5, .4, .05, .05), .65, (.55, .35, .05, .05)),
    PersonaSpec("Store loyalists", .21, 7, 58, (.04, .12, .84), .02, .10, .03, 0.4, .18, 24, 3,
                (.1, .1, .3, .5), .85, (.45, .05, .05, .45)),
    PersonaSpec("Bargain hunters", .15, 9, 24, (.15, .78, .07), .08, .72, .07, 0.9, .65, 15, 4,
                (.1, .1, .7, .1), .35, (.15, .7, .1, .05)),
    PersonaSpec("Big-basket occasional buyers", .12, 2, 240, (.08, .60, .32), .05, .06, .06, 0.7, .22,
                90, 6, (.15, .1, .6, .15), .30, (.35, .1, .5, .05)),
    PersonaSpec("Serial returners", .08, 11, 95, (.12, .82, .06), .10, .25, .48, 4.0, .35, 12, 4,
                (.3, .2, .4, .1), .40, (.2, .3, .45, .05)),
    PersonaSpec("App night owls", .06, 16, 30, (.88, .10, .02), .72, .25, .06, 0.6, .15, 6, 3,
                (.25, .7, .0, .05), .25, (.4, .55, .03, .02)),
    PersonaSpec("Help seekers", .03, 4, 65, (.05, .45, .50), .03, .12, .12, 13, .12, 35, 2,
                (.05, .05, .4, .5), .55, (.2, .05, .6, .15)),
    PersonaSpec("Lapsed customers", .022, 0.15, 35, (.2, .5, .3), .08, .15, .05, 0.3, .04, 560, 1.2,
                (.3, .3, .3, .1), .15, (.4, .3, .2, .1)),
)
DEVICES = ("iOS", "Android", "Desktop", "Mixed")
PAYMENTS = ("card", "PayPal", "invoice", "cash")
REGIONS = ("Nord", "Süd", "Ost", "West")
FIRST = ("anna", "ben", "clara", "david", "emma", "felix", "greta", "hannah", "jonas", "lena",
         "lukas", "marie", "noah", "paul", "sophie", "tim", "jürgen", "özlem", "zoe", "mia")
LAST = ("mueller", "schmidt", "schneider", "fischer", "weber", "meyer", "wagner", "becker",
        "schulz", "hoffmann", "koch", "richter", "klein", "wolf", "neumann", "schwarz")
DOMAINS = ("example.com", "example.org", "example.net")


def make_customers(n: int = 10_000, *, seed: int = 7, extra_features: int = 0,
                   noise_share: float = 0.05, missing_share: float = 0.03) -> pd.DataFrame:
    """A customer table with planted personas (see module docstring); deterministic per seed."""
    rng = np.random.default_rng(seed)
    persona = _persona_codes(n, noise_share, rng)
    P = _parameters(persona, rng)
    cols = _behaviour(P, rng, n)
    cols.update(_categoricals(P, rng, n))
    cols.update(_extra(persona, rng, n, extra_features))
    _punch_missing(cols, rng, n, missing_share)
    names = np.array([p.name for p in PERSONAS] + [NOISE], dtype=object)
    frame = pd.DataFrame({"customer_id": [f"C{i:07d}" for i in range(1, n + 1)],
                          "email": _emails(n, rng), **cols, TRUTH_COLUMN: names[persona]})
    return frame


def _persona_codes(n: int, noise_share: float, rng: np.random.Generator) -> np.ndarray:
    """Exact shares (rounded), shuffled: persona index per customer, len(PERSONAS) = noise."""
    n_noise = int(round(noise_share * n))
    shares = np.array([p.share for p in PERSONAS])
    counts = np.floor(shares / shares.sum() * (n - n_noise)).astype(int)
    counts[0] += n - n_noise - counts.sum()
    codes = np.concatenate([np.repeat(np.arange(len(PERSONAS)), counts),
                            np.full(n_noise, len(PERSONAS))])
    return rng.permutation(codes)


def _parameters(persona: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Per-customer behaviour parameters: the persona's, or for noise a random mix of
    every persona's parameters feature by feature (plausible but belonging nowhere)."""
    fields = ("orders", "basket", "channels", "night", "discount", "returns", "service",
              "newsletter", "recency", "categories", "device", "loyalty", "payment")
    table = {f: np.array([getattr(p, f) for p in PERSONAS], dtype=float) for f in fields}
    noise = persona == len(PERSONAS)
    out = {}
    for f, values in table.items():
        idx = np.where(noise, rng.integers(0, len(PERSONAS), len(persona)), persona)
        out[f] = values[idx]
    return out


def _beta(mean: np.ndarray, conc: float, rng: np.random.Generator) -> np.ndarray:
    m = np.clip(mean, 0.01, 0.99)
    return rng.beta(m * conc, (1 - m) * conc)


def _behaviour(P: dict[str, np.ndarray], rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    orders = rng.negative_binomial(4, 4 / (4 + P["orders"]))            # heavy-tailed counts
    # Everyone but the lapsed bought in the last 12 months: that is what makes them active.
    orders = np.where(P["orders"] >= 1, np.maximum(orders, 1), orders)
    basket = np.round(P["basket"] * rng.lognormal(0, 0.35, n), 2)
    revenue = np.round(orders * basket * rng.lognormal(0, 0.15, n), 2)
    channels = _dirichlet_rows(P["channels"] * 25, rng)
    signup_days = rng.integers(30, 2400, n)
    recency = np.minimum(np.round(P["recency"] * rng.lognormal(0, 0.45, n)), signup_days)
    return {
        "signup_date": (pd.Timestamp("2026-10-31") - pd.to_timedelta(signup_days, unit="D"))
        .strftime("%Y-%m-%d").to_numpy(dtype=object),
        "orders_12m": orders.astype(np.int64),
        "revenue_12m": revenue,
        "avg_basket_value": np.where(orders > 0, basket, np.nan),
        "share_app": np.round(channels[:, 0], 3),
        "share_web": np.round(channels[:, 1], 3),
        "share_store": np.round(1 - np.round(channels[:, 0], 3) - np.round(channels[:, 1], 3), 3),
        "night_order_share": np.round(_beta(P["night"], 20, rng), 3),
        "discount_share": np.round(_beta(P["discount"], 15, rng), 3),
        "return_rate": np.round(_beta(P["returns"], 20, rng), 3),
        "service_contacts_12m": rng.poisson(P["service"] * rng.lognormal(0, 0.3, n)).astype(float),
        "newsletter_open_rate": np.round(_beta(P["newsletter"], 12, rng), 3),
        "days_since_last_order": recency.astype(np.int64),
        "categories_bought": np.maximum(1, rng.poisson(P["categories"])).astype(np.int64),
    }


def _dirichlet_rows(alpha: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Row-wise Dirichlet via normalised gammas (vectorised for millions of rows)."""
    g = rng.gamma(np.maximum(alpha, 1e-3))
    return g / g.sum(axis=1, keepdims=True)


def _pick(probs: np.ndarray, labels: tuple[str, ...], rng: np.random.Generator) -> np.ndarray:
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    idx = (rng.random(len(probs))[:, None] > cum).sum(axis=1)
    return np.array(labels, dtype=object)[np.minimum(idx, len(labels) - 1)]


def _categoricals(P: dict[str, np.ndarray], rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    return {
        "device": _pick(P["device"] + 1e-9, DEVICES, rng),
        "region": np.array(REGIONS, dtype=object)[rng.choice(4, n, p=[.22, .34, .18, .26])],
        "loyalty_member": np.where(rng.random(n) < P["loyalty"], "yes", "no").astype(object),
        "preferred_payment": _pick(P["payment"] + 1e-9, PAYMENTS, rng),
    }


def _extra(persona: np.ndarray, rng: np.random.Generator, n: int, k: int) -> dict[str, np.ndarray]:
    """Extra numeric columns for benchmarks: the first half weakly persona-dependent."""
    out = {}
    offsets = rng.normal(0, 0.6, (len(PERSONAS) + 1, max(k, 1)))
    offsets[-1] = 0.0
    for j in range(k):
        base = rng.normal(0, 1, n).astype(np.float32)
        if j < k // 2:
            base += offsets[persona, j].astype(np.float32)
        out[f"feature_{j + 1:02d}"] = np.round(base, 4)
    return out


def _punch_missing(cols: dict[str, np.ndarray], rng: np.random.Generator, n: int,
                   share: float) -> None:
    for name in ("newsletter_open_rate", "avg_basket_value", "service_contacts_12m", "device"):
        hole = rng.random(n) < share
        col = cols[name]
        if col.dtype == object:
            col = col.copy()
            col[hole] = None
        else:
            col = np.where(hole, np.nan, col.astype(float))
        cols[name] = col


def _emails(n: int, rng: np.random.Generator) -> list[str]:
    f = rng.integers(0, len(FIRST), n)
    last = rng.integers(0, len(LAST), n)
    d = rng.integers(0, len(DOMAINS), n)
    return [f"{FIRST[a]}.{LAST[b]}{i}@{DOMAINS[c]}" for i, (a, b, c) in enumerate(zip(f, last, d), 1)]


def write_sample(path: str | Path, n: int = 10_000, seed: int = 7) -> Path:
    """Write the sample CSV (UTF-8, comma, '.' decimal)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    make_customers(n, seed=seed).to_csv(path, index=False, encoding="utf-8")
    return path


# -- event logs ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class JourneySpec:
    name: str
    share: float
    journey: tuple[str, ...]          # touchpoints of a typical visit, in order
    channel: str
    hours: tuple[int, int]            # visits start between these hours (UTC)
    visits: float                     # mean visits in the half year
    value: float                      # median purchase value
    refund_rate: float                # share of purchases refunded later
    weekend: float                    # share of visits on weekends


JOURNEYS: tuple[JourneySpec, ...] = (
    JourneySpec("Mobile night buyers", .34, ("app_start", "product_view", "add_to_cart", "purchase"),
                "app", (21, 26), 9, 32, .03, .3),
    JourneySpec("Research-heavy web buyers", .25, ("search", "product_view", "review_read",
                "product_view", "compare", "add_to_cart", "purchase"), "web", (9, 17), 5, 160, .04, .2),
    JourneySpec("Store-first with service calls", .18, ("store_visit", "purchase", "service_call"),
                "store", (10, 18), 4, 70, .05, .45),
    JourneySpec("Returners", .13, ("product_view", "add_to_cart", "purchase", "return_request"),
                "web", (12, 22), 6, 90, .55, .3),
    JourneySpec("Newsletter-driven deal seekers", .10, ("newsletter_click", "voucher_view",
                "product_view", "purchase"), "email", (7, 11), 5, 28, .05, .7),
)


def make_event_log(n_customers: int = 3000, *, seed: int = 11) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(event log, truth): a touchpoint log with planted journey personas, and the
    persona per customer (kept apart: the log itself has no ground-truth column)."""
    rng = np.random.default_rng(seed)
    shares = np.array([j.share for j in JOURNEYS])
    persona = rng.choice(len(JOURNEYS), n_customers, p=shares / shares.sum())
    start = pd.Timestamp("2026-01-01")
    rows: list[tuple] = []
    for i, p in enumerate(persona):
        spec = JOURNEYS[p]
        cid = f"K{i + 1:06d}"
        for _ in range(max(1, rng.poisson(spec.visits))):
            day = int(rng.integers(0, 181))
            ts = start + pd.Timedelta(days=day)
            if (ts.dayofweek >= 5) != (rng.random() < spec.weekend):   # nudge to weekend share
                ts += pd.Timedelta(days=int(5 - ts.dayofweek) % 7 if rng.random() < spec.weekend else 2)
            ts += pd.Timedelta(hours=float(rng.uniform(*spec.hours)))
            value = float(np.round(spec.value * rng.lognormal(0, .3), 2))
            steps = [s for s in spec.journey if rng.random() > 0.1 or s == "purchase"]
            for s in steps:
                ts += pd.Timedelta(minutes=float(rng.exponential(3)))
                channel = spec.channel if rng.random() > .15 else rng.choice(["web", "app", "store", "email"])
                v = value if s == "purchase" else (-value if s == "return_request" and
                                                   rng.random() < spec.refund_rate * 1.5 else None)
                rows.append((cid, ts.isoformat(sep=" ", timespec="seconds"), s, channel, v))
    log = pd.DataFrame(rows, columns=["customer_id", "timestamp", "event", "channel", "value"])
    log = log.sample(frac=1.0, random_state=seed).reset_index(drop=True)   # logs arrive unsorted
    truth = pd.DataFrame({"customer_id": [f"K{i + 1:06d}" for i in range(n_customers)],
                          TRUTH_COLUMN: [JOURNEYS[p].name for p in persona]})
    return log, truth
