"""Persona names: human words for what sets a persona apart, unique within a project."""

from __future__ import annotations

import pytest

from persona_mining.naming import compose, fragments, unique_names
from persona_mining.profile import Trait


def _t(column: str, effect: float, kind: str = "numeric", level: str | None = None,
       ratio: float | None = None) -> Trait:
    feature = f"{column} = {level}" if level is not None else column
    return Trait(feature=feature, column=column, kind=kind, persona_value=0.0,
                 population_value=0.0, effect_size=effect, ratio=ratio, sentence="")


def _name(*traits: Trait) -> str:
    return unique_names({"P1": fragments(traits)})["P1"]


@pytest.mark.parametrize("traits, expected", [
    ((_t("share_app", 2.0), _t("night_order_share", 1.5)), "Night-owl app shoppers"),
    ((_t("nachtkäufe_anteil", 2.2), _t("app_anteil", 1.4)), "App-first night owls"),
    ((_t("discount_share", 2.0), _t("newsletter_open_rate", 1.2)), "Newsletter-reading bargain hunters"),
    ((_t("retourenquote", 3.0), _t("servicekontakte_12m", 1.0)), "Service-intensive serial returners"),
    ((_t("days_since_last_order", 2.5, ratio=12.0), _t("revenue_12m", -2.0)), "Low-spending lapsed customers"),
    ((_t("days_since_last_order", 2.5, ratio=2.0), _t("avg_basket_value", 2.0)), "Big-basket occasional buyers"),
    ((_t("MonthlyCharges", -2.0), _t("InternetService", 2.5, "categorical", "No")),
     "Low spenders without internet service"),
    ((_t("event_share: review_read", 1.8), _t("monetary_mean", 1.1)), "Review read-driven big-basket buyers"),
])
def test_names_read_like_words_not_columns(traits, expected):
    assert _name(*traits) == expected


def test_bookkeeping_and_weak_traits_never_name_a_persona():
    assert _name(_t("event_share: other", 3.0), _t("device", 2.0, "categorical", "(other)"),
                 _t("orders", 0.1)) == "Average customers"


def test_less_of_a_share_is_not_a_name():
    """'Low app share' says what a persona does not do; the name says what it does."""
    assert _name(_t("share_app", -2.5), _t("share_store", 2.0)) == "Store shoppers"


def test_unknown_columns_are_named_readably():
    assert _name(_t("QuxScoreIndex", 1.5), _t("CLTV_Band", -1.0)) == \
        "Customers with high qux score index and low CLTV band"


def test_colliding_names_are_told_apart_by_what_differs():
    frags = {
        "P1": fragments([_t("share_store", 2.0), _t("tenure_days", 1.0), _t("region", 0.6, "categorical", "Nord")]),
        "P2": fragments([_t("share_store", 2.1), _t("tenure_days", 0.9), _t("basket_value", 1.2)]),
        "P3": fragments([_t("share_store", 1.9), _t("tenure_days", 1.1)]),
    }
    names = unique_names(frags)
    assert len(set(names.values())) == 3
    assert "big-basket" in names["P2"].lower()


def test_names_never_repeat_a_name_the_user_gave():
    frags = {"P1": fragments([_t("share_app", 2.0)]), "P2": fragments([_t("share_app", 1.0)])}
    names = unique_names(frags, taken=["App shoppers"])
    assert "App shoppers" not in names.values() and len(set(names.values())) == 2


def test_identical_personas_still_get_distinct_names():
    names = unique_names({"P1": [], "P2": [], "P3": []})
    assert len(set(names.values())) == 3


def test_compose_joins_two_with_phrases():
    frags = fragments([_t("streaming_tv", 2.0, "categorical", "Yes"),
                       _t("streaming_movies", 1.5, "categorical", "Yes")])
    assert compose(frags) == "Customers with streaming tv and streaming movies"


def test_two_readings_of_one_behaviour_do_not_make_a_name():
    """cc_general: low one-off purchase frequency and high instalment frequency are one
    behaviour read twice: never 'Occasional frequent buyers'."""
    name = _name(_t("PURCHASES_INSTALLMENTS_FREQUENCY", 2.0), _t("ONEOFF_PURCHASES_FREQUENCY", -1.8),
                 _t("CASH_ADVANCE", -1.0))
    assert "occasional" not in name.lower() and name.startswith("Frequent buyers")


def test_category_codes_are_named_with_their_column():
    assert _name(_t("Browser", 1.5, "categorical", "2")) == "Browser 2 customers"
    assert _name(_t("Weekend", 1.5, "categorical", "1")) == "Weekend 1 customers"


def test_category_codes_name_a_persona_only_when_nothing_else_is_left():
    """Online Shoppers: 'Operating systems 1 browser 1 customers' told a reader nothing;
    a behaviour, a level with words or even a plain column comes first."""
    name = _name(_t("OperatingSystems", 2.0, "categorical", "1"), _t("Browser", 1.8, "categorical", "1"),
                 _t("VisitorType", 1.2, "categorical", "New_Visitor"), _t("BounceRates", 1.0))
    assert "browser" not in name.lower() and "operating" not in name.lower()
    assert name.startswith("New visitor")


def test_two_columns_of_one_measure_do_not_qualify_each_other():
    name = _name(_t("Administrative_Duration", 2.0), _t("Administrative", 1.9),
                 _t("ExitRates", 1.0))
    assert name == "Customers with high administrative duration and high exit rates"
