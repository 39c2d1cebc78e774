"""The title probe: soft targets by source weight, a fit that separates occupations, leave-one-out that never
asks a model which saw the hidden title, and the saved file beside the pack (reused, or retrained when broken)."""

import json

import numpy as np
import pytest

from socfit.retrieve import probe
from socfit.retrieve.normalize import normalize_title
from socfit.retrieve.probe import TitleProbe, ensure_probe, fold_of, targets


def _data(n_per=12, seed=0):
    """Three occupations in a 6-d title space, titles scattered around three directions."""
    rng = np.random.default_rng(seed)
    centres = np.eye(6)[:3]
    X, codes, titles = [], [], []
    for k, c in enumerate(centres):
        for i in range(n_per):
            v = c + 0.15 * rng.standard_normal(6)
            X.append(v / np.linalg.norm(v))
            codes.append({f"00-000{k}": (1.0, f"00-000{k}.00", "onet_title")})
            titles.append(f"occupation {k} title {i}")
    return np.asarray(X, np.float32), codes, titles, [f"00-000{k}" for k in range(3)]


def test_targets_split_a_title_over_its_codes_by_source_weight():
    codes = [{"a": (1.0, "a.00", "onet_title"), "b": (0.6, "b.00", "alternate")}, {}, {"zz": (1.0, "", "x")}]
    Y = targets(codes, ["a", "b"])
    assert Y[0].tolist() == pytest.approx([1 / 1.6, 0.6 / 1.6])
    assert Y[1].sum() == 0 and Y[2].sum() == 0  # no code, or a code outside the list: no target


def test_the_probe_reads_titles_as_their_occupation():
    X, codes, _, socs = _data()
    W, b = probe.train(X, targets(codes, socs))
    lp = probe.log_probs(X, W, b)
    truth = [socs.index(next(iter(c))) for c in codes]
    assert (lp.argmax(axis=1) == truth).mean() >= 0.9
    assert np.allclose(np.exp(lp).sum(axis=1), 1.0, atol=1e-4)
    assert lp.min() >= probe.FLOOR


def test_leave_one_out_uses_a_probe_that_never_saw_the_hidden_title():
    X, codes, titles, socs = _data()
    # one extra occupation known by a single title: only a probe that saw it leans to it
    X = np.vstack([X, np.eye(6, dtype=np.float32)[5]])
    codes.append({"00-0009": (1.0, "00-0009.00", "onet_title")})
    titles.append("the only title of its kind")
    socs = socs + ["00-0009"]
    Y = targets(codes, socs)
    W, b = probe.train(X, Y)
    p = TitleProbe(W, b, titles, None, lambda: (X, Y))
    i = len(titles) - 1
    full = p.log_probs(X[i])[0]
    loo = p.log_probs(X[i], exclude=i)[0]
    k = socs.index("00-0009")
    chance = np.log(1 / len(socs))
    assert full[k] > chance > loo[k]  # the probe that saw it leans to it; the fold probe, never shown it, does not
    assert 0 <= fold_of(titles[i]) < probe.FOLDS and fold_of(titles[i]) == fold_of(str(titles[i]))


def test_the_probe_is_saved_beside_the_pack_reused_and_retrained_when_broken(tmp_path, monkeypatch):
    X, codes, titles, socs = _data()
    pack_path = tmp_path / "pack.sqlite"
    first = ensure_probe(pack_path, "id1", titles, codes, socs, X)
    saved = list(tmp_path.glob("pack.sqlite.probe-minilm-id1-*.npz"))
    assert len(saved) == 1

    def no_training(*_):
        raise AssertionError("a saved probe must be loaded, not retrained")

    monkeypatch.setattr(probe, "train", no_training)
    again = ensure_probe(pack_path, "id1", titles, codes, socs, X)
    assert np.array_equal(first.W, again.W) and np.array_equal(first.b, again.b)

    monkeypatch.undo()
    saved[0].write_bytes(b"half a file")  # interrupted write, disk trouble: train again, never crash
    fixed = ensure_probe(pack_path, "id1", titles, codes, socs, X)
    assert np.allclose(fixed.W, first.W)
    assert len(list(tmp_path.glob("pack.sqlite.probe-minilm-*.npz"))) == 1

    ensure_probe(pack_path, "id2", titles, codes, socs, X)  # a rebuilt pack supersedes the old file
    assert [p.name.split("-")[2] for p in tmp_path.glob("pack.sqlite.probe-minilm-*.npz")] == ["id2"]


def test_a_folder_that_cannot_be_written_still_gives_a_probe(tmp_path, monkeypatch):
    """A read-only install or a full disk: the probe is used from memory (and trained again next time)."""
    X, codes, titles, socs = _data()

    def refuse(*_, **__):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(probe.np, "savez", refuse)
    got = ensure_probe(tmp_path / "pack.sqlite", "id1", titles, codes, socs, X)
    assert got.log_probs(X[:2]).shape == (2, len(socs))
    assert got.log_probs(X[:1], exclude=0).shape == (1, len(socs))  # the fold probes too
    assert list(tmp_path.iterdir()) == []


def test_a_truncated_probe_file_is_retrained_not_a_crash(tmp_path):
    X, codes, titles, socs = _data()
    first = ensure_probe(tmp_path / "pack.sqlite", "id1", titles, codes, socs, X)
    saved = next(tmp_path.glob("pack.sqlite.probe-minilm-id1-*.npz"))
    saved.write_bytes(saved.read_bytes()[:100])  # a cut copy: a zip header and nothing behind it
    again = ensure_probe(tmp_path / "pack.sqlite", "id1", titles, codes, socs, X)
    assert np.allclose(again.W, first.W)


def test_an_old_probe_that_cannot_be_removed_does_not_stop_loading(tmp_path, monkeypatch):
    X, codes, titles, socs = _data()
    (tmp_path / "pack.sqlite.probe-minilm-old-0000000000.npz").write_bytes(b"older pack")

    def refuse(*_, **__):
        raise PermissionError(13, "Permission denied")

    def read_only_unlink(self, missing_ok=False):  # as in a read-only folder: a missing file is not an error
        if self.exists():
            raise PermissionError(13, "Permission denied")
        if not missing_ok:
            raise FileNotFoundError(2, "No such file")

    monkeypatch.setattr(probe.Path, "unlink", read_only_unlink)
    monkeypatch.setattr(probe.np, "savez", refuse)
    got = ensure_probe(tmp_path / "pack.sqlite", "id1", titles, codes, socs, X)
    assert got.log_probs(X[:2]).shape == (2, len(socs))


def test_broken_saved_embeddings_are_computed_again(fixture_pack_path, tmp_path):
    import shutil

    from socfit.pack import open_pack
    from socfit.retrieve.index import build_index, ensure_embeddings

    pytest.importorskip("onnxruntime")
    shutil.copy(fixture_pack_path, tmp_path / "pack.sqlite")
    pack = open_pack(tmp_path / "pack.sqlite")
    ix = build_index(pack)
    ensure_embeddings(pack, ix)
    good = np.array(ix.emb["minilm"])
    saved = next(tmp_path.glob("pack.sqlite.titles-minilm-*.npy"))
    saved.write_bytes(saved.read_bytes()[:200])  # a cut copy of the data folder
    again = build_index(pack)
    ensure_embeddings(pack, again)
    assert np.allclose(again.emb["minilm"], good, atol=1e-5)
    assert np.load(saved).shape == good.shape  # and written whole again


def test_dictionary_keys_are_saved_beside_the_pack_and_a_broken_file_is_normalised_again(fixture_pack_path, tmp_path,
                                                                                         monkeypatch):
    """Normalising ~78,000 titles was over half the coder's load (session 18): the keys are saved beside the pack and
    reused; a cut file is ignored and written again, never a crash or a wrong index."""
    import shutil

    from socfit.pack import open_pack
    from socfit.retrieve import index

    shutil.copy(fixture_pack_path, tmp_path / "pack.sqlite")
    pack = open_pack(tmp_path / "pack.sqlite")
    fresh = index.build_index(pack, saved_keys=False)
    first = index.build_index(pack)
    saved = next(tmp_path.glob("pack.sqlite.norm-*.json"))
    assert first.titles == fresh.titles and first.by_title == fresh.by_title

    calls = []

    def counted(title):
        calls.append(title)
        return normalize_title(title)

    with monkeypatch.context() as m:
        m.setattr(index, "normalize_title", counted)
        index.residual_links(pack)
        links_only = list(calls)
        calls.clear()
        assert index.build_index(pack).titles == fresh.titles
    assert calls == links_only  # the saved keys served every dictionary title: only the SOC titles' heads were read
    assert len(index._entries(pack)) > len(links_only)
    saved.write_text(saved.read_text(encoding="utf-8")[:50], encoding="utf-8")  # a cut copy of the data folder
    assert index.build_index(pack).titles == fresh.titles
    assert len(json.loads(saved.read_text(encoding="utf-8"))) == len(index._entries(pack))  # written whole again
