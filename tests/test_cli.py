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
