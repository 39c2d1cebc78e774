"""The occupation card on the fixture pack (logic) — facts on real data live in test_integration_data.py."""

import pytest

from socfit.assess.occupation import card, resolve
from socfit.errors import CodeError
from socfit.pack import open_pack


@pytest.fixture()
def pack(fixture_pack_path):
    return open_pack(fixture_pack_path)


@pytest.mark.parametrize("code", ["15-1252", "151252", "15-1252.00"])
def test_all_code_forms_give_the_same_card(pack, code):
    c = card(pack, code)
    assert (c.soc_code, c.title, c.job_zone, c.entry_education) == ("15-1252", "Software Developers", 4, "Bachelor's degree")


def test_advanced_degree_share_from_onet_categories(pack):
    c = card(pack, "15-1252")
    assert c.advanced_degree_share == pytest.approx(0.30)  # master's 25 + doctoral 5
    assert c.bachelor_or_more_share == pytest.approx(1.0)


def test_onet_detail_code_focuses_card(pack):
    c = card(pack, "15-1299.08")
    assert c.soc_code == "15-1299" and c.onet_title == "Computer Systems Engineers/Architects" and c.is_residual


def test_retired_2010_code_points_to_successor(pack):
    r = resolve(pack, "15-1132")
    assert r.soc_code == "15-1252" and "SOC 2010" in r.notice and "15-1252" in r.notice
    assert card(pack, "15-1132").notice == r.notice


def test_unknown_code_lists_nearest(pack):
    with pytest.raises(CodeError, match="not a SOC 2018 code") as e:
        card(pack, "15-1259")
    assert e.value.suggestions[0][0] == "15-1252"


def test_group_code_is_not_a_detailed_occupation(pack):
    with pytest.raises(CodeError, match="minor group") as e:
        card(pack, "15-1200")
    assert ("15-1252", "Software Developers") in e.value.suggestions


def test_unknown_onet_suffix_is_rejected(pack):
    with pytest.raises(CodeError, match="not an O\\*NET-SOC 2019 code"):
        card(pack, "15-1252.07")


def test_top_coded_wage_is_flagged_not_invented(pack):
    w = card(pack, "29-1141").wages
    assert w["top_coded"] and w["h_mean"] is None


def test_card_carries_data_versions(pack):
    v = card(pack, "15-1252").data_versions
    assert v["tasks"]["version"].startswith("30.3") and v["wages"]["source"] == "bls_oews_national_may2025"
