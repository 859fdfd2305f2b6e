"""The Dask engine gives the same assignments as the local engine (LocalCluster here)."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pandas.testing as pdt
import pytest

from persona_mining import DiscoverConfig
from persona_mining.events import discover_events
from persona_mining.model import PersonaModel
from persona_mining.pipeline import discover
from persona_mining.scoring import read_events, score, score_partition
from persona_mining.synthetic import make_customers, make_event_log

FAST = DiscoverConfig(method="kmeans", k=5, embedding="pca", bootstrap=0)


@pytest.fixture(scope="module")
def client():
    from persona_mining.scale import dask_client

    with dask_client(None, workers=2) as c:
        yield c


@pytest.fixture(scope="module")
def table_case(tmp_path_factory):
    d = tmp_path_factory.mktemp("scale")
    frame = make_customers(2500, seed=21)
    with_ids = d / "with_ids.csv"
    frame.to_csv(with_ids, index=False)
    no_ids = d / "no_ids.csv"
    frame.drop(columns=["customer_id"]).to_csv(no_ids, index=False, sep=";", decimal=",")
    parquet = d / "table.parquet"
    frame.to_parquet(parquet, row_group_size=700)
    ws = discover(with_ids, FAST)
    return PersonaModel().fit(ws), with_ids, no_ids, parquet, PersonaModel().fit(discover(no_ids, FAST))


@pytest.fixture(scope="module")
def event_case(tmp_path_factory):
    d = tmp_path_factory.mktemp("scale-ev")
    events, _ = make_event_log(700, seed=8)
    path = d / "events.csv"
    events.sample(frac=1, random_state=1).to_csv(path, index=False)    # unsorted, like real logs
    return PersonaModel().fit(discover_events(path, FAST)), path


def test_tables_dask_equals_local(client, table_case):
    from persona_mining.scale import score_dask

    model, with_ids, no_ids, parquet, model_no_ids = table_case
    local = score(model, with_ids)
    dist = score_dask(model, with_ids, client, blocksize=60_000)       # several blocks
    pdt.assert_frame_equal(local.assignments, dist.assignments)
    for col, counts in local.counts.items():                           # drift counts add up too
        assert (abs(counts - dist.counts[col]) < 1e-6).all(), col
    pdt.assert_frame_equal(local.assignments, score_dask(model, parquet, client).assignments)
    # no id column: row numbers of the whole file, not of each block; ; and decimal comma
    local = score(model_no_ids, no_ids).assignments
    dist = score_dask(model_no_ids, no_ids, client, blocksize=50_000).assignments
    pdt.assert_frame_equal(local, dist)
    assert dist["customer_id"].tolist()[-1] == "2500"


def test_event_logs_dask_equals_local(client, event_case):
    from persona_mining.scale import score_dask

    model, path = event_case
    local = score(model, path).assignments
    dist = score_dask(model, path, client).assignments
    assert len(local) == 700
    pdt.assert_frame_equal(local, dist)
    # one month of the log (a tracking period), recency counted to that month's last event
    window = (pd.Timestamp("2026-03-01"), pd.Timestamp("2026-04-01"))
    frame, id_col = read_events(model, path, window=window)
    local = score_partition(model, frame, "events", id_col).assignments
    dist = score_dask(model, path, client, window=window).assignments
    assert 0 < len(local) < 700
    pdt.assert_frame_equal(local, dist)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "persona_mining", *args], capture_output=True,
                          text=True, timeout=600)


def test_cli_engine_dask(event_case, tmp_path):
    from persona_mining.scoring import period_windows, event_time_range, tracking_table

    model, path = event_case
    model.save(tmp_path / "model")
    r = _cli("score", str(tmp_path / "model"), str(path), "--out", str(tmp_path / "dask.csv"),
             "--engine", "dask", "--quiet")
    assert r.returncode == 0, r.stderr
    local = score(model, path).assignments
    pdt.assert_frame_equal(local, pd.read_csv(tmp_path / "dask.csv", dtype={"customer_id": str}),
                           check_dtype=False)
    r = _cli("track", str(tmp_path / "model"), str(path), "--time-col", "timestamp", "--freq", "M",
             "--out", str(tmp_path / "track"), "--engine", "dask", "--quiet")
    assert r.returncode == 0, r.stderr
    periods = []
    first, last = event_time_range(model, path)
    for name, lo, hi in period_windows(first, last, "M", last=last):
        frame, id_col = read_events(model, path, window=(lo, hi))
        periods.append((name, score_partition(model, frame, "events", id_col)))
    want = tracking_table(model, periods)
    got = pd.read_csv(tmp_path / "track" / "tracking.csv")
    pdt.assert_frame_equal(want, got, check_dtype=False)
    assert got["period"].iloc[0] == "2026-01" and got["period"].nunique() >= 6   # monthly
    drift = json.loads((tmp_path / "track" / "drift.json").read_text("utf-8"))
    assert [p["customers"] for p in drift["periods"]] == \
        got.groupby("period", sort=False)["customers"].sum().tolist()
    assert [p["active_customers"] for p in drift["periods"]] == [sc.active for _, sc in periods]
    r = _cli("score", str(tmp_path / "model"), str(path), "--out", str(tmp_path / "x.csv"),
             "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert r.returncode == 2 and "scheduler" in r.stderr and len(r.stderr.strip().splitlines()) == 1
