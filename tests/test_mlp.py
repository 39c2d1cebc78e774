"""The title + duties ranker (socfit/retrieve/mlp.py): features relative to the query's other candidates, a fit
that learns when to trust the title and when the duties, seeds averaged into one network, and its file."""

import numpy as np
import pytest

from socfit.retrieve import mlp, rank


def _queries(n, seed):
    """Toy queries of 8 candidates: the right one has the best duties when no title matches well (d_max < 0.6
    everywhere), else the best title. A linear score cannot follow that switch."""
    rng = np.random.default_rng(seed)
    Xs, ys = [], []
    for _ in range(n):
        X = rng.uniform(0, 1, (8, len(rank.FEATURES))).astype(np.float32)
        if rng.uniform() < 0.5:
            X[:, mlp.D_MAX] *= 0.55
            y = int(np.argmax(X[:, mlp.DUTY]))
        else:
            y = int(np.argmax(X[:, mlp.D_MAX]))
        Xs.append(X)
        ys.append(y)
    return Xs, ys


def test_derived_features_are_relative_to_the_other_candidates():
    X = np.zeros((4, len(rank.FEATURES)), np.float32)
    X[:, mlp.DUTY] = [0.2, 0.8, 0.5, 0.5]
    D = mlp.derived(X)
    n = len(rank.FEATURES)
    assert D.shape == (4, n + len(mlp.Z_COLS) + len(mlp.RANK_COLS))
    assert np.allclose(D[:, :n], X)  # the features themselves come first, unchanged
    z_duty = D[:, n + mlp.Z_COLS.index(mlp.DUTY)]
    assert z_duty.mean() == pytest.approx(0.0, abs=1e-9) and z_duty.std() == pytest.approx(1.0)
    assert D[:, n + mlp.Z_COLS.index(mlp.D_MAX)].tolist() == [0, 0, 0, 0]  # no spread: zero, not NaN
    inv_rank = D[:, n + len(mlp.Z_COLS) + mlp.RANK_COLS.index(mlp.DUTY)]
    assert inv_rank.tolist() == [0.25, 1.0, 0.5, 1 / 3]  # ties keep the candidates' order
    assert mlp.derived(np.zeros((0, n))).shape == (0, D.shape[1])


def test_the_fit_learns_when_to_trust_the_title_and_when_the_duties():
    Xs, ys = _queries(800, 0)
    test_X, test_y = _queries(200, 1)

    def accuracy(model):
        return np.mean([int(np.argmax(model(X)) == y) for X, y in zip(test_X, test_y)])

    acc = accuracy(mlp.fit(Xs, ys, steps=300, seeds=2, log=None))
    linear = accuracy(mlp.fit(Xs, ys, hidden=0, steps=300, seeds=1, log=None))  # same inputs, no hidden layer
    assert acc >= 0.9
    assert acc > linear + 0.1  # the switch is what the hidden layer is for


def test_seeds_average_into_one_network_and_the_fit_is_deterministic():
    Xs, ys = _queries(60, 2)
    one = mlp.fit(Xs, ys, hidden=4, steps=20, seeds=1, log=None)
    three = mlp.fit(Xs, ys, hidden=4, steps=20, seeds=3, log=None)
    assert one.A.shape[1] == 4 and three.A.shape[1] == 12 and len(three.v) == 12
    assert np.allclose(three.A[:, :4], one.A) and np.allclose(three.v[:4] * 3, one.v)  # seed 0 is the same net
    again = mlp.fit(Xs, ys, hidden=4, steps=20, seeds=3, log=None)
    assert np.array_equal(again(Xs[0]), three(Xs[0]))


def test_a_saved_model_scores_as_the_fitted_one_and_the_temperature_scales_it():
    Xs, ys = _queries(60, 3)
    model = mlp.fit(Xs, ys, hidden=4, steps=20, seeds=2, log=None)
    saved = mlp.MLP(model.to_dict(digits=12))
    assert np.allclose(saved(Xs[0]), model(Xs[0]))
    hot = mlp.MLP(model.to_dict(digits=12), scale=0.5)
    assert np.allclose(hot(Xs[0]), 0.5 * model(Xs[0]))
    p = rank.score(Xs[0], model)
    assert p.sum() == pytest.approx(1.0) and np.argmax(p) == np.argmax(model(Xs[0]))
    assert rank.score(np.zeros((0, len(rank.FEATURES))), model).shape == (0,)


def test_parameters_that_do_not_fit_together_are_refused():
    d = mlp.fit(*_queries(20, 4), hidden=3, steps=2, seeds=1, log=None).to_dict()
    d["v"] = d["v"][:2]
    with pytest.raises(ValueError, match="do not fit"):
        mlp.MLP(d)


def test_the_shipped_ranker_has_a_duties_model_for_both_kinds_of_title():
    models = rank.load_mlps()
    assert set(models) == {"duties", "duties_vague"}
    n = len(rank.FEATURES) + len(mlp.Z_COLS) + len(mlp.RANK_COLS)
    for m in models.values():
        assert len(m.mu) == n and m.A.shape[0] == n
        assert (m.sd > 0).all() and all(np.isfinite(a).all() for a in (m.mu, m.w, m.A, m.b, m.v))


def test_a_network_trained_for_another_feature_set_is_refused_with_a_clear_error(monkeypatch):
    n = len(rank.FEATURES) + len(mlp.Z_COLS) + len(mlp.RANK_COLS) - 1  # e.g. a ranker.json from before duty_p
    p = {"mu": [0.0] * n, "sd": [1.0] * n, "w": [0.0] * n, "A": [[0.0]] * n, "b": [0.0], "v": [0.0]}
    monkeypatch.setattr(rank, "_data", lambda name: {"mlp_duties": p})
    with pytest.raises(ValueError, match="another feature set.*train_ranker"):
        rank.load_mlps()
