"""The CLI as a person uses it: one-line errors, exit codes, JSON contracts."""

import json
import subprocess
import sys

import pytest


def run(*args, env_pack=None, **kw):
    import os

    env = dict(os.environ)
    if env_pack:
        env["SOCFIT_PACK"] = str(env_pack)
    return subprocess.run([sys.executable, "-m", "socfit", *args], capture_output=True, text=True, env=env, **kw)


def test_occupation_json_contract(fixture_pack_path):
    r = run("occupation", "151252", "--json", env_pack=fixture_pack_path)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert {"soc_code", "title", "definition", "job_zone", "entry_education", "wages", "tasks", "data_versions"} <= set(d)
    assert d["soc_code"] == "15-1252"


def test_occupation_text_mentions_key_facts(fixture_pack_path):
    r = run("occupation", "15-1252", env_pack=fixture_pack_path)
    assert r.returncode == 0 and "Software Developers" in r.stdout and "Bachelor's degree" in r.stdout


def test_bad_code_is_one_line_error_with_nearest(fixture_pack_path):
    r = run("occupation", "99-9999", env_pack=fixture_pack_path)
    assert r.returncode == 2
    assert "not a SOC 2018 code" in r.stderr and "nearest" in r.stderr and "Traceback" not in r.stderr


def test_missing_pack_is_built_on_first_use(fixture_sources, tmp_path):
    import os

    env = dict(os.environ, SOCFIT_SOURCES=str(fixture_sources), SOCFIT_PACK=str(tmp_path / "new.sqlite"))
    r = subprocess.run([sys.executable, "-m", "socfit", "occupation", "15-1252", "--json"], capture_output=True,
                       text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert "building it from" in r.stderr and (tmp_path / "new.sqlite").is_file()


def test_status_json(fixture_pack_path):
    r = run("data", "status", "--json", env_pack=fixture_pack_path)
    d = json.loads(r.stdout)
    assert d["pack"] == str(fixture_pack_path) and d["counts"]["soc_detailed"] == 3


def test_build_from_missing_folder_fails_cleanly(tmp_path):
    r = run("data", "build", "--sources", str(tmp_path / "nope"), "--out", str(tmp_path / "p.sqlite"))
    assert r.returncode == 2 and "does not exist" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("args", [["occupation"], ["data", "build", "--bogus"]])
def test_usage_errors_do_not_traceback(args, fixture_pack_path):
    r = run(*args, env_pack=fixture_pack_path)
    assert r.returncode != 0 and "Traceback" not in r.stderr


# ------------------------------------------------------------------------- batch coding: bad files, bad outputs
@pytest.fixture(scope="module")
def coder(fixture_pack_path):
    from socfit.coder import Coder
    from socfit.pack import open_pack

    return Coder(open_pack(fixture_pack_path))


def _csv_rows(path):
    import csv

    return list(csv.reader(path.open(encoding="utf-8", newline="")))


def test_batch_output_that_is_a_folder_is_a_one_line_error(fixture_pack_path, tmp_path):
    inp = tmp_path / "in.csv"
    inp.write_text("title\nRegistered Nurse\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    r = run("code", "--input", str(inp), "--output", str(tmp_path / "out"), env_pack=fixture_pack_path)
    assert r.returncode == 2 and "is a folder" in r.stderr and "Traceback" not in r.stderr


def test_batch_output_that_cannot_be_written_is_a_clear_error(coder, tmp_path):
    from socfit.batch import code_file
    from socfit.errors import InputError

    inp = tmp_path / "in.csv"
    inp.write_text("title\nRegistered Nurse\n", encoding="utf-8")
    (tmp_path / "out.jsonl.part").mkdir()  # the temporary file cannot be created
    with pytest.raises(InputError, match="cannot write"):
        code_file(coder, inp, tmp_path / "out.jsonl")
    assert not (tmp_path / "out.jsonl").exists()


def test_batch_failure_midway_keeps_the_previous_output_and_leaves_no_half_file(coder, tmp_path):
    from socfit.batch import code_file
    from socfit.errors import InputError

    inp = tmp_path / "in.csv"
    inp.write_text('title,description\nRegistered Nurse,\nEngineer,"' + "x" * 10_000_001 + '"\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    out.write_text("previous results\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 3: field larger than field limit"):
        code_file(coder, inp, out, "csv")
    assert out.read_text(encoding="utf-8") == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_batch_csv_keeps_both_columns_that_share_a_name(coder, tmp_path):
    from socfit.batch import code_file

    inp = tmp_path / "in.csv"
    inp.write_text("id,id,title\n1,2,Registered Nurse\n", encoding="utf-8")
    code_file(coder, inp, tmp_path / "out.csv", "csv", top=1)
    head, row = _csv_rows(tmp_path / "out.csv")
    assert head[:3] == ["id", "id", "title"] and row[:4] == ["1", "2", "Registered Nurse", "29-1141"]


def test_batch_row_with_more_fields_than_the_header_is_an_error_that_keeps_them(coder, tmp_path):
    from socfit.batch import code_file

    inp = tmp_path / "in.csv"
    inp.write_text("id,title\n1,Nurse, Registered,night shift\n2,Registered Nurse,,\n", encoding="utf-8")
    rep = code_file(coder, inp, tmp_path / "out.csv", "csv", top=1)
    head, bad, good = _csv_rows(tmp_path / "out.csv")
    assert rep["errors"] == 1 and len(bad) == len(head) == len(good)
    assert bad[:3] == ["1", "Nurse", ""]  # not coded: which field is the title is not certain
    assert bad[-1].startswith("4 fields where the header has 2") and '[" Registered", "night shift"]' in bad[-1]
    assert good[:3] == ["2", "Registered Nurse", "29-1141"] and good[-1] == ""  # empty trailing fields are no error


def test_batch_csv_to_a_symlink_writes_its_target(coder, tmp_path):
    from socfit.batch import code_file

    inp = tmp_path / "in.csv"
    inp.write_text("title\nRegistered Nurse\n", encoding="utf-8")
    real, link = tmp_path / "real.csv", tmp_path / "link.csv"
    real.write_text("old", encoding="utf-8")
    link.symlink_to(real)
    code_file(coder, inp, link, "csv", top=1)
    assert link.is_symlink() and _csv_rows(real)[1][:2] == ["Registered Nurse", "29-1141"]


@pytest.mark.parametrize("args,message", [
    (["Caf\udce9 Manager"], "the title contains a byte that is not UTF-8 (0xE9 at character 4)"),
    (["Engineer", "--duties", "Build \udcff things"], "--duties contains a byte that is not UTF-8 (0xFF"),
    (["Data\x01Scientist"], "the title contains a control character (U+0001 at character 5)"),
])
def test_code_title_or_duties_that_are_not_text_are_one_line_errors(fixture_pack_path, args, message):
    import os

    # what the shell hands over for a Latin-1 "é" or a stray byte: Python keeps it as a lone surrogate
    argv = [os.fsencode(a) for a in [sys.executable, "-m", "socfit", "code", *args]]
    r = subprocess.run(argv, capture_output=True, env={**os.environ, "SOCFIT_PACK": str(fixture_pack_path)})
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode == 2 and message in err and "Traceback" not in err
