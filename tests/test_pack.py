"""Building, opening and protecting the pack."""

import json
import os
import sqlite3

import pytest

from socfit.errors import PackError, SourceError
from socfit.pack import build_pack, open_pack
from socfit.pack.store import Pack

STATUS_COUNT_KEYS = {"soc_major", "soc_detailed", "onet_occupations", "alternate_titles", "reported_titles",
                     "dmtf_titles", "tasks", "job_zones", "entry_education", "wages", "cip_soc", "stem_cip", "cet_areas"}


def test_build_writes_meta_with_versions_and_checksums(fixture_sources, tmp_path):
    rep = build_pack(fixture_sources, tmp_path / "p.sqlite")
    con = sqlite3.connect(rep.path)
    meta = {r[0]: r for r in con.execute("SELECT table_name, source, version, url, sha256, rows FROM meta")}
    assert meta["tasks"][1] == "onet" and meta["tasks"][2].startswith("30.3") and meta["tasks"][5] == 3
    assert "task_statements.csv=" in meta["tasks"][4] and "onetcenter.org" in meta["tasks"][3]
    assert meta["alternate_titles"][2] == "30.0"
    assert con.execute("SELECT value FROM pack_info WHERE key='complete'").fetchone()[0] == "1"


def test_fixture_files_are_flagged_as_differing_from_provenance(fixture_sources, tmp_path):
    rep = build_pack(fixture_sources, tmp_path / "p.sqlite")
    assert any("differs from PROVENANCE" in w for w in rep.warnings)


def test_status_json_has_contract_keys(fixture_pack_path):
    st = open_pack(fixture_pack_path).status()
    json.dumps(st)
    assert st["pack"] == str(fixture_pack_path) and st["integrity"] == "ok"
    assert set(st["counts"]) == STATUS_COUNT_KEYS
    for s in st["sources"]:
        assert {"name", "version", "sha256", "rows"} <= set(s)
        assert len(s["sha256"]) == 64
    assert {s["name"] for s in st["sources"]} >= {"bls_soc_2018", "onet", "cet_2024"}


def test_failed_build_keeps_previous_pack(fixture_sources, tmp_path):
    out = tmp_path / "p.sqlite"
    first = build_pack(fixture_sources, out)
    before = out.read_bytes()
    (fixture_sources / "onet" / "onet_30_3_csv" / "occupation_data.csv").write_text("garbage\n", encoding="utf-8")
    with pytest.raises(SourceError):
        build_pack(fixture_sources, out)
    assert out.read_bytes() == before
    assert open_pack(out).pack_id == first.pack_id
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.sqlite", "sources"]  # no temporary file left behind


def test_build_failing_checks_keeps_previous_pack(fixture_sources, tmp_path):
    out = tmp_path / "p.sqlite"
    build_pack(fixture_sources, out)
    before = out.read_bytes()
    p = fixture_sources / "cet_2024" / "areas.csv"
    p.write_text("id,area,list_version\n", encoding="utf-8")
    with pytest.raises(PackError, match="cet_areas has 0 rows"):
        build_pack(fixture_sources, out)
    assert out.read_bytes() == before


def test_interrupted_build_leftover_does_not_affect_pack(fixture_sources, tmp_path):
    out = tmp_path / "p.sqlite"
    build_pack(fixture_sources, out)
    (tmp_path / ".p.sqlite.building-99999").write_bytes(b"half written")
    assert open_pack(out).status()["integrity"] == "ok"


def test_half_built_pack_is_refused_with_advice(fixture_sources, tmp_path):
    out = tmp_path / "p.sqlite"
    build_pack(fixture_sources, out)
    con = sqlite3.connect(out)
    con.execute("UPDATE pack_info SET value='0' WHERE key='complete'")
    con.commit()
    con.close()
    with pytest.raises(PackError, match="half-built.*socfit data build"):
        Pack(out)


def test_garbage_file_as_pack_is_refused(tmp_path):
    p = tmp_path / "p.sqlite"
    p.write_bytes(os.urandom(4096))
    with pytest.raises(PackError, match="not a usable knowledge pack"):
        Pack(p)


def test_missing_pack_says_how_to_build(tmp_path):
    with pytest.raises(PackError, match="socfit data build"):
        Pack(tmp_path / "none.sqlite")


def test_missing_sources_folder_is_clear(tmp_path):
    with pytest.raises(SourceError, match="does not exist"):
        build_pack(tmp_path / "nope", tmp_path / "p.sqlite")


def test_open_pack_sees_a_rebuilt_file(fixture_sources, tmp_path):
    out = tmp_path / "p.sqlite"
    build_pack(fixture_sources, out)
    a = open_pack(out)
    (fixture_sources / "cet_2024" / "areas.csv").write_text("id,area,list_version\n1,Advanced Computing,2024-02\n"
                                                            "6,Artificial Intelligence,2024-02\n", encoding="utf-8")
    build_pack(fixture_sources, out)
    b = open_pack(out)
    assert b is not a and b.value("SELECT COUNT(*) FROM cet_areas") == 2
