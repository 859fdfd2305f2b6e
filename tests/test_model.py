"""Persona model: round trip, agreement with the workspace (also after edits), safety."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from persona_mining import ModelError, cards, refine
from persona_mining.ingest import read_table
from persona_mining.model import MODEL_VERSION, PersonaModel, load, manifest_digest, to_zip_bytes
from persona_mining.scoring import score_partition


def _agreement(model: PersonaModel, ws, frame: pd.DataFrame) -> float:
    got = score_partition(model, frame).assignments
    want = cards.assignments_frame(ws)
    assert list(got["customer_id"]) == list(want["customer_id"])
    return float((got["persona_id"].to_numpy() == want["persona_id"].to_numpy()).mean())


@pytest.fixture(scope="module")
def table(sample_csv):
    return read_table(sample_csv)[0]


@pytest.fixture(scope="module")
def model(sample_ws):
    return PersonaModel().fit(sample_ws)


def test_scoring_training_data_reproduces_the_workspace(model, sample_ws, table):
    assert _agreement(model, sample_ws, table) >= 0.99
    # generalisation, measured on customers the probe model never saw
    assert model.holdout_agreement_ is not None and model.holdout_agreement_ >= 0.9
    got = score_partition(model, table).assignments
    assert set(got.columns) == {"customer_id", "persona_id", "persona_name", "confidence"}
    assert got["confidence"].between(0, 1).all()
    assert set(got["persona_name"]) >= {sample_ws.persona_name(p.id) for p in sample_ws.personas()}


def test_model_follows_the_users_edits(sample_ws, table):
    ws = sample_ws
    ids = [p.id for p in ws.personas()]
    ws = ws.with_edit(refine.edit_set(ws.state(), ids[0], "name", "Nachteulen „App“"))
    ws = ws.with_edit(refine.edit_merge(ws.state(), [ids[1], ids[2]]))
    rows = np.random.default_rng(1).choice(ws.n, 300, replace=False)
    ws = ws.with_edit(refine.edit_reassign(ws.state(), rows.tolist(), ids[3]))
    ws = ws.with_edit(refine.edit_discard(ws.state(), ids[-1]))
    big = ws.personas()[0].id
    ws = ws.with_edit(refine.edit_split(ws.state(), big, refine.propose_split(ws, big)))
    model = PersonaModel().fit(ws)
    assert _agreement(model, ws, table) >= 0.99
    assert set(model.persona_ids_) == {p.id for p in ws.personas()}
    assert ids[-1] not in model.persona_ids_ and ids[2] not in model.persona_ids_
    assert model.persona_names_[ids[0]] == "Nachteulen „App“"


def test_round_trip_and_new_customers(model, tmp_path, table):
    model.save(tmp_path / "m")
    back = load(tmp_path / "m")
    a = score_partition(model, table).assignments
    b = score_partition(back, table).assignments
    pd.testing.assert_frame_equal(a, b)
    (tmp_path / "m.zip").write_bytes(to_zip_bytes(model))          # the workbench download
    pd.testing.assert_frame_equal(a, score_partition(load(tmp_path / "m.zip"), table).assignments)
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text("utf-8"))
    assert manifest["version"] == MODEL_VERSION and manifest["provenance"]["packages"]["numpy"]
    assert manifest["provenance"]["dataset"]["sha256"]
    # no identifiers or e-mail addresses in the model
    blob = (tmp_path / "m" / "manifest.json").read_text("utf-8")
    assert "@example." not in blob and "C0000001" not in blob
    # a fresh month of similar customers lands mostly in personas
    from persona_mining.synthetic import make_customers

    fresh = make_customers(2000, seed=99)
    got = score_partition(back, fresh).assignments
    assert (got["persona_id"] == "unassigned").mean() < 0.1


def test_bad_models_give_clear_errors(model, tmp_path, table, sample_ws):
    good = model.save(tmp_path / "good")
    tampered = tmp_path / "tampered"
    shutil.copytree(good, tampered)
    with open(tampered / "arrays.npz", "r+b") as f:
        f.seek(200)
        f.write(b"\x00\x01\x02")
    with pytest.raises(ModelError, match="checksum"):
        load(tampered)
    newer = tmp_path / "newer"
    shutil.copytree(good, newer)
    m = json.loads((newer / "manifest.json").read_text("utf-8"))
    m["version"] = MODEL_VERSION + 1
    (newer / "manifest.json").write_text(json.dumps(m), "utf-8")
    with pytest.raises(ModelError, match="upgrade persona-mining"):
        load(newer)
    # an edited manifest (e.g. persona names or thresholds changed by hand) is refused
    edited = tmp_path / "edited"
    shutil.copytree(good, edited)
    m = json.loads((edited / "manifest.json").read_text("utf-8"))
    m["personas"][0]["name"] = "Hacked"
    (edited / "manifest.json").write_text(json.dumps(m), "utf-8")
    with pytest.raises(ModelError, match="manifest.json does not match"):
        load(edited)
    # made by other package versions: loads and scores the same (nothing version-bound is stored)
    m["personas"][0]["name"] = model.persona_names_[model.persona_ids_[0]]
    m["provenance"]["packages"].update({"scikit-learn": "1.7.0", "numpy": "2.1.0",
                                        "persona-mining": "0.0.9"})
    m["manifest_sha256"] = manifest_digest(m)
    (edited / "manifest.json").write_text(json.dumps(m), "utf-8")
    pd.testing.assert_frame_equal(score_partition(load(edited), table).assignments,
                                  score_partition(model, table).assignments)
    # a model from a future persona-mining whose preprocessing this version cannot read
    m["preprocessing"] = {"format": "something new"}
    m["manifest_sha256"] = manifest_digest(m)
    (edited / "manifest.json").write_text(json.dumps(m), "utf-8")
    with pytest.raises(ModelError, match="make the model again"):
        load(edited)
    (newer / "manifest.json").write_text("{not json", "utf-8")
    with pytest.raises(ModelError, match="not valid JSON"):
        load(newer)
    with pytest.raises(ModelError, match="not a persona model"):
        load(tmp_path)
    # an input without the training columns names what is missing
    from persona_mining import InputError

    with pytest.raises(InputError, match="revenue_12m"):
        score_partition(model, table.drop(columns=["revenue_12m"]), "march.csv")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "persona_mining", *args], capture_output=True,
                          text=True, timeout=600)


def test_cli_model_and_score(small_csv, tmp_path):
    r = _cli("discover", str(small_csv), "--out", str(tmp_path / "run"), "--method", "kmeans",
             "--k", "5", "--embedding", "pca", "--bootstrap", "0", "--quiet")
    assert r.returncode == 0, r.stderr
    r = _cli("model", str(tmp_path / "run"), "--out", str(tmp_path / "model"))
    assert r.returncode == 0, r.stderr
    assert "hold-out agreement" in r.stdout
    r = _cli("score", str(tmp_path / "model"), str(small_csv), "--out", str(tmp_path / "s.csv"))
    assert r.returncode == 0, r.stderr
    got = pd.read_csv(tmp_path / "s.csv", dtype=str)
    want = pd.read_csv(tmp_path / "run" / "assignments.csv", dtype=str)
    assert list(got.columns) == ["customer_id", "persona_id", "persona_name", "confidence"]
    assert (got["customer_id"] == want["customer_id"]).all()
    assert (got["persona_id"] == want["persona_id"]).mean() >= 0.99
    # bad input: exit 2, one line, no traceback
    for args, needle in (
            (("score", str(tmp_path / "nope"), str(small_csv), "--out", "x.csv"), "no such model"),
            (("score", str(tmp_path / "run" / "workspace"), str(small_csv), "--out", "x.csv"), "workspace"),
            (("score", str(tmp_path / "model"), str(tmp_path / "missing.csv"), "--out", "x.csv"), "not found"),
            (("model", str(tmp_path / "nowhere"), "--out", str(tmp_path / "m2")), "no such workspace")):
        r = _cli(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert needle in r.stderr and len(r.stderr.strip().splitlines()) == 1
    (tmp_path / "model" / "arrays.npz").write_bytes(b"garbage")
    r = _cli("score", str(tmp_path / "model"), str(small_csv), "--out", str(tmp_path / "s.csv"))
    assert r.returncode == 2 and "checksum" in r.stderr and "Traceback" not in r.stderr
