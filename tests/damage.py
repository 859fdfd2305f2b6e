"""Ways a saved project gets damaged (hand edits, bugs, bit rot), for the tests that check a
damaged project is reported and skipped. Each takes the project directory and damages it;
most keep the manifest checksum consistent, so the check that is meant to fire does."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from persona_mining.workspace import file_sha256, manifest_digest


def _edit_manifest(d: Path, change, *, keep_checksum: bool = True) -> None:
    m = json.loads((d / "manifest.json").read_text("utf-8"))
    change(m)
    if keep_checksum:
        m["manifest_sha256"] = manifest_digest(m)
    (d / "manifest.json").write_text(json.dumps(m), "utf-8")


def _replace_arrays(d: Path, change) -> None:
    with np.load(d / "arrays.npz", allow_pickle=False) as a:
        arr = {k: a[k] for k in a.files}
    change(arr)
    buf = io.BytesIO()
    np.savez_compressed(buf, **arr)
    (d / "arrays.npz").write_bytes(buf.getvalue())
    _edit_manifest(d, lambda m: m["files"].__setitem__("arrays.npz", file_sha256(d / "arrays.npz")))


# name -> (damage, detected from the manifest alone, i.e. already when listing)
DAMAGE = {
    "not JSON": (lambda d: (d / "manifest.json").write_text("{\"config\": ", "utf-8"), True),
    "missing config": (lambda d: _edit_manifest(d, lambda m: m.pop("config")), True),
    'edits is "x"': (lambda d: _edit_manifest(d, lambda m: m.__setitem__("edits", "x")), True),
    "edit without op": (lambda d: _edit_manifest(d, lambda m: m.__setitem__("edits", [{"x": 1}])),
                        True),
    "file outside the project": (lambda d: _edit_manifest(
        d, lambda m: m["files"].__setitem__("../../outside.txt", "0" * 64)), True),
    "wrong checksum": (lambda d: _edit_manifest(
        d, lambda m: m["metrics"].__setitem__("n_customers", 7), keep_checksum=False), True),
    "Z rows do not fit": (lambda d: _replace_arrays(d, lambda a: a.__setitem__("Z", a["Z"][:-5])),
                          False),
    "labels out of range": (lambda d: _replace_arrays(
        d, lambda a: a.__setitem__("base_labels", a["base_labels"] + 50)), False),
    "text array for the map": (lambda d: _replace_arrays(
        d, lambda a: a.__setitem__("map2d", a["map2d"].astype(str))), False),
    "edit of a persona that does not exist": (lambda d: _edit_manifest(d, lambda m: m.__setitem__(
        "edits", [{"op": "set", "persona": "P99", "field": "name", "value": "x"}])), False),
    "edit of rows beyond the data": (lambda d: _edit_manifest(d, lambda m: m.__setitem__(
        "edits", [{"op": "reassign", "rows": [10 ** 7], "to": "unassigned"}])), False),
    "truncated arrays": (lambda d: (d / "arrays.npz").write_bytes((d / "arrays.npz").read_bytes()[:100]),
                         False),
    "data file missing": (lambda d: (d / "data.parquet").unlink(), True),
}
