"""Filing conventions: the transition table's arithmetic, where it applies, and how the benchmark keeps a
fold's own filings out of it."""

import pytest

from socfit.retrieve.conventions import Conventions, Dist, add, contributions, domain


def test_a_code_seen_in_filings_passes_mass_the_way_the_filings_went():
    conv = Conventions({"45-2093": {"39-2021": 3.0, "45-2093": 1.0}}, lam=1.0, alpha=1.0)
    socs, p, moved = conv.apply(["45-2093", "39-2011"], [0.8, 0.2])
    got = dict(zip(socs, p))
    # T(39-2021 | 45-2093) = 3 / (4 + 1); T(45-2093 | 45-2093) = (1 + 1) / 5
    assert got["39-2021"] == pytest.approx(0.8 * 3 / 5)
    assert got["45-2093"] == pytest.approx(0.8 * 2 / 5)
    assert got["39-2011"] == pytest.approx(0.2)  # no filings: keeps its mass
    assert sum(p) == pytest.approx(1.0)
    assert socs[-1] == "39-2021"  # brought in, and from where
    assert conv.source(["45-2093", "39-2011"], [0.8, 0.2], "39-2021") == "45-2093"
    assert conv.source(["45-2093", "39-2011"], [0.8, 0.2], "11-1011") is None
    assert dict(zip(socs, moved))["39-2021"] == pytest.approx(0.48)


def test_lambda_mixes_and_rare_codes_keep_most_of_their_mass():
    conv = Conventions({"a": {"b": 0.1}}, lam=0.5, alpha=1.0)
    socs, p, _ = conv.apply(["a"], [1.0])
    got = dict(zip(socs, p))
    assert got["b"] == pytest.approx(0.5 * 0.1 / 1.1)
    assert got["a"] == pytest.approx(1 - got["b"])


def test_empty_or_zero_weight_table_is_off():
    assert not Conventions()
    assert not Conventions({"a": {"b": 1.0}}, lam=0.0)
    assert Conventions({"a": {"b": 1.0}}, lam=0.5)


def test_contributions_split_over_acceptable_codes_and_stay_in_the_domain():
    dist = [("29-1216", 0.6), ("19-1042", 0.3)]
    got = contributions(dist, {"29-1229", "29-1228"}, groups={"29"})
    assert got == {"29-1216": {"29-1229": 0.3, "29-1228": 0.3}}  # 19-1042 is outside the set's selection
    assert contributions(dist, {"29-1229"})["19-1042"] == {"29-1229": 0.3}


def test_a_dist_with_title_words_also_counts_towards_its_word_rows():
    d = Dist([("29-1229", 0.8), ("29-1216", 0.2)])
    d.words = frozenset({"resident", "pathology"})
    got = contributions(d, {"29-9099"})
    assert got["29-1229"] == got["29-1229|resident"] == got["29-1229|pathology"] == {"29-9099": 0.8}
    assert got["29-1216|resident"] == {"29-9099": 0.2}
    assert set(contributions([("29-1229", 0.8)], {"29-9099"})) == {"29-1229"}  # a plain list: code rows only


def test_title_word_rows_turn_a_move_in_proportion_to_their_evidence():
    counts = {"29-1229": {"29-1229": 8.0, "29-9099": 2.0}, "29-1229|resident": {"29-9099": 2.0}}
    conv = Conventions(counts, lam=1.0, alpha=1.0, beta=2.0)

    def got(words):
        socs, p, _ = conv.apply(["29-1229"], [1.0], words=words)
        return dict(zip(socs, p))

    base = got(())
    assert base["29-9099"] == pytest.approx(2 / 11)  # T(29-9099 | 29-1229) = 2 / (10 + 1)
    assert got({"attending"}) == base  # a word no filing had changes nothing
    # one expert: the word row (all 29-9099) with say g = 2 / (2 + 2), against the code row's 1
    assert got({"resident"})["29-9099"] == pytest.approx((2 / 11 + 0.5 * 1.0) / 1.5)
    assert sum(got({"resident"}).values()) == pytest.approx(1.0)
    assert conv.source(["29-1229", "29-1216"], [0.9, 0.1], "29-9099", {"resident"}) == "29-1229"
    assert conv.words_for("29-1229", "29-9099", {"resident", "attending"}) == ["resident"]
    # without beta the word rows are not used
    assert Conventions(counts, lam=1.0, alpha=1.0).apply(["29-1229"], [1.0], words={"resident"})[1][1] == \
        pytest.approx(2 / 11)


def test_two_word_rows_that_send_filings_to_the_same_code_both_count():
    counts = {"29-1229": {"29-1229": 8.0, "29-9099": 2.0}, "29-1229|resident": {"29-9099": 2.0},
              "29-1229|fellow": {"29-9099": 1.0, "29-1228": 1.0}, "29-1229|empty": {}}
    conv = Conventions(counts, lam=1.0, alpha=1.0, beta=2.0)
    socs, p, _ = conv.apply(["29-1229"], [1.0], words=frozenset({"resident", "fellow", "empty"}))
    got = dict(zip(socs, p))
    # experts: resident (say 0.5, all 29-9099) and fellow (say 0.5, half 29-9099); the empty row has no say
    assert got["29-9099"] == pytest.approx((2 / 11 + 0.5 * 1.0 + 0.5 * 0.5) / 2.0)
    assert got["29-1228"] == pytest.approx((0.5 * 0.5) / 2.0)
    assert sum(p) == pytest.approx(1.0)
    # the arrays built once for the first title serve the next one the same way
    assert conv.apply(["29-1229"], [1.0], words=frozenset({"fellow", "resident"}))[1].tolist() == \
        pytest.approx(p.tolist())


def test_sparse_arithmetic_matches_the_dense_formula_on_a_random_table():
    """The table is applied sparsely (rows and word rows gathered into one sum): it must give what the
    docstring's dense formula gives, with many codes, words and movers at once."""
    import random

    import numpy as np

    rng = random.Random(11)
    codes = [f"c{i}" for i in range(40)]
    words = ["w0", "w1", "w2", "w3"]
    counts = {p: {c: rng.uniform(0.1, 5) for c in rng.sample(codes, 4)} for p in codes[:30]}
    counts.update({f"{p}|{w}": {c: rng.uniform(0.1, 3) for c in rng.sample(codes, 3)}
                   for p in codes[:30] for w in words if rng.random() < 0.4})
    conv = Conventions(counts, lam=0.7, alpha=2.0, beta=3.0)
    socs = rng.sample(codes, 25)
    q = np.array([rng.random() for _ in socs])
    q /= q.sum()
    title_words = frozenset({"w1", "w3", "nowhere"})

    def dense(c: str, p: str) -> float:  # T'(c | p, words)
        row = counts.get(p)
        if row is None:
            return 1.0 if c == p else 0.0
        t = (row.get(c, 0.0) + conv.alpha * (c == p)) / (sum(row.values()) + conv.alpha)
        num, den = t, 1.0
        for w in title_words:
            r = counts.get(f"{p}|{w}")
            if r:
                n = sum(r.values())
                g = n / (n + conv.beta)
                num, den = num + g * r.get(c, 0.0) / n, den + g
        return num / den

    want = {c: (1 - conv.lam) * q[i] if s in counts else q[i] for i, (c, s) in enumerate(zip(socs, socs))}
    for i, p in enumerate(socs):
        if p in counts:
            for c in codes:
                want[c] = want.get(c, 0.0) + conv.lam * q[i] * dense(c, p)
    got_socs, got_p, _ = conv.apply(socs, q, words=title_words)
    got = dict(zip(got_socs, got_p))
    assert got_socs[:25] == socs
    for c, v in want.items():
        assert got.get(c, 0.0) == pytest.approx(v, abs=2e-5)  # codes under MIN_ADDED are not brought in
    best = max((q[i] * dense("c5", p), p) for i, p in enumerate(socs) if p in counts and p != "c5")
    assert conv.source(socs, q, "c5", title_words) == best[1]


def test_minus_takes_a_folds_counts_out_exactly():
    total = add({}, {"a": {"b": 1.0, "c": 0.5}})
    fold = {"a": {"b": 1.0}}
    add(total, {"a": {"b": 0.25}})
    left = Conventions(total, 0.5, 1.0).minus(fold)
    assert left.counts == {"a": {"b": pytest.approx(0.25), "c": 0.5}}
    assert Conventions(fold, 0.5, 1.0).minus(fold).counts == {}


def test_domain_is_the_major_groups_a_set_is_made_of():
    accs = [{"29-1229"}] * 99 + [{"11-9111"}]
    assert domain(accs) == {"29", "11"}
    assert domain(accs, share=0.05) == {"29"}
    assert domain([{"47-2061", "53-7062"}]) == {"47", "53"}


@pytest.fixture(scope="module")
def shared_coder(fixture_pack_path):
    pytest.importorskip("onnxruntime")
    from socfit.coder import Coder
    from socfit.pack import open_pack

    return Coder(open_pack(fixture_pack_path))


@pytest.fixture
def coder(shared_coder):
    saved = shared_coder.conventions, shared_coder.filing_prior
    yield shared_coder
    shared_coder.conventions, shared_coder.filing_prior = saved
    shared_coder._memo.clear()


def test_coder_applies_conventions_to_titles_alone_and_shows_them(coder):
    title = "Nurse on the night ward"  # no exact dictionary entry
    first = coder.code(title, top=3).candidates[0].soc_code
    coder.conventions = Conventions({first: {"99-9999": 50.0}}, lam=1.0, alpha=1.0)
    coder._memo.clear()
    alone = coder.code(title, top=3)
    top = alone.candidates[0]
    assert top.soc_code == "99-9999" and top.features["filing_convention"] > 0
    assert top.matched_titles[0].source == "filing conventions" and first in top.matched_titles[0].text
    assert top.matched_titles[0].similarity == pytest.approx(top.features["filing_convention"], abs=1e-3)
    assert next(c for c in alone.candidates if c.soc_code == first).features["filing_convention"] < 0
    with_duties = coder.code(title, "Assess patients and give medications as ordered.", top=3)
    assert all(c.soc_code != "99-9999" and c.features["filing_convention"] == 0.0 for c in with_duties.candidates)


def test_an_exact_dictionary_title_keeps_its_code_whatever_filings_did(coder):
    first = coder.code("Registered Nurse", top=3).candidates[0]
    assert first.features["exact"] == 1.0  # an O*NET occupation title
    coder.conventions = Conventions({first.soc_code: {"99-9999": 50.0}}, lam=1.0, alpha=1.0)
    coder._memo.clear()
    again = coder.code("Registered Nurse", top=3).candidates
    assert again[0].soc_code == first.soc_code and again[0].score == pytest.approx(first.score, abs=1e-3)
    socs, p, _ = Conventions({"a": {"b": 3.0}}, lam=1.0, alpha=1.0).apply(["a"], [1.0], stay=[0.5])
    assert dict(zip(socs, p))["b"] == pytest.approx(0.5 * 3 / 4)  # half the mass held by a 0.5-weight entry


def test_bench_takes_each_folds_own_filings_out_of_the_conventions(coder, monkeypatch):
    from socfit import bench
    from socfit.retrieve import rank

    monkeypatch.setattr(rank, "filing_prior_params", lambda: {})
    coder.filing_prior = {}
    coder.conventions = Conventions()
    rows = [{"title": t, "soc_code": "99-9999"} for t in ("Nurse on the night ward", "Nurse for the kids ward",
                                                          "Nurse in a big hospital", "Ward nurse helper",
                                                          "Nurse who writes software")]
    dists = bench.title_only_dists(coder, rows)
    assert all(dists)
    full = bench.fold_contributions(dists, [{"99-9999"}] * 5, None)
    coder.conventions = Conventions(full, lam=1.0, alpha=0.001)
    coder._memo.clear()
    in_sample = bench.evaluate(coder, rows)[0]
    assert in_sample["top1"] == 1.0  # the table learnt from these very rows sends them all to 99-9999
    cv, _ = bench.evaluate_cv(coder, rows)
    # each fold is coded with the other four rows' counts only: less than the in-sample figure for rows whose
    # top code no other row shares, and the table is restored afterwards
    assert cv["top1"] <= in_sample["top1"]
    assert coder.conventions.counts == full
    one_out = Conventions(full, 1.0, 0.001).minus(bench.fold_contributions(dists[:1], [{"99-9999"}], None))
    def mass(counts):  # the code rows (word rows hold the same mass once per title word)
        return sum(v for k, r in counts.items() if "|" not in k for v in r.values())

    assert mass(one_out.counts) == pytest.approx(mass(full) - sum(x[1] for x in dists[0]))
    assert any("|" in k for k in full)  # the coded rows carried their title's words


def test_shipped_table_keeps_word_rows_only_for_codes_it_has_and_drops_light_ones():
    from socfit.retrieve import conventions

    conv = conventions.load()
    words = {k: r for k, r in conv.counts.items() if "|" in k}
    assert conv.beta is not None and words
    assert all(k.split("|")[0] in conv.counts for k in words)
    assert min(sum(r.values()) for r in words.values()) >= 0.1  # MIN_WORD_ROW in the training script


@pytest.mark.integration
def test_shipped_table_moves_no_title_three_job_zones(real_pack):
    # one "President" filed as Personal Care Aides (Job Zone 2) must not teach that chief executives (5) are
    from socfit import bench
    from socfit.retrieve import conventions

    mean = bench.job_zones(real_pack)
    far = [(p, c) for p, row in conventions.load().counts.items() for c in row
           if p[:7] in mean and c in mean and abs(mean[p[:7]] - mean[c]) >= 3]
    assert not far
    assert "31-1122" not in conventions.load().counts["11-1011"]


def test_scores_are_the_same_to_the_last_bit_whatever_the_string_hashing():
    """Word rows are summed in a sorted order: two processes with different hash seeds agree exactly."""
    import subprocess
    import sys

    script = (
        "import random\n"
        "from socfit.retrieve.conventions import Conventions\n"
        "rng = random.Random(5)\n"
        "codes = [f'c{i}' for i in range(30)]\n"
        "counts = {p: {c: rng.uniform(0.1, 5) for c in rng.sample(codes, 5)} for p in codes}\n"
        "counts.update({f'{p}|{w}': {c: rng.uniform(0.1, 3) for c in rng.sample(codes, 4)}\n"
        "               for p in codes for w in ('alpha', 'beta', 'gamma', 'delta')})\n"
        "conv = Conventions(counts, lam=0.8, alpha=2.0, beta=1.0)\n"
        "q = [rng.random() for _ in codes]\n"
        "print(conv.apply(codes, [x / sum(q) for x in q], words=frozenset({'alpha', 'beta', 'gamma', 'delta'}))[1].tobytes().hex())\n"
    )
    outs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           env={**__import__("os").environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(outs) == 1 and len(next(iter(outs))) > 100
