"""Synthetic customers with planted personas: the sample data and the ground truth for tests.

One row per customer: an id, a fake e-mail (PII bait), a signup date, twelve-month
behaviour (orders, revenue, basket, channel mix, night orders, vouchers, returns,
service contacts, newsletter opens, recency, categories) and four categoricals
(device, region, loyalty flag, payment). Each planted persona (``PERSONAS``) is a
distinct *combination* of behaviours with realistic spread, heavy tails and overlap
on the features it does not define; ``noise_share`` of customers belong to none of
them. ``true_persona`` holds the ground truth, named so role inference treats it as
a label: reported per persona, never clustered. E-mails are fake, on the reserved
example domains (RFC 2606), and exist to prove PII never leaks into outputs.

Everything is vectorised numpy (1M x 40 in a few seconds) and deterministic per seed;
the extra benchmark columns come from their own random stream, so the first 21
columns are the same whatever ``extra_features`` is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

TRUTH_COLUMN = "true_persona"
NOISE = "noise"
REFERENCE_DATE = "2026-10-31"   # the sample's "today": signup dates and recency count back from it
ACTIVE_DAYS = 365               # orders_12m > 0  <=>  days_since_last_order <= 365


@dataclass(frozen=True)
class PersonaSpec:
    """One planted persona: its size and the centre of its behaviour. Customers scatter
    around these centres (negative binomial counts, lognormal money and recency, Beta
    shares, Dirichlet channel mixes), so personas overlap on what does not define them."""

    name: str
    share: float                 # of planted (non-noise) customers; all shares sum to 1
    orders: float                # mean orders in 12 months
    basket: float                # median basket value (EUR)
    channels: tuple[float, float, float]   # mean share of orders via app, web, store
    night: float                 # mean share of orders placed 22:00-06:00
    discount: float              # mean share of orders with a voucher
    returns: float               # mean share of items returned
    service: float               # mean service contacts in 12 months
    newsletter: float            # mean newsletter open rate
    recency: float               # median days since the last order
    categories: float            # mean product categories ever bought
    device: tuple[float, float, float, float]    # iOS, Android, Desktop, Mixed
    loyalty: float               # share in the loyalty programme
    payment: tuple[float, float, float, float]   # card, PayPal, invoice, cash
    traits: str = ""             # what defines the persona, in words (README, tests)


PERSONAS: tuple[PersonaSpec, ...] = (
    PersonaSpec("Everyday app shoppers", .31, 14, 42, (.75, .18, .07), .12, .20, .05, 0.8, .30, 9, 5,
                (.5, .4, .05, .05), .65, (.55, .35, .05, .05),
                "frequent small app orders, recent, loyalty members, daytime"),
    PersonaSpec("Store loyalists", .22, 7, 58, (.04, .12, .84), .02, .10, .03, 0.4, .18, 24, 3,
                (.1, .1, .3, .5), .85, (.45, .05, .05, .45),
                "buy in the store, loyalty card, pay by card or cash, ignore the newsletter"),
    PersonaSpec("Bargain hunters", .15, 9, 24, (.15, .78, .07), .08, .72, .07, 0.9, .65, 15, 4,
                (.1, .1, .7, .1), .35, (.15, .7, .1, .05),
                "voucher on most orders, small baskets, web and PayPal, read the newsletter"),
    PersonaSpec("Big-basket occasional buyers", .12, 2, 240, (.08, .60, .32), .05, .06, .06, 0.7,
                .22, 90, 6, (.15, .1, .6, .15), .30, (.35, .1, .5, .05),
                "two orders a year with very large baskets, many categories, pay on invoice"),
    PersonaSpec("Serial returners", .08, 11, 95, (.12, .82, .06), .10, .25, .48, 4.0, .35, 12, 4,
                (.3, .2, .4, .1), .40, (.2, .3, .45, .05),
                "send back half of what they order, web, frequent service contacts"),
    PersonaSpec("App night owls", .06, 16, 30, (.88, .10, .02), .72, .25, .06, 0.6, .15, 6, 3,
                (.25, .7, .0, .05), .25, (.4, .55, .03, .02),
                "order in the app late at night, Android, very frequent and recent"),
    PersonaSpec("Help seekers", .035, 4, 65, (.05, .45, .50), .03, .12, .12, 13, .12, 35, 2,
                (.05, .05, .4, .5), .55, (.2, .05, .6, .15),
                "a dozen service contacts a year for few orders, store and web, invoice"),
    PersonaSpec("Lapsed customers", .025, 0.15, 35, (.2, .5, .3), .08, .15, .05, 0.3, .04, 560, 1.2,
                (.3, .3, .3, .1), .15, (.4, .3, .2, .1),
                "last order well over a year ago, no orders in 12 months, newsletter unread"),
)
# The sample's outcome: did the customer leave in the six months after the snapshot?
# An outcome, not behaviour: reported per persona, never clustered on.
OUTCOME_COLUMN = "churned_next_6m"
CHURN_RATES = {"Everyday app shoppers": .06, "Store loyalists": .04, "Bargain hunters": .18,
               "Big-basket occasional buyers": .15, "Serial returners": .22, "App night owls": .09,
               "Help seekers": .35, "Lapsed customers": .60, NOISE: .20}
DEVICES = ("iOS", "Android", "Desktop", "Mixed")
PAYMENTS = ("card", "PayPal", "invoice", "cash")
REGIONS = ("Nord", "Süd", "Ost", "West")
REGION_SHARES = (.22, .34, .18, .26)
FIRST = ("anna", "ben", "clara", "david", "emma", "felix", "greta", "hannah", "jonas", "lena",
         "lukas", "marie", "noah", "paul", "sophie", "tim", "juergen", "oezlem", "zoe", "mia",
         "leon", "finn", "ida", "mats", "elif", "can", "nele", "karl", "ute", "petra")
LAST = ("mueller", "schmidt", "schneider", "fischer", "weber", "meyer", "wagner", "becker",
        "schulz", "hoffmann", "koch", "richter", "klein", "wolf", "neumann", "schwarz",
        "yilmaz", "kowalski", "braun", "krueger", "hartmann", "lange", "schaefer", "vogel")
DOMAINS = ("example.com", "example.org", "example.net")   # reserved: never a real mailbox
MISSING_COLUMNS = ("avg_basket_value", "service_contacts_12m", "newsletter_open_rate", "device")
SHARE_COLUMNS = ("share_app", "share_web", "share_store")


def make_customers(n: int = 10_000, *, seed: int = 7, extra_features: int = 0,
                   noise_share: float = 0.05, missing_share: float = 0.03,
                   outcome: bool = False) -> pd.DataFrame:
    """A customer table with planted personas (see module docstring); deterministic per seed.

    Columns: customer_id, email, signup_date, 13 behaviour columns, device, region,
    loyalty_member, preferred_payment, then ``feature_01`` ... (``extra_features`` of
    them: the first half weakly persona-dependent, the rest pure noise), then
    ``true_persona``. Rows are shuffled. ``missing_share`` of the cells of
    ``MISSING_COLUMNS`` are empty; ``avg_basket_value`` is also empty when there was
    no order in 12 months. With ``outcome`` an outcome column ``churned_next_6m``
    (yes/no, planted rate per persona: ``CHURN_RATES``) comes after the categoricals,
    from its own random stream: every other column is the same with or without it.
    """
    if n < 1 or extra_features < 0:
        raise ValueError(f"need n >= 1 and extra_features >= 0, got n={n}, "
                         f"extra_features={extra_features}")
    if not (0 <= noise_share < 1 and 0 <= missing_share < 1):
        raise ValueError(f"noise_share and missing_share must be in [0, 1), got "
                         f"{noise_share} and {missing_share}")
    main_seq, extra_seq, outcome_seq = np.random.SeedSequence(seed).spawn(3)
    rng = np.random.default_rng(main_seq)
    persona = _persona_codes(n, noise_share, rng)
    P = _parameters(persona, rng)
    cols = _behaviour(P, rng, n)
    cols.update(_categoricals(P, rng, n))
    _punch_missing(cols, rng, n, missing_share)
    email = _emails(n, rng)
    if outcome:
        cols[OUTCOME_COLUMN] = planted_churn(persona, np.random.default_rng(outcome_seq))
    cols.update(_extra(persona, np.random.default_rng(extra_seq), n, extra_features))
    names = np.array([p.name for p in PERSONAS] + [NOISE], dtype=object)
    return pd.DataFrame({"customer_id": _ids(n), "email": email, **cols,
                         TRUTH_COLUMN: names[persona]})


def planted_churn(persona: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """'yes'/'no' per customer, yes with the persona's planted rate (``CHURN_RATES``;
    persona codes as in make_customers, len(PERSONAS) = noise)."""
    rates = np.array([CHURN_RATES[p.name] for p in PERSONAS] + [CHURN_RATES[NOISE]])
    return np.where(rng.random(len(persona)) < rates[persona], "yes", "no").astype(object)


def make_months(n: int = 3000) -> list[tuple[str, pd.DataFrame]]:
    """Three later months of the sample's customers, for trying persona tracking: two like
    the training data, then one where app use and spend rose and a new kind of customer
    appeared (frequent night-time buyers with many returns) that no persona describes."""
    out = []
    for i, name in enumerate(("2026-11", "2026-12", "2027-01")):
        m = make_customers(n, seed=101 + i, outcome=True)
        m["customer_id"] = f"M{name.replace('-', '')}-" + m["customer_id"]   # other people each month
        if name == "2027-01":
            m["share_app"] = np.clip(m["share_app"] + 0.25, 0, 1)
            m["share_web"] = np.clip(m["share_web"] - 0.25, 0, 1)
            m["revenue_12m"] = (m["revenue_12m"] * 1.8).round(2)
            k = n // 6
            m.loc[:k - 1, ["orders_12m", "return_rate", "night_order_share"]] = [48, 0.6, 0.85]
        out.append((name, m))
    return out


def month_files(n: int = 3000) -> list[tuple[str, bytes]]:
    """:func:`make_months` as CSV uploads (file name, bytes)."""
    return [(f"{name}.csv", m.to_csv(index=False).encode("utf-8")) for name, m in make_months(n)]


def expected_shares(noise_share: float = 0.05) -> dict[str, float]:
    """Intended share of all customers per persona (and noise) for a given noise_share."""
    out = {p.name: p.share * (1 - noise_share) for p in PERSONAS}
    out[NOISE] = noise_share
    return out


def _ids(n: int) -> list[str]:
    width = max(7, len(str(n)))
    return [f"C{i:0{width}d}" for i in range(1, n + 1)]


def _persona_codes(n: int, noise_share: float, rng: np.random.Generator) -> np.ndarray:
    """Exact shares (largest remainder), shuffled: the persona index of each customer,
    len(PERSONAS) for noise."""
    n_noise = int(round(noise_share * n))
    shares = np.array([p.share for p in PERSONAS])
    quota = shares / shares.sum() * (n - n_noise)
    counts = np.floor(quota).astype(np.int64)
    short = (n - n_noise) - int(counts.sum())
    counts[np.argsort(-(quota - counts), kind="stable")[:short]] += 1
    codes = np.concatenate([np.repeat(np.arange(len(PERSONAS)), counts),
                            np.full(n_noise, len(PERSONAS))])
    return rng.permutation(codes)


_FIELDS = ("orders", "basket", "channels", "night", "discount", "returns", "service",
           "newsletter", "recency", "categories", "device", "loyalty", "payment")


def _parameters(persona: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Per-customer behaviour centres: the persona's, or for noise a random persona's
    value drawn feature by feature (plausible customers who belong nowhere)."""
    noise = persona == len(PERSONAS)
    out = {}
    for f in _FIELDS:
        values = np.array([getattr(p, f) for p in PERSONAS], dtype=float)
        idx = np.where(noise, rng.integers(0, len(PERSONAS), len(persona)), persona)
        out[f] = values[idx]
    return out


def _beta(mean: np.ndarray, conc: float, rng: np.random.Generator) -> np.ndarray:
    m = np.clip(mean, 0.01, 0.99)
    return rng.beta(m * conc, (1 - m) * conc)


def _behaviour(P: dict[str, np.ndarray], rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    orders = rng.negative_binomial(4, 4 / (4 + P["orders"]))            # heavy-tailed counts
    basket = P["basket"] * rng.lognormal(0, 0.35, n)
    per_order = rng.lognormal(0, 0.15, n)                              # baskets vary order to order
    channels = _thousandths(_dirichlet_rows(P["channels"] * 25, rng))
    recency = np.maximum(1, np.round(P["recency"] * rng.lognormal(0, 0.45, n))).astype(np.int64)
    # Ordered in the last 12 months exactly when the last order is at most a year ago.
    active = recency <= ACTIVE_DAYS
    orders = np.where(active, np.maximum(orders, 1), 0).astype(np.int64)
    revenue = np.round(orders * basket * per_order, 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        avg_basket = np.where(orders > 0, np.round(revenue / orders, 2), np.nan)
    signup_days = np.maximum(rng.integers(30, 2400, n), recency)     # signed up before ordering
    signup = (pd.Timestamp(REFERENCE_DATE) - pd.to_timedelta(signup_days, unit="D"))
    return {
        "signup_date": signup.strftime("%Y-%m-%d").to_numpy(dtype=object),
        "orders_12m": orders,
        "revenue_12m": revenue,
        "avg_basket_value": avg_basket,
        "share_app": channels[:, 0],
        "share_web": channels[:, 1],
        "share_store": channels[:, 2],
        "night_order_share": np.round(_beta(P["night"], 20, rng), 3),
        "discount_share": np.round(_beta(P["discount"], 15, rng), 3),
        "return_rate": np.round(_beta(P["returns"], 20, rng), 3),
        "service_contacts_12m": rng.poisson(P["service"] * rng.lognormal(0, 0.3, n)).astype(float),
        "newsletter_open_rate": np.round(_beta(P["newsletter"], 12, rng), 3),
        "days_since_last_order": recency,
        "categories_bought": np.maximum(1, rng.poisson(P["categories"])).astype(np.int64),
    }


def _dirichlet_rows(alpha: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Row-wise Dirichlet via normalised gammas (vectorised for millions of rows)."""
    g = rng.gamma(np.maximum(alpha, 1e-3))
    return g / g.sum(axis=1, keepdims=True)


def _thousandths(shares: np.ndarray) -> np.ndarray:
    """Round rows of shares to 3 decimals so each row still sums to exactly 1.000
    (largest remainder): never -0.0, never 1.001."""
    t = shares * 1000
    k = np.floor(t)
    short = (1000 - k.sum(axis=1)).round().astype(np.int64)          # 0, 1 or 2 thousandths
    rank = np.argsort(np.argsort(-(t - k), axis=1, kind="stable"), axis=1, kind="stable")
    k += rank < short[:, None]
    return k / 1000


def _pick(probs: np.ndarray, labels: tuple[str, ...], rng: np.random.Generator) -> np.ndarray:
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    idx = (rng.random(len(probs))[:, None] > cum).sum(axis=1)
    return np.array(labels, dtype=object)[np.minimum(idx, len(labels) - 1)]


def _categoricals(P: dict[str, np.ndarray], rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    return {
        "device": _pick(P["device"] + 1e-9, DEVICES, rng),
        "region": np.array(REGIONS, dtype=object)[rng.choice(len(REGIONS), n, p=REGION_SHARES)],
        "loyalty_member": np.where(rng.random(n) < P["loyalty"], "yes", "no").astype(object),
        "preferred_payment": _pick(P["payment"] + 1e-9, PAYMENTS, rng),
    }


def _extra(persona: np.ndarray, rng: np.random.Generator, n: int, k: int) -> dict[str, np.ndarray]:
    """Extra numeric columns for benchmarks: the first half weakly persona-dependent
    (a persona offset of about half a standard deviation), the rest pure noise."""
    out: dict[str, np.ndarray] = {}
    if k == 0:
        return out
    offsets = rng.normal(0, 0.6, (len(PERSONAS) + 1, k)).astype(np.float32)
    offsets[-1] = 0.0                                                  # noise customers: no offset
    for j in range(k):
        col = rng.standard_normal(n, dtype=np.float32)
        if j < k // 2:
            col += offsets[persona, j]
        out[f"feature_{j + 1:02d}"] = np.round(col, 4)
    return out


def _punch_missing(cols: dict[str, np.ndarray], rng: np.random.Generator, n: int,
                   share: float) -> None:
    for name in MISSING_COLUMNS:
        hole = rng.random(n) < share
        col = cols[name]
        if col.dtype == object:
            col = col.copy()
            col[hole] = None
        else:
            col = np.where(hole, np.nan, col.astype(float))
        cols[name] = col


def _emails(n: int, rng: np.random.Generator) -> list[str]:
    """vorname.nachname123@example.org: the number is a shuffled 1..n, so addresses are
    unique and say nothing about the customer id."""
    first = np.array(FIRST, dtype=object)[rng.integers(0, len(FIRST), n)]
    last = np.array(LAST, dtype=object)[rng.integers(0, len(LAST), n)]
    domain = np.array(DOMAINS, dtype=object)[rng.integers(0, len(DOMAINS), n)]
    number = rng.permutation(n) + 1
    return [f"{a}.{b}{c}@{d}" for a, b, c, d in zip(first, last, number.tolist(), domain)]


def write_sample(path: str | Path, n: int = 10_000, seed: int = 7) -> Path:
    """Write the sample CSV: UTF-8, comma-separated, '.' decimal, '\\n' line ends; shares
    and rates to 3 decimals, money to 2, counts as integers, empty cells for missing."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    make_customers(n, seed=seed, outcome=True).to_csv(path, index=False, encoding="utf-8",
                                                      lineterminator="\n")
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


# -- wide tables: purchases per product ------------------------------------------------------
def make_wide_purchases(n: int = 10_000, n_products: int = 3_000, *, n_personas: int = 6,
                        seed: int = 5, mean_purchases: float = 40.0) -> pd.DataFrame:
    """A wide, sparse customer table with planted personas: purchases per product.

    Columns: ``customer_id``, ``product_0001`` … (``n_products`` counts over a year) and
    ``true_persona``. Each persona buys mostly (80 %) from its own range of products
    (a contiguous block of ``n_products / n_personas``, popularity falling like Zipf
    inside it) and otherwise from everything by overall popularity; customers buy a
    negative-binomial number of items (``mean_purchases`` on average), so almost every
    cell is 0, as in real product-level purchase tables. Deterministic per seed.
    """
    if n < 1 or n_products < n_personas or n_personas < 1:
        raise ValueError(f"need n >= 1 and n_products >= n_personas >= 1, got n={n}, "
                         f"n_products={n_products}, n_personas={n_personas}")
    rng = np.random.default_rng(seed)
    persona = rng.integers(0, n_personas, n)
    popularity = 1.0 / np.arange(1, n_products + 1) ** 0.8
    rng.shuffle(popularity)
    block = n_products // n_personas
    prefs = np.empty((n_personas, n_products))
    for p in range(n_personas):
        own = np.zeros(n_products)
        own[p * block:(p + 1) * block] = 1.0 / np.arange(1, block + 1) ** 0.6
        prefs[p] = 0.8 * own / own.sum() + 0.2 * popularity / popularity.sum()
    totals = rng.negative_binomial(3, 3 / (3 + mean_purchases), n)
    counts = np.zeros((n, n_products), dtype=np.int32)
    for p in range(n_personas):
        rows = np.flatnonzero(persona == p)
        counts[rows] = rng.multinomial(totals[rows], prefs[p]).astype(np.int32)
    frame = pd.DataFrame(counts, columns=[f"product_{j + 1:0{max(4, len(str(n_products)))}d}"
                                          for j in range(n_products)])
    frame.insert(0, "customer_id", _ids(n))
    frame[TRUTH_COLUMN] = np.array([f"range {p + 1}" for p in range(n_personas)],
                                   dtype=object)[persona]
    return frame
