"""The glossary reading of Korean, Chinese and Japanese titles (socfit/retrieve/translate.py)."""

import pytest

from socfit.retrieve import translate
from socfit.retrieve.translate import to_english


@pytest.mark.parametrize("title, english, lang", [
    ("팀장", "team leader", "ko"),
    ("반도체 공정 엔지니어", "semiconductor process engineer", "ko"),
    ("책임연구원", "principal researcher", "ko"),
    ("高级软件工程师", "senior software engineer", "zh"),
    ("機器學習工程師", "machine learning engineer", "zh"),  # traditional characters
    ("ソフトウェアエンジニア", "software engineer", "ja"),
    ("データサイエンティスト", "data scientist", "ja"),
])
def test_a_title_whose_words_are_all_known_reads_in_english_order(title, english, lang):
    r = to_english(title)
    assert (r.english, r.language) == (english, lang)


def test_han_characters_alone_take_the_reading_in_fewer_longer_words():
    # Japanese 主任研究員 is one term (senior researcher); Chinese word by word would be "director researcher"
    assert to_english("主任研究員").english == "senior researcher"
    assert to_english("项目经理").english == "project manager"


def test_latin_words_in_the_title_are_kept():
    assert to_english("AI 연구원").english == "AI researcher"
    assert to_english("QA エンジニア").english == "QA engineer"


@pytest.mark.parametrize("title", ["삼성전자 연구원", "Ingénieur 엔지니어", "Software Engineer", "Krankenschwester", "???"])
def test_a_title_with_an_unknown_word_or_no_cjk_is_not_read(title):
    assert to_english(title) is None


def test_the_glossary_parses_and_has_no_term_twice_per_language():
    g = translate.glossary()
    assert all(len(g[k]) > 150 for k in ("ko", "zh", "ja"))
    from importlib import resources

    seen = set()
    for line in resources.files("socfit.data").joinpath("cjk_glossary.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            lang, term, _ = line.split("\t")
            assert (lang, term) not in seen, (lang, term)
            seen.add((lang, term))


@pytest.mark.parametrize("title, english", [
    ("ＡＩ 연구원", "AI researcher"),  # full-width Latin
    ("ｴﾝｼﾞﾆｱ", "engineer"),  # half-width katakana
    ("팀장 🙂", "team leader"),  # an emoji is a separator, not an unknown word
    ("\u200b팀장", "team leader"),  # a zero-width space from a copied web page
    ("C++ 개발자", "C++ developer"),
    ("R&D 엔지니어", "R&D engineer"),
])
def test_width_variants_symbols_and_latin_signs_do_not_stop_the_reading(title, english):
    assert to_english(title).english == english


@pytest.mark.parametrize("title,english,name", [
    ("삼성전자 소프트웨어 엔지니어", "software engineer", "삼성전자"),  # employer first
    ("华为 软件工程师", "software engineer", "华为"),
    ("ソフトウェアエンジニア（トヨタ自動車）", "software engineer", "トヨタ自動車"),  # employer last, in brackets
    ("삼성전자 AI 연구원", "AI researcher", "삼성전자"),
    ("삼성전자 Data Scientist", "Data Scientist", "삼성전자"),  # the rest is an English title
])
def test_an_unknown_first_or_last_word_is_left_out_as_a_name(title, english, name):
    r = translate.to_english(title)
    assert r is not None and r.english == english and r.dropped == name


@pytest.mark.parametrize("title", [
    "삼성전자 연구원",  # only "researcher" would be left: the unknown word may be the field
    "해양생물학 연구원",  # a field the glossary lacks: the encoder reads it whole
    "삼성전자 팀장",
    "소프트웨어 삼성전자 엔지니어",  # an unknown word in the middle is not a name written beside the title
    "삼성전자 Engineer",
])
def test_a_name_is_not_left_out_when_the_rest_is_generic_or_the_word_is_inside(title):
    assert translate.to_english(title) is None


def test_a_latin_word_is_kept_and_a_full_reading_drops_nothing():
    assert translate.to_english("Samsung 연구원").english == "Samsung researcher"
    assert translate.to_english("소프트웨어 엔지니어").dropped == ""
