"""Benchmark: synthetic customers from file to profiled personas, per stage.

    python bench/bench_discover.py                 # 10k and 100k
    python bench/bench_discover.py --sizes 10000 100000 1000000

Prints wall time and peak memory (RSS high-water mark of the process) per stage.
Targets on a 2-core machine: 100k x 40 columns <= 30 s in a warm process (UMAP's
numba compilation measured separately as "warm-up"), 1M <= 5 min and <= 8 GB.
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
from persona_mining.embed import warm_up  # noqa: E402
from persona_mining.ingest import read_table  # noqa: E402
from persona_mining.pipeline import discover_frame  # noqa: E402
from persona_mining.synthetic import NOISE, TRUTH_COLUMN, make_customers  # noqa: E402
from sklearn.metrics import adjusted_rand_score  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--extra", type=int, default=20, help="extra numeric columns (20 -> ~40 columns)")
    ap.add_argument("--method", default="hdbscan")
    args = ap.parse_args()

    t = time.perf_counter()
    warm_up()
    print(f"warm-up (numba compile or cache load): {time.perf_counter() - t:6.1f} s", flush=True)
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"customers_{n}.parquet"
            df = make_customers(n, seed=1, extra_features=args.extra)
            truth = df.pop(TRUTH_COLUMN).to_numpy()      # never a feature
            df.to_parquet(path, index=False)
            del df
            stamps = {}
            t0 = time.perf_counter()
            frame, report = read_table(path)
            stamps["read"] = (time.perf_counter() - t0, peak_mb())

            def progress(stage: str, fraction: float) -> None:
                if fraction == 1.0:
                    stamps[stage] = (None, peak_mb())

            ws = discover_frame(frame, report, DiscoverConfig(method=args.method), progress=progress)
            total = time.perf_counter() - t0
            planted = truth != NOISE
            ari = adjusted_rand_score(truth[planted], ws.state().labels[planted])
            print(f"\n{n:,} customers x {frame.shape[1]} columns -> {ws.metrics['n_personas']} personas, "
                  f"{ws.metrics['unassigned_share'] * 100:.1f} % unassigned, ARI vs planted {ari:.3f}")
            print(f"  {'read':<11} {stamps['read'][0]:7.1f} s   peak {stamps['read'][1]:7.0f} MB")
            for stage, sec in ws.metrics["seconds"].items():
                mem = stamps.get(stage, (None, float('nan')))[1]
                print(f"  {stage:<11} {sec:7.1f} s   peak {mem:7.0f} MB")
            print(f"  {'TOTAL':<11} {total:7.1f} s   peak {peak_mb():7.0f} MB", flush=True)


if __name__ == "__main__":
    main()
