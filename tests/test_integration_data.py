"""Facts the knowledge pack must hold when built from the official files in ../shared/data."""

import pytest

from socfit.assess.occupation import card
from socfit.errors import CodeError

pytestmark = pytest.mark.integration


def test_counts_match_the_published_sources(real_pack):
    c = real_pack.status(integrity=True)
    n = c["counts"]
    assert c["integrity"] == "ok"
    assert n["soc_major"] == 23
    assert n["soc_detailed"] == 867
    assert n["onet_occupations"] == 1016
    assert n["alternate_titles"] >= 56_000
    assert n["reported_titles"] >= 7_900
    assert n["dmtf_titles"] == 6_520
    assert n["tasks"] >= 18_000
    assert n["job_zones"] >= 900
    assert n["entry_education"] >= 800
    assert n["wages"] >= 800
    assert n["cip_soc"] >= 5_000
    assert n["cet_areas"] == 18


def test_every_detailed_code_has_a_definition(real_pack):
    assert real_pack.value("SELECT COUNT(*) FROM soc_groups WHERE level='detailed' AND COALESCE(definition,'')=''") == 0


def test_every_onet_code_maps_to_one_detailed_soc(real_pack):
    bad = real_pack.value("""SELECT COUNT(*) FROM onet_occupations o LEFT JOIN soc_groups g
                             ON g.soc_code = o.soc_code AND g.level='detailed' WHERE g.soc_code IS NULL""")
    assert bad == 0
    assert real_pack.value("SELECT COUNT(DISTINCT soc_code) FROM onet_occupations") == 867


def test_onet_taxonomy_crosswalk_agrees_with_code_prefix(real_pack):
    assert real_pack.value("SELECT COUNT(*) FROM onet_soc_crosswalk WHERE substr(onet_code,1,7) != soc_code") == 0


def test_job_zone_scale_is_stored_as_published(real_pack):
    zones = {r[0] for r in real_pack.rows("SELECT DISTINCT job_zone FROM job_zones")}
    assert zones == {2, 3, 4, 5}  # O*NET 30.3's 4-level scale
    oflc = {r[0] for r in real_pack.rows("SELECT DISTINCT job_zone FROM oflc_job_zones")}
    assert oflc == {1, 2, 3, 4, 5}  # OFLC keeps the 5-level scale


def test_software_developers_spot_check(real_pack):
    c = card(real_pack, "15-1252")
    assert c.title == "Software Developers"
    assert c.job_zone == 4
    assert c.entry_education == "Bachelor's degree"
    assert c.wages["a_median"] == 135_980 and c.wages["employment"] == 1_687_890
    assert c.oflc["appendix_a"] is True
    assert len(c.tasks) == 10 and any(p["stem"] for p in c.cip_programs)
    assert {"tasks", "wages", "entry_education"} <= set(c.data_versions)


def test_retired_software_code_points_to_2018(real_pack):
    c = card(real_pack, "15-1132")
    assert c.soc_code == "15-1252" and "15-1253" in c.notice


def test_onet_detail_in_all_other(real_pack):
    c = card(real_pack, "15-1299.08")
    assert c.onet_title == "Computer Systems Engineers/Architects" and c.is_residual


def test_unknown_code_has_nearest(real_pack):
    with pytest.raises(CodeError) as e:
        card(real_pack, "15-1259")
    assert e.value.suggestions and e.value.suggestions[0][0].startswith("15-125")


def test_isco_chain_reaches_soc_2018(real_pack):
    rows = real_pack.rows("SELECT soc_code FROM isco_soc2018 WHERE isco_code='2512'")
    assert "15-1252" in {r[0] for r in rows}


def test_dhs_stem_pdf_and_csv_agree(real_pack):
    assert real_pack.value("SELECT COUNT(*) FROM stem_cip") == 540
    assert real_pack.value("SELECT COUNT(*) FROM stem_cip WHERE cip_code='11.0701'") == 1
