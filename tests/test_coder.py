"""The coder on the tiny fixture pack (behaviour), and on the real pack (sanity on well-known titles)."""

import json
import math

import numpy as np
import pytest

from socfit.batch import code_file
from socfit.coder import MAX_DUTIES, Coder
from socfit.errors import InputError
from socfit.pack import open_pack

pytest.importorskip("onnxruntime")


@pytest.fixture(scope="module")
def coder(fixture_pack_path):
    return Coder(open_pack(fixture_pack_path))


def test_exact_dictionary_title_ranks_its_code_first(coder):
    r = coder.code("Sr. Software Engineer II")
    assert r.normalized_title == "software engineer"
    assert r.candidates[0].soc_code == "15-1252"
    assert 0 <= r.candidates[-1].score <= r.candidates[0].score <= 1
    assert any(m.text == "Software Engineer" for m in r.candidates[0].matched_titles)


def test_scores_are_probabilities(coder):
    r = coder.code("Registered Nurse", top=3)
    assert sum(c.score for c in r.candidates) <= 1.0001
    assert r.candidates[0].soc_code == "29-1141"


@pytest.mark.parametrize("title", ["", "   ", None])
def test_empty_title_is_a_clear_error(coder, title):
    with pytest.raises(InputError, match="title is empty"):
        coder.code(title)


@pytest.mark.parametrize("title", ["12345", "!!!", "- / -"])
def test_title_without_letters_is_a_clear_error(coder, title):
    with pytest.raises(InputError, match="has no words"):
        coder.code(title)


def test_batch_row_without_letters_gets_an_error_field_and_the_file_goes_on(coder, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("title\n12345\nRegistered Nurse\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code_file(coder, src, out, fmt="jsonl")
    rows = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert "has no words" in rows[0]["error"] and rows[0]["candidates"] == []
    assert rows[1]["candidates"][0]["soc_code"] == "29-1141"


def test_huge_duties_are_truncated_with_a_note(coder):
    r = coder.code("Software Developer", "Design software systems. " * 2000)
    assert any(str(MAX_DUTIES)[:2] in n and "truncated" in n for n in r.notes)


def test_duties_produce_task_evidence(coder):
    r = coder.code("Engineer", "Design, develop and modify software systems for clients.")
    top = {c.soc_code: c for c in r.candidates}
    assert "15-1252" in top and top["15-1252"].matched_tasks
    assert top["15-1252"].matched_tasks[0].task == "Design, develop and modify software systems."


def test_not_confident_results_ask_a_question(coder):
    r = coder.code("Computer person")
    if not r.confident:
        assert r.questions


def test_batch_jsonl_one_object_per_row_in_order(coder, tmp_path):
    inp = tmp_path / "in.csv"
    inp.write_text("title,description\nSoftware Engineer,\n,\nRegistered Nurse,\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    rep = code_file(coder, inp, out, "jsonl", top=2)
    lines = [json.loads(l) for l in out.read_text().splitlines()]
    assert [l["row"] for l in lines] == [0, 1, 2] and rep == {"rows": 3, "errors": 1, "encoding": "utf-8"}
    assert lines[0]["candidates"][0]["soc_code"] == "15-1252"
    assert lines[1]["error"] == "empty title" and lines[1]["candidates"] == []
    assert {"soc_code", "soc_title", "score"} <= set(lines[2]["candidates"][0])


def test_batch_csv_keeps_input_columns(coder, tmp_path):
    inp = tmp_path / "in.csv"
    inp.write_text("id,title\n7,Software Engineer\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    code_file(coder, inp, out, "csv", top=2)
    head, row = out.read_text().splitlines()[:2]
    assert head.startswith("id,title,soc_1,title_1,score_1,soc_2")
    assert row.startswith("7,Software Engineer,15-1252,Software Developers,")


def test_batch_cp1252_file_is_detected(coder, tmp_path):
    inp = tmp_path / "in.csv"
    inp.write_bytes("title\nSoftware Engineer caf\xe9\n".encode("cp1252"))
    rep = code_file(coder, inp, tmp_path / "o.jsonl")
    assert rep["encoding"] == "cp1252" and rep["errors"] == 0


def test_batch_missing_title_column_lists_columns(coder, tmp_path):
    inp = tmp_path / "in.csv"
    inp.write_text("job,desc\nx,y\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"no 'title' column; columns found: \['job', 'desc'\]"):
        code_file(coder, inp, tmp_path / "o.jsonl")


def test_batch_undecodable_file_is_a_clear_error(coder, tmp_path):
    inp = tmp_path / "in.csv"
    inp.write_bytes(b"title\n\x81\x8d\x8f\x90\x9d\n")
    with pytest.raises(InputError, match="re-save"):
        code_file(coder, inp, tmp_path / "o.jsonl")


@pytest.mark.integration
@pytest.mark.parametrize("title,soc", [
    ("Data Scientist", "15-2051"),
    ("Registered Nurse", "29-1141"),
    ("Sr. Software Engineer", "15-1252"),
    ("Landscape Laborer", "37-3011"),
    ("Housekeeper", "37-2012"),
    ("Mechanical Engineer", "17-2141"),
])
def test_real_pack_codes_common_titles(real_pack, title, soc):
    assert Coder(real_pack).code(title).candidates[0].soc_code == soc


@pytest.mark.integration
def test_real_pack_spanish_title_in_top_five(real_pack):
    codes = [c.soc_code for c in Coder(real_pack).code("Ingeniero de software").candidates]
    assert "15-1252" in codes


@pytest.mark.integration
def test_real_pack_duties_pull_the_right_code_up(real_pack):
    c = Coder(real_pack)
    duties = ("Design and implement backend services in Java. Write unit tests and review code. "
              "Modify existing software to correct errors and improve performance.")
    rank = lambda r: next((i for i, x in enumerate(r.candidates) if x.soc_code == "15-1252"), 99)
    with_duties = c.code("Engineer", duties, top=10)
    assert rank(with_duties) < rank(c.code("Engineer", top=10))
    assert with_duties.candidates[rank(with_duties)].matched_tasks


@pytest.mark.integration
def test_real_pack_multilingual_probe_keeps_most_right_codes_in_top_five(real_pack):
    import csv
    from pathlib import Path

    rows = list(csv.DictReader(open(Path(__file__).parent.parent / "docs/eval/multilingual_probe.csv", encoding="utf-8")))
    res = Coder(real_pack).code_many([(r["title"], None) for r in rows], questions=False)
    hits = sum(r["soc_code"] in [c.soc_code for c in x.candidates] for r, x in zip(rows, res))
    assert hits / len(rows) >= 0.5
    assert all(x.language != "en" for r, x in zip(rows, res) if r["language"] in ("ko", "zh"))


@pytest.mark.integration
def test_real_pack_korean_chinese_japanese_titles_mostly_find_their_code(real_pack):
    """docs/eval/cjk_probe.csv: 90 titles written by someone who never ran socfit (docs/benchmarks.md). Before the
    glossary its top 5 held the right code for 0.74 of them (Korean 0.57)."""
    import csv
    from pathlib import Path

    rows = list(csv.DictReader(open(Path(__file__).parent.parent / "docs/eval/cjk_probe.csv", encoding="utf-8")))
    res = Coder(real_pack).code_many([(r["title"], None) for r in rows], questions=False)
    ok = lambda r, x: bool(set(r["soc_codes_acceptable"].split("|")) & {c.soc_code for c in x.candidates})
    assert sum(ok(r, x) for r, x in zip(rows, res)) / len(rows) >= 0.85
    korean = [(r, x) for r, x in zip(rows, res) if r["language"] == "ko"]
    assert sum(ok(r, x) for r, x in korean) / len(korean) >= 0.8


@pytest.mark.integration
def test_real_pack_second_probes_keep_reworded_english_and_twelve_languages_coded(real_pack):
    """docs/eval/reworded_probe2.csv and multilingual_probe2.csv: 120 titles each, written in session 17 by helpers
    that never ran socfit. Blind: reworded top-1 0.917; multilingual top-5 0.617 (0.675 with USE averaged in)."""
    import csv
    from pathlib import Path

    c = Coder(real_pack)
    ok = lambda r, x, k: bool(set(r["soc_codes_acceptable"].split("|")) & {y.soc_code for y in x.candidates[:k]})
    for name, k, floor in (("reworded_probe2.csv", 1, 0.85), ("multilingual_probe2.csv", 5, 0.6),
                           ("reworded_probe3.csv", 1, 0.85), ("multilingual_probe3.csv", 5, 0.65)):  # session 21: 0.908, 0.750
        rows = list(csv.DictReader(open(Path(__file__).parent.parent / "docs/eval" / name, encoding="utf-8")))
        res = c.code_many([(r["title"], None) for r in rows], questions=False)
        assert sum(ok(r, x, k) for r, x in zip(rows, res)) / len(rows) >= floor, name


@pytest.mark.integration
def test_real_pack_niw_profiles_mostly_have_their_code_in_the_top_three(real_pack):
    """docs/eval/niw_profiles.csv: 80 title + duties profiles written by someone who never ran socfit. Before the
    duties were also read by the title probe (duty_p, session 15): top-1 0.59, top-3 0.875."""
    import csv
    from pathlib import Path

    rows = list(csv.DictReader(open(Path(__file__).parent.parent / "docs/eval/niw_profiles.csv", encoding="utf-8")))
    res = Coder(real_pack).code_many([(r["title"], r["description"]) for r in rows], questions=False)
    ranks = []
    for r, x in zip(rows, res):
        gold = {r["soc_code"], *filter(None, r["soc_codes_acceptable"].split("|"))}
        ranks.append(next((i for i, c in enumerate(x.candidates) if c.soc_code in gold), 99))
    assert sum(k < 3 for k in ranks) / len(rows) >= 0.85
    assert sum(k < 1 for k in ranks) / len(rows) >= 0.6


def _profile_ranks(real_pack, name: str) -> list[int]:
    """Where each profile of docs/eval/<name> finds an acceptable code among its candidates (99: not there)."""
    import csv
    from pathlib import Path

    rows = list(csv.DictReader(open(Path(__file__).parent.parent / "docs/eval" / name, encoding="utf-8")))
    res = Coder(real_pack).code_many([(r["title"], r["description"]) for r in rows], questions=False)
    return [next((i for i, c in enumerate(x.candidates) if c.soc_code in r["soc_codes_acceptable"].split("|")), 99)
            for r, x in zip(rows, res)]


@pytest.mark.integration
def test_real_pack_second_niw_profile_set_has_nine_in_ten_codes_in_the_top_three(real_pack):
    """docs/eval/niw_profiles2.csv: 120 more profiles by a helper that never ran socfit (session 18). Blind, before
    the task-count feature: top-3 0.900, top-5 0.975; with it 0.933 / 0.975 (docs/benchmarks.md)."""
    ranks = _profile_ranks(real_pack, "niw_profiles2.csv")
    assert sum(k < 3 for k in ranks) / len(ranks) >= 0.88
    assert sum(k < 5 for k in ranks) / len(ranks) >= 0.95


@pytest.mark.integration
def test_real_pack_third_niw_profile_set_has_nine_in_ten_codes_in_the_top_three(real_pack):
    """docs/eval/niw_profiles3.csv: 120 profiles by a helper that never ran socfit (session 21). Blind: top-3 / top-5
    0.875 / 0.933; with the duties' title vote (feature duty_t) 0.900 / 0.925 (docs/coder.md)."""
    ranks = _profile_ranks(real_pack, "niw_profiles3.csv")
    assert sum(k < 3 for k in ranks) / len(ranks) >= 0.88
    assert sum(k < 5 for k in ranks) / len(ranks) >= 0.9


@pytest.mark.integration
def test_real_pack_korean_rank_title_reads_as_the_english_rank_and_duties_decide(real_pack):
    c = Coder(real_pack)
    alone = c.code("팀장")
    assert alone.normalized_title == "team leader" and alone.language == "ko"
    assert any("team leader" in n and "glossary" in n for n in alone.notes)
    assert alone.candidates[0].soc_code not in {"51-2092", "41-2022"}  # Team Assemblers, Parts Salespersons
    assert not alone.confident
    duties = ("Lead a team of software engineers. Plan sprints, review code and hire developers. "
              "Report to the CTO on delivery of the company's software products.")
    with_duties = c.code("팀장", duties)
    assert "11-3021" in [x.soc_code for x in with_duties.candidates[:3]]  # before: Team Assemblers first
    english = c.code("Team Leader", duties)
    assert [x.soc_code for x in with_duties.candidates] == [x.soc_code for x in english.candidates]


def test_words_unknown_to_the_dictionary_switch_to_multilingual(coder):
    assert coder.code("Krankenschwester").language == "other"
    assert coder.code("Software Engineer").language == "en"


def test_a_title_in_full_width_latin_letters_is_coded_as_the_english_title(coder):
    """Typed with an East Asian keyboard, 'Ｓｏｆｔｗａｒｅ　Ｅｎｇｉｎｅｅｒ' is English: before session 18 the language check
    saw non-ASCII letters and sent it to the multilingual encoder, without the filings' prior and conventions."""
    wide, plain = coder.code("Ｓｏｆｔｗａｒｅ　Ｅｎｇｉｎｅｅｒ"), coder.code("Software Engineer")
    assert wide.language == "en" and wide.normalized_title == plain.normalized_title
    assert [c.soc_code for c in wide.candidates] == [c.soc_code for c in plain.candidates]
    circled = coder.code("Ⓢⓞⓕⓣⓦⓐⓡⓔ Ⓔⓝⓖⓘⓝⓔⓔⓡ")  # folded before the "no words" check, which refused it
    assert circled.normalized_title == plain.normalized_title
    with pytest.raises(InputError, match="has no words"):
        coder.code("①②③")  # digits stay digits when folded


def test_a_title_all_in_the_glossary_is_coded_as_its_english_reading(coder):
    r = coder.code("소프트웨어 엔지니어")
    assert r.language == "ko" and r.normalized_title == "software engineer"
    assert r.candidates[0].soc_code == "15-1252"
    assert any("'software engineer'" in n for n in r.notes)


def test_duties_not_in_english_are_left_out_with_a_note_and_the_title_decides(coder):
    alone = coder.code("Software Engineer")
    r = coder.code("Software Engineer", "소프트웨어를 설계하고 개발합니다. 코드 리뷰를 하고 팀원을 교육합니다.")
    assert any("not in English" in n and "rest on the title" in n for n in r.notes)
    assert [c.soc_code for c in r.candidates] == [c.soc_code for c in alone.candidates]
    assert all(not c.matched_tasks for c in r.candidates)
    mixed = coder.code("Software Engineer", "Design and build backend services in Java.\n"
                                            "Desarrollar y mantener las aplicaciones de la empresa con el equipo.")
    assert any("1 duty statement(s) are not in English" in n for n in mixed.notes)
    assert all(m.duty.startswith("Design") for c in mixed.candidates for m in c.matched_tasks)


def test_duties_in_a_language_without_spanish_or_french_function_words_are_left_out_too(coder):
    # Indonesian: no "de", "la", "und"... that the function-word check knows; most of its long words are not English
    r = coder.code("Software Engineer", "Mengembangkan perangkat lunak untuk aplikasi mobile perusahaan.\n"
                                        "Fine-tune PyTorch models with RLHF on Kubernetes clusters.")
    assert any("1 duty statement(s) are not in English" in n for n in r.notes)
    assert all(m.duty.startswith("Fine-tune") for c in r.candidates for m in c.matched_tasks)


def test_a_title_with_a_word_outside_the_glossary_goes_to_the_multilingual_encoder(coder):
    r = coder.code("삼성전자 연구원")  # a company name the glossary cannot read
    assert r.language == "other" and not any("glossary" in n for n in r.notes)


def test_an_employer_beside_a_glossary_title_is_left_out_with_a_note(coder):
    r = coder.code("삼성전자 소프트웨어 엔지니어")
    assert r.language == "ko" and r.normalized_title == "software engineer"
    assert r.candidates[0].soc_code == "15-1252"
    assert any("leaving out '삼성전자'" in n and "company or place" in n for n in r.notes)


def test_batch_refuses_to_overwrite_its_input(coder, tmp_path):
    inp = tmp_path / "in.csv"
    inp.write_text("title\nSoftware Engineer\n", encoding="utf-8")
    with pytest.raises(InputError, match="destroy the input"):
        code_file(coder, inp, inp)
    assert inp.read_text(encoding="utf-8") == "title\nSoftware Engineer\n"


def test_batch_output_folder_must_exist(coder, tmp_path):
    inp = tmp_path / "in.csv"
    inp.write_text("title\nSoftware Engineer\n", encoding="utf-8")
    with pytest.raises(InputError, match="does not exist"):
        code_file(coder, inp, tmp_path / "missing" / "out.jsonl")


def test_empty_file_is_a_clear_error(coder, tmp_path):
    inp = tmp_path / "in.csv"
    inp.write_bytes(b"")
    with pytest.raises(InputError, match="the file is empty"):
        code_file(coder, inp, tmp_path / "o.jsonl")


def test_repeated_titles_give_identical_results(coder):
    a, b = coder.code_many([("Software Engineer", None), ("Software Engineer", None)])
    assert [c.soc_code for c in a.candidates] == [c.soc_code for c in b.candidates]
    assert coder.code("Software Engineer").candidates[0].score == a.candidates[0].score


def test_a_batch_codes_each_row_as_a_single_query_would(coder):
    """Batch mode shares the title similarities, the title probe and the task similarities of all its rows;
    every row must still get exactly what coding it alone gives."""
    rows = [("Software Engineer", "Write and test code for web applications. Review designs with the team."),
            ("Registered Nurse", "Assess patients and give medications. Record vital signs and care plans."),
            ("Data Scientist", None),
            ("Engineer", "Design electrical circuits and test prototypes for power systems.")]
    coder._memo.clear()
    batch = coder.code_many(rows, questions=False)
    for (title, duties), got in zip(rows, batch):
        coder._memo.clear()
        alone = coder.code(title, duties)
        assert [(c.soc_code, c.score) for c in got.candidates] == [(c.soc_code, c.score) for c in alone.candidates]
        assert [[m.task for m in c.matched_tasks] for c in got.candidates] == \
            [[m.task for m in c.matched_tasks] for c in alone.candidates]


def test_long_duties_are_not_remembered(coder):
    coder.code("Software Engineer", "Design, develop and modify software systems. " * 100)
    assert all(len(k[1]) <= 2000 for k in coder._memo)


@pytest.mark.integration
def test_real_pack_generic_title_is_never_confident(real_pack):
    c = Coder(real_pack)
    for title in ("Team Leader", "Manager", "Consultant", "Engineer"):
        r = c.code(title)
        assert not r.confident and r.questions
        assert any("generic title" in n for n in r.notes)
    assert c.code("Registered Nurse").confident


@pytest.mark.integration
def test_real_pack_generic_title_lets_duties_decide(real_pack):
    c = Coder(real_pack)
    duties = ("Design, develop and modify software systems for clients. Write and test code in Python and Java. "
              "Review code of other developers.")
    assert "15-1252" in [x.soc_code for x in c.code("Engineer", duties).candidates[:3]]
    elec = c.code("Engineer", "Design and test electrical circuits and power distribution systems.")
    assert "17-2071" in [x.soc_code for x in elec.candidates[:3]]


@pytest.mark.integration
@pytest.mark.parametrize("title,soc", [
    ("Houskeeper", "37-2012"),  # misspelt single word: still English
    ("Commercial Electrican", "47-2111"),  # misspelt
    ("Physician (Emergency Medicine)", "29-1214"),  # the specialty aside is kept
    ("Cardiothoracic Surgeon - Boston, MA", None),  # the place goes: same result as without it
])
def test_real_pack_filing_noise(real_pack, title, soc):
    c = Coder(real_pack)
    r = c.code(title)
    if soc is None:
        assert [x.soc_code for x in r.candidates] == [x.soc_code for x in c.code(title.split(" - ")[0]).candidates]
    else:
        assert soc in [x.soc_code for x in r.candidates[:2]]


@pytest.mark.integration
def test_real_pack_spelling_is_corrected_against_the_dictionary(real_pack):
    assert Coder(real_pack).code("Room Attendent").normalized_title == "room attendant"


@pytest.mark.integration
def test_real_pack_speller_leaves_real_words_alone(real_pack):
    c = Coder(real_pack)
    # an inflection of a dictionary word, and words of the model's English word list that no title has
    assert c.code("General Trucking").normalized_title == "general trucking"
    assert c.ix.spell("herring retreat") == "herring retreat"
    assert c.ix.spell("houskeeper") == "housekeeper"


@pytest.mark.integration
def test_real_pack_a_title_with_no_english_word_is_not_spelt_into_an_unrelated_one(real_pack):
    c = Coder(real_pack)
    # Turkish "waiter" had become "arson" (fire investigators), Indonesian "general practitioner" "dotter umum"
    garson, dokter = c.code("Garson"), c.code("Dokter Umum")
    assert (garson.normalized_title, garson.language) == ("garson", "other")
    assert dokter.language == "other" and dokter.candidates[0].soc_code.startswith("29-12")  # a physician
    assert c.ix.spell("muratore") == "muratore" and c.ix.spell("statiker") == "statiker"
    # one slip that keeps the first letter is still a misspelt English title: a letter dropped, two swapped
    assert c.code("Housekepeer").normalized_title == "housekeeper"
    assert c.ix.spell("lifegaurd") == "lifeguard" and c.ix.spell("physican") == "physician"


@pytest.mark.integration
def test_real_pack_two_words_written_as_one_are_split(real_pack):
    c = Coder(real_pack)
    r = c.code("Busperson")  # no known word: it was taken for a foreign title and coded without the filings
    assert r.normalized_title == "bus person" and r.language == "en"
    assert r.candidates[0].soc_code == "35-9011"  # Dining Room and Cafeteria Attendants and Bartender Helpers
    assert c.ix.spell("dining roomattendant") == "dining room attendant"
    # a real word is never cut into dictionary words ("compassion" is not compass + ion)
    assert c.ix.spell("compassion notion") == "compassion notion"


@pytest.mark.integration
def test_real_pack_one_slip_in_a_long_word_beats_a_split_and_a_swap_is_one_slip(real_pack):
    c = Coder(real_pack)
    # "millright" is a millwright with a letter dropped, not "mill right" (which ranked milling machine setters)
    assert c.ix.spell("millright") == "millwright"
    assert c.code("Millright").candidates[0].soc_code == "49-9044"  # Millwrights
    # compounds with no one-slip word stay split ("farmhand", "waitstaff"-like titles)
    assert c.ix.spell("farmhand") == "farm hand" and c.ix.spell("kitchenhand") == "kitchen hand"
    # two swapped letters in a short word count as one slip (Levenshtein counted two)
    assert c.ix.spell("nusre aide") == "nurse aide"


@pytest.mark.integration
def test_real_pack_machine_learning_names_find_computing_codes(real_pack):
    c = Coder(real_pack)
    for title in ("Deep Learning Engineer", "LLM Engineer", "MLOps Engineer"):
        top3 = [x.soc_code for x in c.code(title).candidates[:3]]
        assert "15-1221" in top3 and all(s.startswith("15-") for s in top3), (title, top3)


@pytest.mark.integration
def test_real_pack_founders_run_companies_and_iron_founders_cast_metal(real_pack):
    c = Coder(real_pack)
    for title in ("Startup Founder", "Co-Founder", "Founder and CEO", "Technology Entrepreneur"):
        top3 = [x.soc_code for x in c.code(title).candidates[:3]]
        assert top3[0] == "11-1011" and all(s.startswith("11-") for s in top3), (title, top3)
    assert c.code("Iron Founder").candidates[0].soc_code == "51-4051"


@pytest.mark.integration
def test_real_pack_a_postdoc_with_a_field_is_coded_by_the_field(real_pack):
    c = Coder(real_pack)
    top3 = [x.soc_code for x in c.code("Postdoctoral Researcher in Chemistry").candidates[:3]]
    assert "19-2031" in top3 and "11-9121" not in top3  # not O*NET's postdoc entry (Clinical Research Coordinators)
    top3 = [x.soc_code for x in c.code("Postdoctoral Fellow in Cancer Biology").candidates[:3]]
    assert top3[0].startswith("19-") and "11-9121" not in top3
    # a postdoc is a researcher in the field: the field word alone found a neuroscience nurse (29-1141)
    for title in ("Postdoctoral Fellow, Neuroscience", "Neuroscience Postdoc"):
        top2 = [x.soc_code for x in c.code(title).candidates[:2]]
        assert {"19-1042", "19-1029"} & set(top2) and "29-1141" not in top2, title


@pytest.mark.integration
def test_real_pack_says_when_filings_not_the_title_put_a_code_first(real_pack):
    c = Coder(real_pack)
    r = c.code("Chemistry Researcher")
    codes = [x.soc_code for x in r.candidates]
    assert "19-2031" in codes[:3] and not r.confident
    if codes[0] != "19-2031":  # the healthcare filings' 29-2011 first: the note names what the title itself says
        assert any("real filings often use it" in n and "19-2031 Chemists" in n for n in r.notes), r.notes
    exact = c.code("Chemist")  # the title's own evidence and the filings agree: no such note
    assert exact.candidates[0].soc_code == "19-2031" and not any("real filings" in n for n in exact.notes)


@pytest.mark.integration
def test_real_pack_synonyms_leave_the_dictionary_keys_alone(real_pack, monkeypatch):
    from socfit.retrieve import index, normalize

    keys = index.build_index(real_pack, saved_keys=False).titles
    monkeypatch.setattr(normalize, "_SYNONYM_FIRST", set())
    assert index.build_index(real_pack, saved_keys=False).titles == keys  # so no embeddings or probe are rebuilt
    assert index.build_index(real_pack).titles == keys  # and the keys saved beside the pack are the same


@pytest.mark.integration
def test_real_pack_postdoc_without_duties_is_never_confident(real_pack):
    r = Coder(real_pack).code("Postdoctoral Fellow")
    assert not r.confident and any("generic title" in n for n in r.notes)


def test_batch_reads_utf16_with_bom_and_refuses_nul_bytes(coder, tmp_path):
    from socfit.errors import InputError

    src = tmp_path / "u16.csv"
    src.write_bytes("title\nSoftware Engineer\n".encode("utf-16"))
    rep = code_file(coder, src, tmp_path / "out.jsonl", "jsonl", 3)
    assert rep["rows"] == 1 and rep["encoding"] == "utf-16"
    bad = tmp_path / "nul.csv"
    bad.write_bytes("title\nNurse\n".encode("utf-16-le"))
    with pytest.raises(InputError, match="contains NUL bytes"):
        code_file(coder, bad, tmp_path / "out2.jsonl", "jsonl", 3)


def test_filing_prior_grows_with_filings_and_folds_can_be_taken_out():
    from socfit.retrieve.rank import filing_prior

    params = {"weight": 0.4, "smoothing": 2.0, "temperature": 1.0, "counts": {"29-1229": 100.0, "29-1216": 2.0}}
    p = filing_prior(params)
    assert p["29-1229"] > p["29-1216"] > 0
    assert "15-1252" not in p  # a code no filing used gets no bonus (the coder reads it as 0)
    assert filing_prior(params, minus={"29-1216": 2.0})["29-1216"] == 0.0
    assert filing_prior(params, minus={"29-1216": 5.0})["29-1216"] == 0.0  # never negative counts
    assert filing_prior({}) == {}


def test_filing_prior_applies_to_titles_alone_not_to_duties(coder):
    saved = coder.filing_prior
    coder.filing_prior = {"29-1141": 0.5}
    coder._memo.clear()
    try:
        alone = coder.code("Registered Nurse", top=3)
        nurse = next(c for c in alone.candidates if c.soc_code == "29-1141")
        assert nurse.features["filing_prior"] == 0.5
        with_duties = coder.code("Registered Nurse", "Assess patients and give medications as ordered.", top=3)
        assert all(c.features["filing_prior"] == 0.0 for c in with_duties.candidates)
    finally:
        coder.filing_prior = saved
        coder._memo.clear()


def test_bench_scores_dev_folds_without_their_own_labels(coder, monkeypatch):
    from socfit import bench
    from socfit.retrieve import rank

    from socfit.retrieve.conventions import Conventions

    params = {"weight": 0.4, "smoothing": 1.0, "temperature": 1.0, "counts": {"15-1252": 4.0}}
    monkeypatch.setattr(rank, "filing_prior_params", lambda: params)
    monkeypatch.setattr(coder, "conventions", Conventions())  # the prior alone (tests/test_conventions.py)
    saved = coder.filing_prior = rank.filing_prior(params)
    seen = []
    real = rank.score
    monkeypatch.setattr(rank, "score", lambda X, w, bias=None: (seen.append(coder.filing_prior), real(X, w, bias))[1])
    rows = [{"title": t, "soc_code": "15-1252"} for t in ("Software Engineer", "Software Developer", "Programmer",
                                                          "Coder", "Developer")]
    m, preds = bench.evaluate_cv(coder, rows)
    assert m["n"] == 5 and len(preds) == 5 and all(preds)
    # each fold holds one of the five rows: its own count is taken out of the prior it is coded with
    seen = list({id(s): s for s in seen}.values())
    assert len(seen) == 5
    assert all(abs(s["15-1252"] - 0.4 * math.log(4.0)) < 1e-6 for s in seen)
    assert coder.filing_prior is saved


def test_top_cos_equals_a_full_sort():
    import numpy as np

    from socfit.retrieve.rank import _top, _top_cos

    rng = np.random.default_rng(0)
    for _ in range(20):
        sims = rng.uniform(-1, 1, 5000).astype(np.float32)
        assert set(_top_cos(sims, 30).tolist()) == set(np.argsort(-sims)[:30].tolist())
        assert _top(sims, 30).tolist() == np.argsort(-sims)[:30].tolist()
    flat = np.zeros(100, np.float32)
    assert len(_top_cos(flat, 30)) == 30
    for high in (0.5, 0.2):  # one title far ahead: the margin widens (0.5), or a full partition runs (0.2)
        sims = np.concatenate([[1.0], rng.uniform(-1, high, 5000)]).astype(np.float32)
        assert set(_top_cos(sims, 30).tolist()) == set(np.argsort(-sims)[:30].tolist())


def test_a_dictionary_title_reuses_its_pack_vector(coder):
    import numpy as np

    norms = ["software engineer", "zzz unknown title words"]
    assert norms[0] in coder.ix.by_title and norms[1] not in coder.ix.by_title
    got = coder._title_vecs(norms)
    assert np.array_equal(got[0], coder.ix.emb["minilm"][coder.ix.by_title[norms[0]]])
    from socfit.retrieve.encoders import get_encoder

    fresh = get_encoder("minilm").encode(norms, batch_size=2)  # the float model that embedded the pack
    assert float(got[0] @ fresh[0]) > 0.999  # the same text, embedded at pack build
    # a title the dictionary lacks goes through the query encoder (int8 where the CPU allows): close to float
    assert np.array_equal(got[1], coder.minilm.encode([norms[1]])[0])
    assert float(got[1] @ fresh[1]) > 0.99


def test_batch_csv_keeps_an_input_column_named_like_an_output_column(coder, tmp_path):
    import csv

    inp = tmp_path / "in.csv"
    inp.write_text("title,soc_1,error\nSoftware Engineer,keepme,old note\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    code_file(coder, inp, out, "csv", top=2)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["soc_1 (input)"] == "keepme" and rows[0]["error (input)"] == "old note"
    assert rows[0]["soc_1"] == "15-1252" and rows[0]["error"] == ""


def test_batch_refuses_two_title_columns(coder, tmp_path):
    inp = tmp_path / "in.csv"
    inp.write_text("title,Title\nSoftware Engineer,Registered Nurse\n", encoding="utf-8")
    with pytest.raises(InputError, match="two columns read as 'title'"):
        code_file(coder, inp, tmp_path / "out.csv", "csv")


@pytest.mark.integration
def test_real_pack_links_qualified_codes_to_their_residual(real_pack):
    from socfit.retrieve.index import residual_links

    links = residual_links(real_pack)
    assert links["29-1243"] == ("29-1249", frozenset({"pediatric"}))  # Pediatric Surgeons -> Surgeons, All Other
    assert links["27-1024"] == ("27-1029", frozenset({"graphic"}))
    assert "29-1249" not in links  # a residual code links to nothing


@pytest.mark.integration
@pytest.mark.parametrize("title,first,not_first", [
    ("Transplant Surgeon", "29-1249", "29-1243"),  # O*NET lists it under Pediatric Surgeons only
    ("General Surgeon", "29-1249", "29-1243"),
    ("Pediatric Surgeon", "29-1243", "29-1249"),  # the qualifier still wins its own code
])
def test_real_pack_unqualified_titles_go_to_the_residual_code(real_pack, title, first, not_first):
    r = Coder(real_pack).code(title)
    codes = [c.soc_code for c in r.candidates]
    assert codes[0] == first and not_first in codes[1:]
    ev = [(m.text, m.source) for m in r.candidates[0].matched_titles]
    assert len(ev) == len(set(ev))  # the same title is not shown twice as evidence


def test_bench_counts_a_refused_title_as_a_miss_and_goes_on(coder):
    from socfit import bench

    rows = [{"title": "50", "soc_code": "51-4121"}, {"title": "Registered Nurse", "soc_code": "29-1141"}]
    m, preds = bench.evaluate(coder, rows)
    assert preds[0] == [] and preds[1]  # the refused row predicts nothing; the next one is still coded
    assert m["n"] == 2 and m["top1"] <= 0.5


def test_task_similarities_are_shared_read_only_and_bounded(coder):
    import numpy as np

    from socfit.retrieve import index as index_mod

    ix = coder.ix
    v = coder.minilm.encode(["Assess patients and give medications.", "Write software."])
    sims, per_soc = ix.task_sims(v)
    assert np.allclose(sims, ix.task_emb["minilm"] @ v.T, atol=1e-6)
    assert per_soc == ix.task_soc_max(ix.task_emb["minilm"] @ v.T)
    assert ix.task_sims(v.copy())[0] is sims  # same duties, same array: the advisor reuses the coder's work
    with pytest.raises(ValueError):
        sims[0, 0] = 1.0  # shared, so nobody may change it
    for k in range(index_mod.TASK_SIMS_CACHE + 3):
        ix.task_sims(coder.minilm.encode([f"Duty number {k} of a long list."]))
    assert len(ix._remembered["task_sims"]) == index_mod.TASK_SIMS_CACHE
    assert ix.task_sims(v)[0] is not sims  # the oldest fell out, and comes back recomputed


def test_control_characters_are_refused_by_the_python_api_and_batch_rows(coder, tmp_path):
    with pytest.raises(InputError, match=r"the title contains a control character \(U\+0000 at character 5\)"):
        coder.code("Nurs\x00e")
    with pytest.raises(InputError, match=r"the duty text contains a control character \(U\+001B"):
        coder.code("Nurse", "Give medications.\x1b[31m")
    coder.code("Nurse", "Give medications.\tChart care.\r\nTeach patients.")  # tabs and line breaks are text
    src = tmp_path / "in.csv"
    src.write_text('title\n"Bad\x07Title"\nRegistered Nurse\n', encoding="utf-8")
    rep = code_file(coder, src, tmp_path / "out.jsonl", "jsonl", 3)
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rep["rows"] == 2 and "control character" in lines[0]["error"] and lines[1]["candidates"]


def test_undecodable_byte_past_the_encoding_probe_names_a_line_not_a_block_offset(coder, tmp_path):
    src = tmp_path / "late.csv"
    body = "title\n" + "Registered Nurse\n" * 70_000  # ~1.2 MB of UTF-8, past the 1 MB probe
    src.write_bytes(body.encode("utf-8") + b"Caf\xe9 Manager\n")
    with pytest.raises(InputError, match=r"undecodable byte 0xe9 as utf-8 after line \d+; re-save as UTF-8"):
        code_file(coder, src, tmp_path / "out.jsonl", "jsonl", 1)
    assert not (tmp_path / "out.jsonl").exists()  # nothing half-written


@pytest.mark.parametrize("title, duties, message", [
    (123, None, "title must be text, not int"),
    ("Nurse", 42, "duties must be text or a list of text, not int"),
    ("Nurse", ["Give medications.", None], "duties must be text or a list of text; item 2 is NoneType"),
])
def test_python_api_refuses_what_is_not_text_with_a_clear_error(coder, title, duties, message):
    with pytest.raises(InputError, match=message):
        coder.code(title, duties)


def test_bench_harsher_profiles_take_new_emerging_tasks_as_duties(coder):
    from socfit import bench

    rows = bench.emerging_profiles_set(coder)
    reported = {t for (t,) in coder.pack.rows("SELECT title FROM reported_titles WHERE onet_code = '15-1252.00'")}
    # one row per occupation with new tasks: one of its own reported titles, its new tasks as the duties
    assert rows and all(r["soc_code"] == "15-1252" for r in rows)
    assert rows[0]["title"] in reported and rows[0]["description"] == "Develop machine learning pipelines."


def test_bench_job_description_profiles_hide_their_own_tasks_from_the_duty_signals(coder):
    from socfit import bench
    from socfit.retrieve import rank

    rows = bench.hidden_tasks_set(coder, k=1)
    # 15-1252 is the fixture's one code with two tasks: its core task becomes the duties, then is hidden
    assert [(r["title"], r["soc_code"], r["description"]) for r in rows] == [
        ("Software Engineer", "15-1252", "Design, develop and modify software systems.")]
    duty = coder.minilm.encode([rows[0]["description"]])
    feats = {}
    for hide in ((), rows[0]["hide"]):
        q = rank.Query("Software Engineer", "software engineer", None, None, duty, hide_tasks=hide)
        socs, X, _ = rank.features(coder.ix, q)
        feats[bool(hide)] = dict(zip(rank.FEATURES, X[socs.index("15-1252")].tolist()))
    # the task itself is in the index (embedded by the float model; the query encoder is int8: cosine ~0.997)
    assert feats[False]["duty"] == pytest.approx(1.0, abs=5e-3)
    assert feats[False]["duty"] > feats[True]["duty"] + 0.05
    other = coder.ix.task_emb["minilm"][[k for k in coder.ix.task_rows("15-1252") if k not in rows[0]["hide"]]]
    expected = float((other[0] / np.linalg.norm(other[0])) @ duty[0])
    # hidden: only the other task is left, for the best-task cosine and for the centroid alike
    assert feats[True]["duty"] == pytest.approx(expected, abs=1e-3)
    assert feats[True]["duty_c"] == pytest.approx(expected, abs=1e-3)
    m, preds = bench.evaluate_hidden(coder, rows)
    assert m["n"] == 1 and len(preds) == 1 and preds[0]


def test_duties_ask_the_title_probe_which_titles_they_read_like(coder):
    """duty_p: the title probe applied to each duty statement, log-probabilities averaged; its top codes become
    candidates, and it is 0 without duties (title-only ranking does not change)."""
    from socfit.retrieve import rank
    from socfit.retrieve.probe import FLOOR

    col = rank.FEATURES.index("duty_p")
    duty = coder.minilm.encode(["Design, develop and modify software systems.", "Test and debug programs."])
    vec = coder.minilm.encode(["team leader"])[0]
    socs, X, _ = rank.features(coder.ix, rank.Query("Team Leader", "team leader", vec, None, duty))
    lp = coder.ix.probe.log_probs(duty).mean(axis=0)
    for soc, x in zip(socs, X[:, col].tolist()):
        assert x == pytest.approx(1.0 - float(lp[coder.ix.soc_pos(soc)]) / FLOOR, abs=1e-5)
    top = {coder.ix.soc_list[j] for j in np.argsort(-lp)[:rank.PROBE_TOP]}
    assert top <= set(socs)
    socs, X, _ = rank.features(coder.ix, rank.Query("Team Leader", "team leader", vec, None, None))
    assert not X[:, col].any()


def test_duties_tell_the_ranker_how_many_tasks_each_code_has(coder):
    """tasks (session 18): a best-task cosine is a maximum over the code's O*NET tasks, so a code with many tasks
    has more chances of one close task; the ranker sees log(count) / log(200) with duties, and 0 without."""
    import math

    from socfit.retrieve import rank

    col = rank.FEATURES.index("tasks")
    duty = coder.minilm.encode(["Design, develop and modify software systems.", "Test and debug programs."])
    vec = coder.minilm.encode(["team leader"])[0]
    socs, X, _ = rank.features(coder.ix, rank.Query("Team Leader", "team leader", vec, None, duty))
    counted = 0
    for soc, x in zip(socs, X[:, col].tolist()):
        n = len(coder.ix.task_rows(soc))
        assert x == pytest.approx(math.log(n) / math.log(200) if n else 0.0, abs=1e-6)
        counted += n > 1
    assert counted  # some candidate has tasks, so the check above saw real values
    soc = next(s for s in socs if len(coder.ix.task_rows(s)) > 1)
    hidden = tuple(coder.ix.task_rows(soc))[:1]
    socs_h, Xh, _ = rank.features(coder.ix, rank.Query("Team Leader", "team leader", vec, None, duty,
                                                       hide_tasks=hidden))
    # hidden tasks still count: a lower count would give the gold code away
    assert Xh[socs_h.index(soc), col] == X[socs.index(soc), col]
    socs, X, _ = rank.features(coder.ix, rank.Query("Team Leader", "team leader", vec, None, None))
    assert not X[:, col].any()


@pytest.mark.integration
def test_real_pack_every_candidate_carries_its_task_match_whichever_signal_brought_it_in(real_pack):
    """duty and duty_c are filled for every candidate with tasks, also for codes that only the title and the
    probes bring in (before session 16 those kept 0, as if their tasks matched nothing)."""
    from socfit.retrieve import rank

    coder = Coder(real_pack)
    duty = coder.minilm.encode(["Develop new battery cathode materials for electric vehicles.",
                                "Characterise samples with XRD and SEM."])
    vec = coder.minilm.encode(["research scientist"])[0]
    q = rank.Query("Research Scientist", "research scientist", vec, None, duty)
    socs, X, _ = rank.features(coder.ix, q)
    best, cent = rank._duty_signals(coder.ix, q)
    m = duty.mean(axis=0) / np.linalg.norm(duty.mean(axis=0))
    centroid = dict(zip(coder.ix.task_socs, (cent @ m).tolist()))
    top10 = set(sorted(best, key=best.get)[-10:]) | set(sorted(centroid, key=centroid.get)[-10:])
    late = [s for s in socs if s in best and s not in top10]
    assert late  # codes the duties alone would not have brought in
    for soc in socs:
        row = dict(zip(rank.FEATURES, X[socs.index(soc)].tolist()))
        assert row["duty"] == pytest.approx(best.get(soc, 0.0), abs=1e-5)
        assert row["duty_c"] == pytest.approx(centroid.get(soc, 0.0), abs=1e-5)


def test_a_job_description_repeated_on_many_rows_is_embedded_once_with_the_same_results(coder, monkeypatch):
    duties = "Design, develop and modify software systems. Test and debug programs."
    rows = [("Software Engineer", duties), ("Developer", duties), ("Nurse", "Test and debug programs.")]
    alone = [coder.code(t, d) for t, d in rows]
    seen, encode = [], coder.minilm.encode
    monkeypatch.setattr(coder.minilm, "encode", lambda texts, **kw: seen.append(list(texts)) or encode(texts, **kw))
    coder._memo.clear()
    batch = coder.code_many(rows)
    duty_calls = [c for c in seen if "Test and debug programs." in c]
    assert len(duty_calls) == 1 and sorted(duty_calls[0]) == sorted(set(duty_calls[0]))
    for a, b in zip(alone, batch):
        assert [c.soc_code for c in a.candidates] == [c.soc_code for c in b.candidates]
        assert [c.score for c in a.candidates] == pytest.approx([c.score for c in b.candidates], abs=1e-3)


def test_bench_prediction_files_are_one_per_set_even_when_names_share_a_first_word():
    from socfit import bench

    names = ["h2b_fy2015_2019_dev", "professional profiles proxy", "O*NET reported titles", "professional profiles, "
             "harsher", "professional profiles, job description"]
    assert bench.prediction_files(names) == ["h2b_fy2015_2019_dev.jsonl", "professional.jsonl", "O*NET.jsonl",
                                             "professional-1.jsonl", "professional-2.jsonl"]


@pytest.mark.parametrize("duties", ["a b", "x" * 300, "设计和训练机器学习模型。分析大型数据集。"])
def test_duties_too_short_to_use_are_named_in_a_note_not_dropped_in_silence(coder, duties):
    res = coder.code("Software Engineer", duties)
    assert any(n.startswith("duties not used") for n in res.notes)
    assert res.candidates and not any(c.matched_tasks for c in res.candidates)


def test_usable_duties_get_no_unused_duties_note(coder):
    res = coder.code("Software Engineer", "Design, develop and modify software systems.")
    assert not any(n.startswith("duties not used") for n in res.notes)


def test_with_duties_the_network_scores_and_its_own_confidence_rule_apply(coder, monkeypatch):
    import socfit.coder as coder_module

    duties = "Design, develop and modify software systems. Write and test code in Python."
    assert set(coder.mlps) == {"duties", "duties_vague"}  # the shipped ranker.json has the network
    monkeypatch.setattr(coder_module, "CONFIDENT_SCORE_DUTIES", 1.01)  # no score reaches it
    coder._memo.clear()
    assert not coder.code("Software Developer", duties).confident
    monkeypatch.setattr(coder_module, "CONFIDENT_SCORE_DUTIES", 0.0)
    monkeypatch.setattr(coder_module, "CONFIDENT_GAP_DUTIES", 0.0)
    coder._memo.clear()
    assert coder.code("Software Developer", duties).confident
    monkeypatch.setattr(coder_module, "CONFIDENT_SCORE_DUTIES", 1.01)  # title alone: the title-only rule
    coder._memo.clear()
    title_only = coder.code("Software Developer")
    s = [c.score for c in title_only.candidates] + [0.0]
    assert title_only.confident == (s[0] >= coder_module.CONFIDENT_SCORE and s[0] - s[1] >= coder_module.CONFIDENT_GAP)
    coder._memo.clear()
    net = [(c.soc_code, c.score) for c in coder.code("Software Developer", duties).candidates]
    monkeypatch.setattr(coder, "mlps", {})  # without a network the linear duties weights rank
    coder._memo.clear()
    linear = [(c.soc_code, c.score) for c in coder.code("Software Developer", duties).candidates]
    coder._memo.clear()
    assert linear and net and linear != net


def test_a_pasted_posting_is_matched_on_its_duties_only_and_says_what_was_left_out(coder):
    duties = ("Design, develop and modify software systems. Bachelor's degree in Computer Science required. "
              "We offer a competitive salary and benefits.")
    r = coder.code("Software Developer", duties)
    note = next(n for n in r.notes if "left out of the task matching" in n)
    assert "2 statements" in note and "(requirement)" in note and "(benefit)" in note
    matched = {m.duty for c in r.candidates for m in c.matched_tasks}
    assert matched == {"Design, develop and modify software systems."}


@pytest.mark.integration
def test_real_pack_a_title_in_another_language_still_counts_beside_the_duties(real_pack):
    c = Coder(real_pack)
    civil = c.code("Ingénieur civil", "Design bridges and highways. Prepare construction plans and cost estimates.")
    assert civil.candidates[0].soc_code == "17-2051"
    data = c.code("数据科学家", "Build statistical models to predict customer churn. Analyze large datasets with SQL.")
    assert data.candidates[0].soc_code == "15-2051"
    nurse = c.code("Enfermera", "Provide bedside care to ICU patients, administer medications and monitor vital signs.")
    assert "29-1141" in [x.soc_code for x in nurse.candidates[:3]]


def test_duties_that_are_all_posting_text_are_used_with_a_note(coder):
    r = coder.code("Software Developer", "Bachelor's degree in Computer Science required. We offer a competitive salary.")
    assert any(n.startswith("every statement of the duties reads as") for n in r.notes)
    assert any(c.matched_tasks for c in r.candidates)  # matched anyway: the person's text is all there is
