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
