"""Regenerate the synthetic sample customers (see sample_data/README.md).

    python scripts/generate_sample.py [--n 10000] [--seed 7] [--out FILE]

The defaults reproduce the committed sample_data/customers.csv byte for
byte. After changing it, rebuild the prebuilt workspace:
python scripts/build_sample_workspace.py
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from persona_mining.sample import SAMPLE_CSV  # noqa: E402
from persona_mining.synthetic import write_sample  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write synthetic customers with planted personas.")
    ap.add_argument("--n", type=int, default=10_000, help="customers (default 10000)")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    ap.add_argument("--out", type=Path, default=SAMPLE_CSV,
                    help="output CSV (default sample_data/customers.csv)")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("--n must be at least 1")
    path = write_sample(args.out, n=args.n, seed=args.seed)
    print(f"{args.n:,} customers (seed {args.seed}) -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
