"""Outcomes on the pages: Personas metrics, the role switch outcome <-> feature on the Data
page (one change, recorded in the provenance), Explore colouring, Track over periods."""

import pytest

from persona_mining import DiscoverConfig, outcomes
from persona_mining.pipeline import discover
from persona_mining.synthetic import OUTCOME_COLUMN, make_customers

from apptest_helpers import ROOT, page_text, run_kmeans

FAST = DiscoverConfig(method="kmeans", k=4, embedding="pca", bootstrap=2, seed=3)   # as conftest's


@pytest.fixture(scope="module")
def outcome_ws(tmp_path_factory):
    path = tmp_path_factory.mktemp("outcome-app") / "kunden.csv"
    make_customers(1500, seed=3, outcome=True).to_csv(path, index=False)
    return discover(path, FAST)


def test_personas_page_shows_each_personas_outcomes(no_exception, page, outcome_ws, small_ws):
    at = page("pages/personas.py", ws=outcome_ws)
    no_exception(at)
    shown = [m for m in at.metric if m.label == "Churned next 6m"]
    per = outcomes.persona_outcomes(outcome_ws)
    assert len(shown) == len(outcome_ws.personas())
    first = per[outcome_ws.personas()[0].id][0]
    assert shown[0].value == outcomes.fmt_value("rate", first.value)
    assert "points vs all customers" in shown[0].delta
    text = page_text(at)
    assert "Outcomes of all customers: Churned next 6m" in text
    assert "as often as the average customer" in text
    assert any(e.label == "How outcome figures are computed" for e in at.expander)
    plain = page("pages/personas.py", ws=small_ws)                 # no outcome column
    no_exception(plain)
    assert "Outcomes" not in page_text(plain) and "Churned" not in page_text(plain)


def test_an_outcome_switched_to_a_feature_with_one_role_change(no_exception, page, outcome_ws):
    from streamlit.testing.v1 import AppTest

    def rediscover(data_page):
        disc = AppTest.from_file(str(ROOT / "pages/discover.py"), default_timeout=120)
        for key in ("workspace", "project", "roles_draft"):
            disc.session_state[key] = data_page.session_state[key]
        run_kmeans(disc.run(), 4)
        no_exception(disc)
        return disc.session_state["workspace"]

    def set_role(ws, role):
        at = page("pages/data.py", ws=ws)
        editor = at.data_editor[0]
        row = list(editor.value["column"]).index(OUTCOME_COLUMN)
        assert editor.value["role"].iloc[row] != role
        at.session_state[editor.key] = {"edited_rows": {row: {"role": role}},
                                        "added_rows": [], "deleted_rows": []}
        at.run()
        no_exception(at)
        assert at.session_state["roles_draft"] == {OUTCOME_COLUMN: role}
        assert f"{OUTCOME_COLUMN} → {role}" in page_text(at)
        return at

    at = page("pages/data.py", ws=outcome_ws)
    roles = dict(zip(at.data_editor[0].value["column"], at.data_editor[0].value["role"]))
    assert roles[OUTCOME_COLUMN] == "outcome"
    assert f"Outcomes ({OUTCOME_COLUMN}) are reported per persona" in page_text(at)
    feature = rediscover(set_role(outcome_ws, "boolean"))
    assert OUTCOME_COLUMN in feature.prep.source_columns_
    assert outcomes.persona_outcomes(feature) == {}
    assert feature.provenance["role_changes"] == [
        {"column": OUTCOME_COLUMN, "inferred": "outcome", "role": "boolean"}]
    personas = page("pages/personas.py", ws=feature)
    no_exception(personas)
    assert not [m for m in personas.metric if m.label == "Churned next 6m"]
    back = rediscover(set_role(feature, "outcome"))              # and back, one change again
    assert OUTCOME_COLUMN not in back.prep.source_columns_
    assert back.provenance["role_changes"] == []
    assert [s.column for s in outcomes.workspace_specs(back)] == [OUTCOME_COLUMN]


def test_explore_colours_the_map_by_an_outcome(no_exception, page, outcome_ws):
    at = page("pages/explore.py", ws=outcome_ws)
    no_exception(at)
    assert "Outcomes by persona" in page_text(at)
    box = at.selectbox(key="color_by")
    assert OUTCOME_COLUMN in box.options or "churned next 6m (outcome)" in box.options
    box.set_value(OUTCOME_COLUMN).run()
    no_exception(at)
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert '"yes"' in spec and OUTCOME_COLUMN in spec


def test_explore_selection_shows_its_outcomes(no_exception, page, outcome_ws):
    import numpy as np

    rows = np.flatnonzero(outcome_ws.state().labels == outcome_ws.personas()[0].id)[:200]
    at = page("pages/explore.py", ws=outcome_ws)
    at.session_state["selection"] = rows.tolist()
    at.run()
    no_exception(at)
    picked = outcomes.selection_outcomes(outcome_ws, rows)[0]
    assert picked.n == 200
    assert f"Churned next 6m: {outcomes.sentence(picked)}" in page_text(at)


def test_track_page_shows_outcomes_per_period(no_exception, page, outcome_ws):
    at = page("pages/track.py", ws=outcome_ws)
    no_exception(at)
    at.button(key="track_demo").click().run()
    no_exception(at)
    result = at.session_state["workspace"].extras["tracking"]
    rows = [r for r in result["outcomes"] if r["outcome"] == OUTCOME_COLUMN]
    assert {r["period"] for r in rows} == {"2026-11", "2026-12", "2027-01"}
    assert "Outcomes over time" in page_text(at)
    assert any(b.label == "outcomes.csv" for b in at.get("download_button"))
