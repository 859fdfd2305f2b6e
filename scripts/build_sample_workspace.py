"""Rebuild sample_data/sample_workspace from the sample customers.

Run after changing the sample data or the engine:  python scripts/build_sample_workspace.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from persona_mining.pipeline import discover  # noqa: E402
from persona_mining.sample import PREBUILT, SAMPLE_CONFIG, SAMPLE_CSV  # noqa: E402
from persona_mining.workspace import save  # noqa: E402

if __name__ == "__main__":
    ws = discover(SAMPLE_CSV, SAMPLE_CONFIG)
    save(ws, PREBUILT)
    print(f"{ws.metrics['n_personas']} personas -> {PREBUILT}")
