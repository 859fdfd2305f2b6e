"""Benchmark: scoring throughput of a persona model, local engine vs. a Dask LocalCluster.

    python bench/bench_scoring.py                        # 1M customers, local and 2 workers
    python bench/bench_scoring.py --n 100000 --workers 2 4

The model is made from a discovery on 10k synthetic customers (the sample's shape, ~20
columns), then a CSV of N new customers is written and scored from file to assignments
(reading and parsing included). Prints customers per second and peak memory of this
process (the Dask workers' memory is reported by the cluster).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from persona_mining import DiscoverConfig  # noqa: E402
from persona_mining.model import PersonaModel  # noqa: E402
from persona_mining.pipeline import discover  # noqa: E402
from persona_mining.scoring import score  # noqa: E402
from persona_mining.synthetic import make_customers  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000, help="customers to score")
    ap.add_argument("--workers", type=int, nargs="*", default=[2], help="LocalCluster sizes")
    ap.add_argument("--reference", type=int, default=10_000, help="training customers")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        train = Path(tmp) / "train.csv"
        make_customers(args.reference, seed=7).to_csv(train, index=False)
        t = time.perf_counter()
        ws = discover(train, DiscoverConfig(method="kmeans", k=8, embedding="pca", bootstrap=0))
        model = PersonaModel().fit(ws)
        print(f"model: {len(model.persona_ids_)} personas, {len(model.reference_):,} reference "
              f"customers, {len(model.prep_.features_)} features ({time.perf_counter() - t:.1f} s)")

        t = time.perf_counter()
        new = Path(tmp) / "new.csv"
        make_customers(args.n, seed=8).to_csv(new, index=False)
        print(f"wrote {args.n:,} customers ({new.stat().st_size / 2**20:.0f} MB) in "
              f"{time.perf_counter() - t:.1f} s")

        t = time.perf_counter()
        local = score(model, new).assignments
        dt = time.perf_counter() - t
        print(f"local engine : {dt:7.1f} s  {args.n / dt:10,.0f} customers/s  "
              f"peak {peak_mb():,.0f} MB")

        from persona_mining.scale import dask_client, score_dask

        for w in args.workers:
            with dask_client(None, workers=w) as client:
                t = time.perf_counter()
                dist = score_dask(model, new, client).assignments
                dt = time.perf_counter() - t
                mem = sum(v["metrics"]["memory"] for v in
                          client.scheduler_info()["workers"].values()) / 2**20
            same = bool((dist["persona_id"].to_numpy() == local["persona_id"].to_numpy()).all())
            print(f"dask {w} workers: {dt:7.1f} s  {args.n / dt:10,.0f} customers/s  "
                  f"workers' memory after {mem:,.0f} MB  identical to local: {same}")


if __name__ == "__main__":
    main()
