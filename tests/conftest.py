from __future__ import annotations

import os
from pathlib import Path

import pytest

from socfit.config import default_sources
from socfit.pack import build_pack, open_pack
from tests.sources_fixture import write_sources


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Never touch the user's real pack from a test."""
    home = tmp_path_factory.getbasetemp() / "socfit-home"
    monkeypatch.setenv("SOCFIT_HOME", str(home))
    monkeypatch.delenv("SOCFIT_PACK", raising=False)


@pytest.fixture()
def fixture_sources(tmp_path) -> Path:
    return write_sources(tmp_path / "sources")


@pytest.fixture(scope="session")
def fixture_pack_path(tmp_path_factory) -> Path:
    root = write_sources(tmp_path_factory.mktemp("fx") / "sources")
    out = tmp_path_factory.mktemp("fxpack") / "pack.sqlite"
    build_pack(root, out)
    return out


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = default_sources()
    if path is None or not (path / "onet").is_dir():
        if os.environ.get("CI"):
            pytest.fail("CI must run the integration tests: ../shared/data (or SOCFIT_SOURCES) is missing")
        pytest.skip("official data not available (../shared/data or SOCFIT_SOURCES)")
    return path


@pytest.fixture(scope="session")
def real_pack_path(shared_data, tmp_path_factory) -> Path:
    """A fresh real pack. Developers may set SOCFIT_TEST_REAL_PACK to an already built pack (with its
    embeddings beside it) to skip the ~2 min build on local runs; CI never sets it."""
    reuse = os.environ.get("SOCFIT_TEST_REAL_PACK")
    if reuse and Path(reuse).is_file() and not os.environ.get("CI"):
        return Path(reuse)
    out = tmp_path_factory.mktemp("realpack") / "pack.sqlite"
    build_pack(shared_data, out)
    return out


@pytest.fixture(scope="session")
def real_pack(real_pack_path):
    return open_pack(real_pack_path)
