"""Benchmark: wide tables (purchases per product) from CSV to personas, per stage.

    python bench/bench_wide.py                          # 10k customers x 3,000 and x 10,000
    python bench/bench_wide.py --customers 10000 --columns 1000 3000 10000

Every size runs in a fresh process, so "peak" is that size's own RSS high-water mark.
Stages: read (CSV), the discovery stages, saving and loading the workspace, fitting the
persona model and scoring the same file with it. ARI is measured against the planted
personas of ``synthetic.make_wide_purchases`` (six product ranges).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(n: int, columns: int) -> None:
    from sklearn.metrics import adjusted_rand_score

    from persona_mining import DiscoverConfig, workspace
    from persona_mining.embed import warm_up
    from persona_mining.ingest import read_table
    from persona_mining.model import PersonaModel
    from persona_mining.pipeline import discover_frame
    from persona_mining.scoring import score
    from persona_mining.synthetic import TRUTH_COLUMN, make_wide_purchases

    warm_up()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "purchases.csv"
        frame = make_wide_purchases(n, columns, seed=5)
        truth = frame.pop(TRUTH_COLUMN).to_numpy()
        frame.to_csv(path, index=False)
        size_mb = path.stat().st_size / 2**20
        del frame
        rows = []
        base = peak_mb()

        def stamp(stage: str, seconds: float) -> None:
            rows.append((stage, seconds, peak_mb()))

        t = time.perf_counter()
        table, report = read_table(path)
        stamp("read", time.perf_counter() - t)
        peaks = {}

        def progress(stage: str, fraction: float) -> None:
            if fraction == 1.0:
                peaks[stage] = peak_mb()

        ws = discover_frame(table, report, DiscoverConfig(), progress=progress)
        for stage, sec in ws.metrics["seconds"].items():
            rows.append((stage, sec, peaks.get(stage, float("nan"))))
        del table
        t = time.perf_counter()
        workspace.save(ws, Path(tmp) / "ws")
        stamp("save", time.perf_counter() - t)
        t = time.perf_counter()
        ws = workspace.load(Path(tmp) / "ws")
        stamp("load", time.perf_counter() - t)
        t = time.perf_counter()
        model = PersonaModel(seed=42).fit(ws)
        stamp("model", time.perf_counter() - t)
        t = time.perf_counter()
        scored = score(model, path)
        stamp("score", time.perf_counter() - t)
        agree = float((scored.assignments["persona_id"].to_numpy()
                       == ws.state().labels).mean())
        ari = adjusted_rand_score(truth, ws.state().labels)
        red = ws.metrics.get("reduction")
        print(f"\n{n:,} customers x {columns:,} product columns ({size_mb:.0f} MB CSV) -> "
              f"{ws.metrics['n_personas']} personas, {ws.metrics['unassigned_share'] * 100:.1f} % "
              f"unassigned, ARI vs planted {ari:.3f}; embedding on "
              + (f"{red['components']} principal components ({red['explained_variance'] * 100:.0f} % "
                 "of the variance)" if red else "the model matrix")
              + f"; model hold-out agreement {model.holdout_agreement_}, scoring the training "
                f"file agrees {agree * 100:.1f} %")
        print(f"  {'start':<11} {'':>7}     peak {base:7.0f} MB (after generating the table)")
        for stage, sec, mem in rows:
            print(f"  {stage:<11} {sec:7.1f} s   peak {mem:7.0f} MB")
        total = sum(sec for _, sec, _ in rows)
        print(f"  {'TOTAL':<11} {total:7.1f} s   peak {peak_mb():7.0f} MB", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=10_000)
    ap.add_argument("--columns", type=int, nargs="+", default=[3_000, 10_000])
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        one(args.customers, args.columns[0])
        return
    env = {**os.environ, "NUMBA_CACHE_DIR": os.environ.get(
        "NUMBA_CACHE_DIR", str(ROOT / ".venv" / "numba-cache"))}
    for columns in args.columns:
        subprocess.run([sys.executable, __file__, "--one", "--customers", str(args.customers),
                        "--columns", str(columns)], check=True, env=env)


if __name__ == "__main__":
    main()
