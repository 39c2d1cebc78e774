"""Candidate features (socfit/retrieve/rank.py): how the signals of one query are put on one scale."""

import numpy as np
import pytest

from socfit.retrieve import rank


def test_multilingual_cosines_average_e5_and_use_on_e5s_scale():
    rng = np.random.default_rng(3)
    e5, use = rng.normal(size=(50, 8)).astype(np.float32), rng.normal(size=(50, 6)).astype(np.float32)
    q = rank.Query("x", "x", None, rng.normal(size=8).astype(np.float32), None, foreign=True)
    a = e5 @ q.e5
    assert np.array_equal(rank._multilingual_sims({"e5": e5}, q), a)  # no USE vector: e5 alone
    q.use = rng.normal(size=6).astype(np.float32)
    b = use @ q.use
    got = rank._multilingual_sims({"e5": e5, "use": use}, q)
    assert got.mean() == pytest.approx(a.mean(), abs=1e-4)  # e5's scale: the multilingual weights read it as before
    z = (a - a.mean()) / a.std() + (b - b.mean()) / b.std()
    assert np.argmax(got) == np.argmax(z) and np.argmin(got) == np.argmin(z)  # both encoders have a say
    # a batch of queries gives each the same column as alone
    both = rank.multilingual_sims({"e5": e5, "use": use}, np.stack([q.e5, -q.e5]), np.stack([q.use, q.use]))
    assert both.shape == (50, 2) and np.allclose(both[:, 0], got, atol=1e-5)
    # vectors for another set of titles (a pack built before USE was added) are not mixed in
    assert np.array_equal(rank._multilingual_sims({"e5": e5, "use": use[:10]}, q), a)


def _tiny_index():
    from socfit.retrieve.index import TitleIndex

    titles = ["data scientist", "data engineer", "research scientist", "engineer"]
    codes = [{"15-2051": (1.0, "15-2051.00", "onet_title")}, {"15-1252": (0.6, "15-1252.00", "alternate")},
             {"19-1029": (0.7, "19-1029.00", "reported"), "15-2051": (0.6, "15-2051.00", "alternate")},
             {"17-2199": (0.5, "17-2199.00", "short")}]
    post: dict[str, list[int]] = {}
    for i, t in enumerate(titles):
        for tok in set(t.split()):
            post.setdefault(tok, []).append(i)
    postings = {k: np.asarray(v, np.int32) for k, v in post.items()}
    idf = {"data": 0.5, "scientist": 0.5, "engineer": 0.5, "research": 1.2}
    heads = {"15-2051": {"scientist": 2}, "19-1029": {"scientist": 1}, "15-1252": {"engineer": 1},
             "17-2199": {"engineer": 1}}
    vocab = {"15-2051": {"data": 1, "scientist": 2, "research": 1}, "19-1029": {"research": 1, "scientist": 1},
             "15-1252": {"data": 1, "engineer": 1}, "17-2199": {"engineer": 1}}
    return TitleIndex(titles, titles, codes, {t: i for i, t in enumerate(titles)}, postings, idf,
                      np.array([len(t.split()) for t in titles], np.float32), ["15-1252", "15-2051", "17-2199"],
                      {}, {}, {"15-2051": 0.8, "15-1252": 0.9}, heads=heads, vocab=vocab)


def test_per_code_columns_count_the_title_words_and_take_a_hidden_titles_own_counts_out():
    ix = _tiny_index()
    col = {f: k for k, f in enumerate(rank.FEATURES)}
    q = rank.Query("Research Scientist", "research scientist", None, None, None)
    socs, X, _ = rank.features(ix, q)
    got = {s: X[k] for k, s in enumerate(socs)}
    assert got["19-1029"][col["prior"]] == 0.5  # a code without employment figures: the neutral prior
    assert got["15-2051"][col["prior"]] == pytest.approx(0.8)
    assert got["15-2051"][col["head"]] == pytest.approx(np.log1p(2) / 4)  # two of its titles end in "scientist"
    assert got["15-2051"][col["cover"]] == pytest.approx(1.0)  # both words, IDF-weighted
    # leave-one-out: "research scientist" hidden (19-1029's only title: no longer a candidate); its counts
    # leave 15-2051's too
    socs, X, _ = rank.features(ix, rank.Query("Research Scientist", "research scientist", None, None, None,
                                              exclude=2))
    got = {s: X[k] for k, s in enumerate(socs)}
    assert "19-1029" not in got
    assert got["15-2051"][col["head"]] == pytest.approx(np.log1p(1) / 4)
    assert got["15-2051"][col["cover"]] == pytest.approx(0.5 / 1.7)  # "research" was only in the hidden title
    # a repeated word counts each time, as in the title
    socs, X, _ = rank.features(ix, rank.Query("Data Data Engineer", "data data engineer", None, None, None))
    got = {s: X[k] for k, s in enumerate(socs)}
    assert got["15-2051"][col["cover"]] == pytest.approx(1.0 / 1.5)
    assert got["17-2199"][col["cover"]] == pytest.approx(0.5 / 1.5) and got["15-1252"][col["cover"]] == 1.0
    assert got["15-2051"][col["head"]] == 0.0  # none of its titles ends in "engineer"


@pytest.mark.parametrize("m", [5, 31, 200, 4000, 4097])
def test_top_per_row_finds_exactly_each_rows_largest_entries(m):
    """The block-maxima floor must never lose one of the k best (rows of 4,000+ take that path; small ones the
    full partition)."""
    from socfit.retrieve.index import _top_per_row

    rng = np.random.default_rng(m)
    sims = rng.standard_normal((7, m)).astype(np.float32)
    sims[3, :] = sims[3, 0]  # a flat row (all ties) still returns k distinct columns
    ids, vals = _top_per_row(sims, k=31)
    k = min(31, m)
    assert ids.shape == vals.shape == (7, k)
    for i in range(7):
        assert len(set(ids[i].tolist())) == k
        assert np.array_equal(np.sort(vals[i]), np.sort(sims[i])[m - k:])
        assert np.array_equal(sims[i, ids[i]], vals[i])
    assert not ids.flags.writeable and not vals.flags.writeable


def test_duty_title_vote_shares_the_duties_nearest_titles_and_skips_a_hidden_title():
    """Feature duty_t: the dictionary titles nearest the duties' mean direction vote for their codes, weighted by
    exp((cosine - 1) * 10) times the title's weight for the code; the share goes through log1p(100 x) / log(101).
    Leave-one-out skips the hidden title, as the other title features do."""
    ix = _tiny_index()
    ix.emb["minilm"] = np.eye(4, dtype=np.float32)  # title i's vector is axis i
    col = rank.FEATURES.index("duty_t")
    duty = np.array([[0.0, 0.0, 1.0, 0.0]], np.float32)  # exactly "research scientist"
    q = rank.Query("Scientist", "scientist", None, None, duty)
    socs, X, _ = rank.features(ix, q)
    got = dict(zip(socs, X[:, col].tolist()))
    e = np.exp(-10.0)  # the three other titles are at cosine 0
    votes = {"19-1029": 0.7, "15-2051": 0.6 + 1.0 * e, "15-1252": 0.6 * e, "17-2199": 0.5 * e}
    total = sum(votes.values())
    for soc, v in votes.items():
        assert got[soc] == pytest.approx(np.log1p(100 * v / total) / np.log(101), rel=1e-5)
    # the title hidden: 19-1029 had no other title, so it gets nothing from the duties
    socs, X, _ = rank.features(ix, rank.Query("Scientist", "scientist", None, None, duty, exclude=2))
    got = dict(zip(socs, X[:, col].tolist()))
    assert got.get("19-1029", 0.0) == 0.0 and got["15-2051"] > got["15-1252"] > 0
    # two statements vote once, for their mean direction (here between "data scientist" and "research scientist")
    two = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]], np.float32)
    socs, X, _ = rank.features(ix, rank.Query("Scientist", "scientist", None, None, two))
    got = dict(zip(socs, X[:, col].tolist()))
    e, f = np.exp((np.sqrt(0.5) - 1) * 10), np.exp(-10.0)
    votes = {"15-2051": 1.0 * e + 0.6 * e, "19-1029": 0.7 * e, "15-1252": 0.6 * f, "17-2199": 0.5 * f}
    total = sum(votes.values())
    for soc, v in votes.items():
        assert got[soc] == pytest.approx(np.log1p(100 * v / total) / np.log(101), rel=1e-4)
    # no duties, no vote
    socs, X, _ = rank.features(ix, rank.Query("Scientist", "scientist", None, None, None))
    assert not X[:, col].any()
