"""Benchmark: persona quality at default settings, on planted data from several generators
and on real public tables.

    python bench/bench_quality.py                      # all planted generators + real tables found
    python bench/bench_quality.py --only shop_de --n 100000
    python bench/bench_quality.py --real ~/data/WA_Fn-UseC_-Telco-Customer-Churn.csv

Planted data (ground truth known): ARI over planted customers, personas found vs planted,
the smallest planted persona's best Jaccard, and whether all suggested names are unique.
Targets: ARI >= 0.85 for every generator, smallest persona Jaccard >= 0.5, unique names.

Real tables (no truth): personas found (target 3-10), unique names, and the names and
shares as a product owner would read them. Looked for in ``--data-dir`` (default
``../shared/datasets`` next to the project) and given with ``--real``: marketing_campaign.csv,
cc_general.csv, the IBM Telco churn table, UCI Online Shoppers Intention, CDNOW (event log).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from persona_mining import DiscoverConfig, planted, synthetic  # noqa: E402
from persona_mining.embed import warm_up  # noqa: E402
from persona_mining.pipeline import discover  # noqa: E402

TABLES = {
    "own_sample": lambda n: synthetic.make_customers(n, seed=1),
    "shop_de": lambda n: planted.make_shop_de(n),
    "subscriptions": lambda n: planted.make_subscriptions(n),
    "latent_mix": lambda n: planted.make_latent_mix(n),
}
LOGS = {
    "own_journeys": lambda n: synthetic.make_event_log(max(1000, n // 3)),
    "journeys_de": lambda n: planted.make_journeys_de(max(1000, n // 3)),
}
REAL = ("marketing_campaign.csv", "cc_general.csv", "WA_Fn-UseC_-Telco-Customer-Churn.csv",
        "telco.csv", "online_shoppers_intention.csv", "online_shoppers.csv", "cdnow_master.txt")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000, help="customers per planted table")
    ap.add_argument("--only", nargs="*", help="names of generators / real files to run")
    ap.add_argument("--real", nargs="*", default=[], help="more real tables to run")
    ap.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "datasets"))
    ap.add_argument("--method", default="hdbscan")
    ap.add_argument("--names", action="store_true", help="print every persona's name and share")
    args = ap.parse_args()
    config = DiscoverConfig(method=args.method)
    warm_up()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in {**TABLES, **LOGS}.items():
            if args.only and name not in args.only:
                continue
            rows.append(_planted(name, make(args.n), Path(tmp), config, args.names))
        for path in _real_files(args):
            if args.only and path.name not in args.only and path.stem not in args.only:
                continue
            rows.append(_real(path, config, args.names))
    _summary(rows)


def _planted(name: str, made, tmp: Path, config: DiscoverConfig, show: bool) -> dict:
    t0 = time.perf_counter()
    if isinstance(made, tuple):                       # (event log, truth)
        log, truth_frame = made
        path = tmp / f"{name}.csv"
        log.to_csv(path, index=False)
        from persona_mining.events import discover_events

        ws = discover_events(path, config)
        truth_by_id = dict(zip(truth_frame.iloc[:, 0].astype(str), truth_frame[planted.TRUTH_COLUMN]))
        truth = np.array([truth_by_id.get(str(i), planted.NOISE) for i in ws.ids], dtype=object)
    else:
        path = tmp / f"{name}.csv"
        made.to_csv(path, index=False)
        ws = discover(path, config)
        truth = made[planted.TRUTH_COLUMN].to_numpy()
    rec = planted.recovery(truth, ws.state().labels)
    names = [p.suggested_name for p in ws.personas()]
    row = {"data": name, "customers": len(truth), "found": rec.n_found, "planted": rec.n_planted,
           "ari": rec.ari, "smallest": f"{rec.smallest_jaccard:.2f}",
           "worst": f"{rec.worst_jaccard:.2f} ({rec.worst})", "unique": len(set(names)) == len(names),
           "seconds": time.perf_counter() - t0}
    _show(row, ws, show)
    return row


def _real(path: Path, config: DiscoverConfig, show: bool) -> dict:
    t0 = time.perf_counter()
    if path.suffix == ".txt" and "cdnow" in path.name:
        from persona_mining.events import discover_events

        ws = discover_events(path, config)
    else:
        ws = discover(path, config)
    names = [p.suggested_name for p in ws.personas()]
    row = {"data": path.name, "customers": len(ws.ids), "found": len(names), "planted": None,
           "ari": None, "smallest": "", "worst": "", "unique": len(set(names)) == len(names),
           "seconds": time.perf_counter() - t0}
    _show(row, ws, show)
    return row


def _show(row: dict, ws, show: bool) -> None:
    print(f"\n{row['data']}: {row['customers']:,} customers -> {row['found']} personas"
          + (f" (planted {row['planted']}), ARI {row['ari']:.3f}, smallest planted Jaccard "
             f"{row['smallest']}, worst {row['worst']}" if row["planted"] else "")
          + f", names unique: {row['unique']}, {row['seconds']:.0f} s", flush=True)
    if show or not row["planted"]:
        for p in ws.personas():
            stab = "-" if p.stability is None else f"{p.stability:.2f}"
            print(f"    {p.share * 100:5.1f} %  stability {stab}  {p.suggested_name}")


def _real_files(args) -> list[Path]:
    seen, out = set(), []
    for p in [*(Path(args.data_dir) / f for f in REAL), *map(Path, args.real)]:
        if p.exists() and p.resolve() not in seen:
            seen.add(p.resolve())
            out.append(p)
    return out


def _summary(rows: list[dict]) -> None:
    print("\n| data | customers | personas | planted | ARI | smallest J | names unique | s |")
    print("|---|---:|---:|---:|---:|---:|---|---:|")
    for r in rows:
        ari = "" if r["ari"] is None else f"{r['ari']:.3f}"
        print(f"| {r['data']} | {r['customers']:,} | {r['found']} | {r['planted'] or ''} | {ari} "
              f"| {r['smallest']} | {'yes' if r['unique'] else 'NO'} | {r['seconds']:.0f} |")


if __name__ == "__main__":
    main()
