"""Files are checked before they are read (persona_mining.safe_read): models, workspace
folders and their arrays, zips, JSON. Hostile files are made in the test (a zip bomb,
an .npz header claiming 80 GB, a symlink to /dev/zero); each must be refused quickly,
with one sentence, and without the memory it claims.
"""

from __future__ import annotations

import io
import json
import resource
import shutil
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from persona_mining import DiscoverConfig, safe_read, workspace
from persona_mining.errors import InputError, ModelError
from persona_mining.model import PersonaModel, load, to_zip_bytes
from persona_mining.pipeline import discover

FAST = DiscoverConfig(method="kmeans", k=4, embedding="pca", bootstrap=0, seed=3)


@pytest.fixture(scope="module")
def ws(small_csv):
    return discover(small_csv, FAST)


@pytest.fixture(scope="module")
def model_dir(ws, tmp_path_factory):
    return PersonaModel(seed=3).fit(ws).save(tmp_path_factory.mktemp("m") / "model")


def _rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _npy_claiming(shape: tuple[int, ...], dtype: str = "<f4", payload: bytes = b"\0" * 64) -> bytes:
    """An .npy member whose header declares ``shape`` but holds only ``payload``."""
    from numpy.lib import format as npy

    buf = io.BytesIO()
    npy.write_array_header_1_0(buf, {"descr": dtype, "fortran_order": False, "shape": shape})
    return buf.getvalue() + payload


def _npz(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


# -- building blocks ---------------------------------------------------------------------------------
def test_npz_header_claiming_80_gb_is_refused_from_the_header(tmp_path):
    path = tmp_path / "arrays.npz"
    path.write_bytes(_npz({"reference.npy": _npy_claiming((20_000_000_000,))}))
    before, t = _rss_kb(), time.perf_counter()
    with pytest.raises(ModelError, match=r"arrays\.npz: the array reference declares 74\.5 GB of "
                                         r"data but holds .* — the file is damaged or was made to "
                                         r"exhaust memory; export it again"):
        safe_read.check_npz(path, 1 << 30, name="arrays.npz", error=ModelError)
    assert time.perf_counter() - t < 1 and _rss_kb() - before < 50_000


def test_npz_with_pickled_objects_is_refused(tmp_path):
    path = tmp_path / "a.npz"
    path.write_bytes(_npz({"x.npy": _npy_claiming((2,), "|O")}))
    with pytest.raises(InputError, match="holds Python objects, which are never unpickled"):
        safe_read.check_npz(path, 1 << 30, name="a.npz")


def test_honest_npz_passes_with_shapes(tmp_path):
    path = tmp_path / "ok.npz"
    np.savez_compressed(path, a=np.zeros((3, 4), np.float32), b=np.arange(5))
    shapes = safe_read.check_npz(path, 1 << 20)
    assert shapes["a"][0] == (3, 4) and shapes["b"][0] == (5,)


def test_zip_bomb_is_refused_by_ratio_and_size():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.bin", b"\0" * (64 << 20))
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        with pytest.raises(InputError, match=r"b\.zip: the entry big\.bin unpacks from .* to 64\.0 "
                                             r"MB \(more than 200 : 1, like a zip bomb\)"):
            safe_read.check_zip(z, name="b.zip", max_entry=1 << 30, max_total=1 << 30)
        with pytest.raises(InputError, match=r"unpacks to 64\.0 MB, more than the limit of 1\.0 MB"):
            safe_read.check_zip(z, name="b.zip", max_entry=1 << 20, max_total=1 << 30)


def test_json_depth_ignores_brackets_in_strings():
    assert safe_read.json_depth(b'{"a": "[[[\\"[", "b": [[1], [2, {"c": 3}]]}') == 4
    assert safe_read.json_depth(b"[" * 100_000) == 100_000
    assert safe_read.json_depth(b'"just text"') == 0


def test_read_bytes_refuses_devices_and_large_files(tmp_path):
    (tmp_path / "zero").symlink_to("/dev/zero")
    with pytest.raises(InputError, match="is not a regular file"):
        safe_read.read_bytes(tmp_path / "zero", 1 << 20)
    (tmp_path / "f").write_bytes(b"x" * 2000)
    with pytest.raises(InputError, match=r"f: is 2\.0 KB, more than the limit of 1000 bytes"):
        safe_read.read_bytes(tmp_path / "f", 1000, name="f")
    assert safe_read.read_bytes(tmp_path / "f", 2000) == b"x" * 2000


# -- persona models --------------------------------------------------------------------------------------
def test_model_zip_with_a_2_gb_entry_is_refused_without_reading_it(tmp_path):
    """The 2 MB zip of the issue: an arrays.npz of 2 GB of zeros (written as a stream)."""
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("manifest.json", "{}")
        with z.open("arrays.npz", "w", force_zip64=True) as f:
            block = b"\0" * (8 << 20)
            for _ in range(256):
                f.write(block)
    assert path.stat().st_size < 20 << 20
    before, t = _rss_kb(), time.perf_counter()
    with pytest.raises(ModelError, match=r"bomb\.zip: the entry arrays\.npz unpacks from .* to "
                                         r"2\.0 GB \(more than 200 : 1, like a zip bomb\)"):
        load(path)
    assert time.perf_counter() - t < 5 and _rss_kb() - before < 100_000


def test_model_zip_entries_are_streamed_not_held_in_memory(model_dir, tmp_path, ws):
    """An honest model .zip loads (entries copied in chunks) and scores as before."""
    model = load(model_dir)
    (tmp_path / "m.zip").write_bytes(to_zip_bytes(model))
    again = load(tmp_path / "m.zip")
    assert np.array_equal(again.reference_, model.reference_)


def test_model_npz_header_claiming_80_gb(model_dir, tmp_path):
    bad = tmp_path / "model"
    shutil.copytree(model_dir, bad)
    with np.load(bad / "arrays.npz") as a:
        members = {f"{k}.npy": _npy_bytes(a[k]) for k in a.files}
    members["reference.npy"] = _npy_claiming((1_000_000, 20_000))
    (bad / "arrays.npz").write_bytes(_npz(members))
    _rechecksum(bad)                     # someone who also forged the checksums
    before = _rss_kb()
    with pytest.raises(ModelError, match=r"the array reference declares 74\.5 GB of data"):
        load(bad)
    assert _rss_kb() - before < 100_000


def test_model_file_linked_to_dev_zero(model_dir, tmp_path):
    bad = tmp_path / "model"
    shutil.copytree(model_dir, bad)
    (bad / "arrays.npz").unlink()
    (bad / "arrays.npz").symlink_to("/dev/zero")
    t = time.perf_counter()
    with pytest.raises(ModelError, match=r"arrays\.npz: is not a regular file"):
        load(bad)
    assert time.perf_counter() - t < 2


def test_model_cli_gives_one_line(model_dir, tmp_path, small_csv):
    import subprocess
    import sys

    bad = tmp_path / "model"
    shutil.copytree(model_dir, bad)
    (bad / "manifest.json").unlink()
    (bad / "manifest.json").symlink_to("/dev/zero")
    r = subprocess.run([sys.executable, "-m", "persona_mining", "score", str(bad), str(small_csv),
                        "--out", str(tmp_path / "a.csv")], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "manifest.json: is not a regular file" in r.stderr


# -- workspace folders -------------------------------------------------------------------------------------
def test_workspace_file_linked_to_dev_zero(ws, tmp_path):
    d = workspace.save(ws, tmp_path / "ws")
    (d / "data.parquet").unlink()
    (d / "data.parquet").symlink_to("/dev/zero")
    t = time.perf_counter()
    with pytest.raises(ModelError, match=r"data\.parquet: is not a regular file"):
        workspace.load(d)
    assert time.perf_counter() - t < 2


def test_workspace_npz_header_claiming_80_gb(ws, tmp_path):
    d = workspace.save(ws, tmp_path / "ws")
    with np.load(d / "arrays.npz") as a:
        members = {f"{k}.npy": _npy_bytes(a[k]) for k in a.files}
    members["Z.npy"] = _npy_claiming((1_000_000, 20_000))
    (d / "arrays.npz").write_bytes(_npz(members))
    _rechecksum(d)
    before = _rss_kb()
    with pytest.raises(ModelError, match=r"the array Z declares 74\.5 GB of data"):
        workspace.load(d)
    assert _rss_kb() - before < 100_000


def test_workspace_round_trip_still_works(ws, tmp_path):
    again = workspace.load(workspace.save(ws, tmp_path / "ws"))
    assert np.array_equal(again.base_labels, ws.base_labels)


# -- helpers --------------------------------------------------------------------------------------------------
def _npy_bytes(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return buf.getvalue()


def _rechecksum(directory: Path) -> None:
    """Forge the manifest's file checksums (and its own digest) as an attacker could."""
    from persona_mining.workspace import file_sha256

    m = json.loads((directory / "manifest.json").read_text("utf-8"))
    m["files"] = {name: file_sha256(directory / name) for name in m["files"]}
    if "manifest_sha256" in m:
        from persona_mining.model import manifest_digest

        m["manifest_sha256"] = manifest_digest(m)
    (directory / "manifest.json").write_text(json.dumps(m), "utf-8")
