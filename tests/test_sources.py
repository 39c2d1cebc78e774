"""Parsers on tiny fixture files that keep the agencies' quirks."""


import openpyxl
import pytest

from socfit.errors import SourceError
from socfit.sources import bls_ep, cip, isco, oews, onet, onet_taxonomy, soc2018, stem
from socfit.sources.base import clean, read_table


def tables(src, root):
    return {t.name: t for t in src.SOURCE.parse(root)}


def test_excel_style_cip_strings_are_unwrapped(fixture_sources):
    t = tables(cip, fixture_sources)
    assert ("11.0701", "11", "Computer Science", "A program that focuses on computation.", "No substantive changes") in t["cip_titles"].rows
    assert clean('="01.0000"') == "01.0000"


def test_no_match_rows_are_dropped_from_cip_soc(fixture_sources):
    rows = tables(cip, fixture_sources)["cip_soc"].rows
    assert [r[0] for r in rows] == ["11.0701", "51.3801"]


def test_header_found_below_title_block(fixture_sources):
    rows = tables(onet_taxonomy, fixture_sources)["onet_soc_crosswalk"].rows
    assert ("15-1299.08", "Computer Systems Engineers/Architects", "15-1299", "Computer Systems Engineers/Architects") in rows


def test_ep_footnote_rows_skipped_and_dash_is_null(fixture_sources):
    rows = {r[0]: r for r in tables(bls_ep, fixture_sources)["entry_education"].rows}
    assert set(rows) == {"00-0000", "15-1252", "29-1141"}
    assert rows["00-0000"][7] is None
    assert rows["15-1252"][7] == "Bachelor's degree"


def test_soc_hierarchy_parents_from_structure(fixture_sources):
    rows = {r[0]: r for r in tables(soc2018, fixture_sources)["soc_groups"].rows}
    assert rows["15-1252"][1:4] == ("detailed", "Software Developers", "15-1250")
    assert rows["15-1250"][3] == "15-1200" and rows["15-1200"][3] == "15-0000"


def test_oews_dash_and_top_code_become_null_with_flags(fixture_sources):
    rows = {r[0]: r for r in tables(oews, fixture_sources)["wages"].rows}
    rn = rows["29-1141"]
    assert rn[10] is None  # h_mean '-'
    assert rn[12] == 1 and rn[13] == 1  # annual-only (4) and top-coded (5) footnotes


def test_isco_legacy_xls_read_with_partial_flag(fixture_sources):
    rows = tables(isco, fixture_sources)["isco_soc2010"].rows
    assert ("2512", "Software developers", 0, "15-1132", "Software Developers, Applications") in rows
    assert rows[1][2] == 1


def test_alternate_titles_prefer_30_0_and_record_version(fixture_sources):
    t = tables(onet, fixture_sources)["alternate_titles"]
    assert t.version == "30.0" and len(t.rows) == 4


def test_alternate_titles_fall_back_to_29_3(fixture_sources):
    src = fixture_sources / "onet" / "onet_30_0_alternate_titles" / "Alternate Titles.xlsx"
    dst = fixture_sources / "onet" / "onet_29_3_excel" / "Alternate Titles.xlsx"
    dst.parent.mkdir(parents=True)
    src.rename(dst)
    assert tables(onet, fixture_sources)["alternate_titles"].version == "29.3"


def test_stem_whole_series_recorded(fixture_sources):
    t = tables(stem, fixture_sources)
    assert {r[0] for r in t["stem_series"].rows} == {"14", "26", "27", "40"}


def test_missing_file_names_file_and_official_url(fixture_sources):
    (fixture_sources / "onet" / "onet_30_3_csv" / "task_statements.csv").unlink()
    with pytest.raises(SourceError) as e:
        onet.SOURCE.parse(fixture_sources)
    msg = str(e.value)
    assert "task_statements.csv" in msg and "onetcenter.org" in msg and "socfit data download" in msg


def test_wrong_columns_name_expected_and_found(fixture_sources):
    p = fixture_sources / "onet" / "onet_30_3_csv" / "job_zones.csv"
    p.write_text("Code,Zone\n15-1252.00,4\n", encoding="utf-8")
    with pytest.raises(SourceError) as e:
        onet.SOURCE.parse(fixture_sources)
    msg = str(e.value)
    assert "Expected" in msg and "'Job Zone'" in msg and "found ['Code', 'Zone']" in msg


def test_corrupt_workbook_is_one_line_error(fixture_sources):
    p = fixture_sources / "bls_soc_2018" / "soc_2018_definitions.xlsx"
    p.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(SourceError) as e:
        soc2018.SOURCE.parse(fixture_sources)
    assert "\n" not in str(e.value) and "soc_2018_definitions.xlsx" in str(e.value)


def test_non_utf8_csv_is_a_clear_error(tmp_path):
    p = tmp_path / "x.csv"
    p.write_bytes("a,b\ncaf\xe9,1\n".encode("latin-1"))
    with pytest.raises(SourceError, match="not utf-8-sig text"):
        list(read_table(p, ["a", "b"]))


def test_missing_sheet_lists_sheets(tmp_path):
    p = tmp_path / "x.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Only"
    wb.save(p)
    with pytest.raises(SourceError, match="sheets are \\['Only'\\]"):
        list(read_table(p, ["a"], sheet="Table 1.2"))
