"""The command-line contract: outputs, columns, exit code 2 with one clean line on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "persona_mining", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_discover_writes_the_contract_files(small_csv, tmp_path):
    out = tmp_path / "res"
    r = run("discover", small_csv, "--out", out, "--method", "kmeans", "--k", "4",
            "--embedding", "pca", "--seed", "3", "--bootstrap", "2")
    assert r.returncode == 0, r.stderr
    doc = json.loads((out / "personas.json").read_text("utf-8"))
    from persona_mining.export import validate

    validate(doc)                         # the same published schema as the JSON export
    assert len(doc["personas"]) == 4
    for card in doc["personas"]:
        for key in ("id", "name", "description", "size", "share", "traits", "rules", "stability"):
            assert key in card
    a = pd.read_csv(out / "assignments.csv", dtype=str)
    src = pd.read_csv(small_csv, dtype=str)
    assert list(a.columns) == ["customer_id", "persona_id", "persona_name", "confidence"]
    assert a["customer_id"].tolist() == src["customer_id"].tolist()      # input order
    assert set(a["persona_id"]) <= {c["id"] for c in doc["personas"]} | {"unassigned"}
    assert (out / "workspace" / "manifest.json").exists()
    text = (out / "personas.json").read_text("utf-8")
    assert "@example." not in text and src["customer_id"].iloc[0] not in text


def test_row_numbers_when_there_is_no_id(tmp_path, small_csv):
    df = pd.read_csv(small_csv).drop(columns=["customer_id", "email"])
    path = tmp_path / "noid.csv"
    df.to_csv(path, index=False)
    r = run("discover", path, "--out", tmp_path / "o", "--embedding", "pca", "--method", "kmeans",
            "--k", "3", "--bootstrap", "0", "--quiet")
    assert r.returncode == 0, r.stderr
    a = pd.read_csv(tmp_path / "o" / "assignments.csv")
    assert a["customer_id"].tolist() == list(range(1, len(df) + 1))


def _bad_inputs(tmp: Path) -> dict[str, tuple[Path, list[str]]]:
    cases = {}
    (tmp / "empty.csv").write_bytes(b"")
    cases["empty file"] = (tmp / "empty.csv", [])
    (tmp / "only_id.csv").write_text("customer_id\n" + "\n".join(f"C{i}" for i in range(50)))
    cases["only an id column"] = (tmp / "only_id.csv", [])
    (tmp / "one_row.csv").write_text("customer_id,orders,spend\nC1,3,20.5\n")
    cases["one row"] = (tmp / "one_row.csv", [])
    (tmp / "all_missing.csv").write_text("customer_id,orders\n" + "\n".join(f"C{i}," for i in range(50)))
    cases["all-missing feature column"] = (tmp / "all_missing.csv", [])
    (tmp / "binary.csv").write_bytes(bytes(range(256)) * 40)
    cases["binary file"] = (tmp / "binary.csv", [])
    (tmp / "dup.csv").write_text("customer_id,orders,spend\n" +
                                 "\n".join(f"C{i % 40},{i},{i * 2}" for i in range(60)))
    cases["duplicate ids"] = (tmp / "dup.csv", [])
    wide = pd.DataFrame([[i] * 20_001 for i in range(20)], columns=[f"c{i}" for i in range(20_001)])
    wide.to_csv(tmp / "wide.csv", index=False)
    cases["20,001 columns"] = (tmp / "wide.csv", [])
    (tmp / "oneline.csv").write_bytes(b"a,b," + b"x" * (5 << 20))
    cases["5 MB line without a line break"] = (tmp / "oneline.csv", [])
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"], book.active["XFD1048576"] = "x", 1
    book.save(tmp / "far.xlsx")
    cases["xlsx with a far cell"] = (tmp / "far.xlsx", [])
    (tmp / "zero.csv").symlink_to("/dev/zero")
    cases["symlink to /dev/zero"] = (tmp / "zero.csv", [])
    cases["missing file"] = (tmp / "nope.csv", [])
    good = tmp / "good.csv"
    pd.DataFrame({"customer_id": [f"C{i}" for i in range(50)], "orders": range(50),
                  "spend": [i * 1.5 for i in range(50)]}).to_csv(good, index=False)
    cases["unknown id column"] = (good, ["--id-col", "kunde"])
    cases["unknown exclude column"] = (good, ["--exclude", "nothere"])
    cases["bad role"] = (good, ["--role", "orders=money"])
    cases["min-size out of range"] = (good, ["--min-size", "3"])
    cases["weight on unknown column"] = (good, ["--weight", "nothere=2"])
    return cases


def test_bad_input_exits_2_with_one_clean_line(tmp_path):
    failures = []
    for what, (path, extra) in _bad_inputs(tmp_path).items():
        r = run("discover", path, "--out", tmp_path / "out", "--embedding", "pca", *extra)
        lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
        ok = r.returncode == 2 and len(lines) == 1 and "Traceback" not in r.stderr
        if not ok:
            failures.append(f"{what}: rc={r.returncode} stderr={r.stderr[-400:]!r}")
    assert not failures, "\n".join(failures)


def test_error_line_names_the_problem(tmp_path):
    (tmp_path / "dup.csv").write_text("customer_id,orders,spend\n" +
                                      "\n".join(f"C{i % 40},{i},{i * 2}" for i in range(60)))
    r = run("discover", tmp_path / "dup.csv", "--out", tmp_path / "o", "--quiet")
    assert r.returncode == 2
    assert "dup.csv" in r.stderr and "C0" in r.stderr and "customer_id" in r.stderr


def _file_size_limit(limit: int):
    """For a child process: writing beyond ``limit`` bytes into any file fails with EFBIG,
    like a full disk (RLIMIT_FSIZE needs no root and no special filesystem; Python
    ignores SIGXFSZ, so the write returns an error instead of killing the process)."""
    import resource

    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_failed_write_keeps_the_previous_outputs(small_csv, tmp_path):
    out = tmp_path / "res"
    args = ["discover", small_csv, "--out", out, "--method", "kmeans", "--embedding", "pca",
            "--bootstrap", "0", "--quiet"]
    assert run(*args, "--seed", "3", "--k", "4").returncode == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert {"personas.json", "assignments.csv"} <= {str(p) for p in before}
    table = len(before[Path("workspace/data.parquet")])       # the same data in both runs
    # the table no longer fits: the run fails after the first output files were written
    r = subprocess.run([sys.executable, "-m", "persona_mining", *map(str, args), "--seed", "4",
                        "--k", "3"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                       preexec_fn=_file_size_limit(table - 1))
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert r.returncode == 2 and len(lines) == 1 and "cannot write" in lines[0], r.stderr
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before                        # every previous output intact, nothing left over
    assert run(*args, "--seed", "4", "--k", "3").returncode == 0      # and a good run replaces them
    doc = json.loads((out / "personas.json").read_text("utf-8"))
    assert len(doc["personas"]) == 3
    umask = os.umask(0)
    os.umask(umask)
    for p in (out / "personas.json", out / "assignments.csv", out / "workspace"):
        assert p.stat().st_mode & 0o777 == (0o777 if p.is_dir() else 0o666) & ~umask   # as usual
    assert not [p for p in out.rglob("*") if p.name.startswith((".tmp-", ".old-"))]


def _with_bad_numbers(tmp_path: Path) -> Path:
    import numpy as np

    rng = np.random.default_rng(0)
    n = 600
    df = pd.DataFrame({"customer_id": range(n), "orders": rng.poisson(3, n),
                       "revenue": rng.gamma(2, 50, n).round(2), "visits": rng.poisson(10, n)})
    df = df.astype({"revenue": object, "visits": object})
    df.loc[3, "revenue"], df.loc[4, "revenue"], df.loc[5, "revenue"] = "inf", "-inf", "1e200"
    df.loc[6, "visits"] = "9" * 400                        # too long for a float: infinite
    path = tmp_path / "numbers.csv"
    df.to_csv(path, index=False)
    return path


def test_inf_and_huge_numbers_discover_without_warnings(tmp_path):
    path = _with_bad_numbers(tmp_path)
    r = run("discover", path, "--out", tmp_path / "out", "--quiet", "--bootstrap", "0")
    assert r.returncode == 0 and r.stderr == "", r.stderr     # no internal error, no RuntimeWarning
    m = json.loads((tmp_path / "out" / "workspace" / "manifest.json").read_text("utf-8"))
    warnings = {c["column"]: c["warnings"] for c in m["quality"]["columns"]}
    assert any(w.startswith("2 infinite values") for w in warnings["revenue"])
    assert any("e.g. 10^200" in w for w in warnings["revenue"])
    assert any(w.startswith("1 infinite value") for w in warnings["visits"])


def test_disk_full_during_discover_is_one_line(tmp_path, small_csv, monkeypatch, capsys):
    """A write that fails with ENOSPC (injected: no small filesystem needed) is the user's
    to fix: exit 2, one line, no traceback."""
    import errno

    from persona_mining import cli, csvsafe

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(csvsafe, "write_csv", full)
    code = cli.main(["discover", str(small_csv), "--out", str(tmp_path / "out"), "--quiet",
                     "--embedding", "pca", "--method", "kmeans", "--k", "4", "--bootstrap", "0"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "the disk is full (No space left on device)" in err and "free some space" in err


def test_disk_full_on_a_real_small_filesystem(tmp_path, small_csv):
    """Where the test may mount a 64 KB tmpfs (root in a container), the real thing."""
    import subprocess as sp

    mnt = tmp_path / "small"
    mnt.mkdir()
    if sp.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)],
              capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small filesystem here (the injected-error test covers it)")
    try:
        r = run("discover", small_csv, "--out", mnt / "out", "--quiet", "--embedding", "pca",
                "--method", "kmeans", "--k", "4", "--bootstrap", "0")
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert "the disk is full" in r.stderr and "Traceback" not in r.stderr
    finally:
        sp.run(["umount", str(mnt)], capture_output=True)
