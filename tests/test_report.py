"""The advice report renderers (socfit.render.report) on a realistic sample advice dict."""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from pathlib import Path

import pytest

from socfit.render import charts
from socfit.render.report import render, render_html, render_markdown, render_pdf, render_text

SAMPLE = Path(__file__).parent / "fixtures" / "advice_sample.json"
SCRIPT = "<script>alert(1)</script>"
CREDIT = "This product includes information from the O*NET Database"
NOT_LEGAL = "Not legal advice: socfit organises official data and flags risks"


@pytest.fixture(scope="module")
def advice() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pdf_bytes(advice) -> bytes:
    return render_pdf(advice)


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_each_text_format_renders_the_sample_with_disclaimer_and_onet_credit(advice, fmt):
    out = render(advice, fmt)
    assert isinstance(out, str)
    assert "15-2051" in out and "Data Scientists" in out
    assert NOT_LEGAL in out
    assert CREDIT in out.replace("O\\*NET", "O*NET")


def test_json_format_is_the_advice_itself(advice):
    assert json.loads(render(advice, "json")) == advice
    assert "수석" in render(advice, "json")  # not \uXXXX-escaped


def test_unknown_format_is_refused(advice):
    with pytest.raises(ValueError, match="unknown report format"):
        render(advice, "docx")


@pytest.mark.parametrize("fn, table_marker", [
    (render_text, "CANDIDATES SIDE BY SIDE"),
    (render_markdown, "## Candidates side by side"),
    (render_html, 'class="sr-compare"'),
])
def test_recommendation_comes_before_the_candidates_table(advice, fn, table_marker):
    out = fn(advice)
    rec = out.index("Recommendation" if fn is not render_text else "RECOMMENDATION")
    assert rec < out.index(table_marker)
    assert out.index("Trade-off") < out.index(table_marker)


def test_sections_follow_the_report_order_in_html(advice):
    html = render_html(advice)
    ids = ["sr-recommendation", "sr-candidates", "sr-charts", "sr-evidence", "sr-flags", "sr-questions",
           "sr-part6", "sr-notes", "sr-sources"]
    positions = [html.index(f'id="{i}"') for i in ids]
    assert positions == sorted(positions)


def test_user_strings_are_html_escaped(advice):
    html = render_html(advice)
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Hanbit Analytics &lt;Seoul&gt;" in html
    assert "<script" not in html  # no scripts at all, ours included


def test_user_strings_are_inert_in_markdown(advice):
    md = render_markdown(advice)
    assert SCRIPT not in md
    assert "&lt;script&gt;" in md


def test_html_is_self_contained(advice):
    html = render_html(advice)
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    assert not re.search(r"<(link|img|iframe|object)\b", html)
    assert not re.search(r"\bsrc=", html)
    assert html.count("<svg") >= 2  # the education and wage charts, inline


def test_fragment_is_one_div_without_inline_styles_for_the_web_csp(advice):
    frag = render_html(advice, standalone=False)
    assert frag.lstrip().startswith('<div class="socfit-report') and frag.rstrip().endswith("</div>")
    assert "<html" not in frag and "<style" not in frag and "style=" not in frag


def test_high_severity_flags_are_highlighted(advice):
    assert 'class="sr-sev-high"' in render_html(advice)
    assert "!! HIGH" in render_text(advice)
    assert "⚠ HIGH" in render_markdown(advice)


def test_part6_shows_the_code_in_two_boxes_and_whole(advice):
    assert "[15]-[2051]" in render_text(advice)
    assert "`[15]-[2051]` (15-2051)" in render_markdown(advice)
    html = render_html(advice)
    assert re.search(r'<span class="sr-box">15</span> – <span class="sr-box">2051</span>', html)
    assert "15-2051.00" in html  # the ETA-9089 O*NET-SOC code


def test_questions_show_their_option_labels(advice):
    text = render_text(advice)
    for q in advice["questions"]:
        for o in q["options"]:
            assert o["label"] in text


def test_text_report_fits_100_columns(advice):
    width = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)  # noqa: E731
    assert max(width(line) for line in render_text(advice).splitlines()) <= 100


def test_pdf_is_valid_with_a_non_blank_first_page_naming_the_code(pdf_bytes):
    import pypdfium2

    assert pdf_bytes.startswith(b"%PDF")
    pdf = pypdfium2.PdfDocument(pdf_bytes)
    assert len(pdf) >= 1
    image = pdf[0].render(scale=0.5).to_pil().convert("L")
    dark = sum(image.histogram()[:200])
    assert dark > 0.01 * image.width * image.height
    text = pdf[0].get_textpage().get_text_range()
    assert "15-2051" in text
    assert "수석 데이터 과학자" in text  # the CJK font is used, not tofu


def test_pdf_pages_are_numbered(pdf_bytes):
    import pypdfium2

    pdf = pypdfium2.PdfDocument(pdf_bytes)
    assert f"Page 1 of {len(pdf)}" in pdf[0].get_textpage().get_text_range()


def _holes(advice: dict) -> dict:
    """The sample with keys dropped, values nulled and lists emptied, as a partial advisor output might be."""
    a = copy.deepcopy(advice)
    a.pop("data_versions")
    a["notes"] = None
    a["recommendation"]["tradeoff"] = None
    a["recommendation"]["runner_up"] = None
    c0, c1, c2, c3 = a["candidates"]
    c0["wage"] = {"a_median": None, "salary": 62000, "position": None, "percentile_band": None}
    c1["qualifications"] = None
    c1.pop("fit")
    c2["profession"] = None
    c2["cet_areas"] = None
    c2["stem"] = {"degree_stem": None}
    c3["qualifications"]["education_distribution"] = []
    c3["flags"] = [{"severity": None}]
    a["flags"].append({"code": "x"})
    a["questions"] = [{"text": None, "options": None}]
    a["part6"] = {"soc_code": "15-2051", "consistency": [{"status": "odd"}]}
    a["profile"] = {"job_title": "T", "duties": "one\ntwo", "degree": None, "salary": None}
    return a


@pytest.mark.parametrize("fmt", ["text", "md", "html", "json"])
def test_missing_keys_and_nulls_do_not_crash(advice, fmt):
    out = render(_holes(advice), fmt)
    assert "15-2051" in out


@pytest.mark.parametrize("fmt", ["text", "md", "html", "pdf"])
def test_an_empty_advice_renders_placeholders(fmt):
    out = render({}, fmt)
    assert out.startswith(b"%PDF") if fmt == "pdf" else "No recommendation was made" in out


def test_missing_wages_read_not_published(advice):
    assert "not published" in render_text(advice)  # 15-1299 has wage null
    assert "wages not published" in charts.wage_svg(advice["candidates"], 62000)


def test_education_categories_are_grouped_into_five_bands(advice):
    dist = advice["candidates"][1]["qualifications"]["education_distribution"]
    groups = dict(charts.education_groups(dist))
    assert list(groups) == ["HS or less", "Some college & associate", "Bachelor's", "Master's",
                            "Doctoral & professional"]
    by_cat = {d["category"]: d["percent"] for d in dist}
    assert groups["Master's"] == pytest.approx(by_cat[8] + by_cat[9])
    assert groups["Doctoral & professional"] == pytest.approx(by_cat[10] + by_cat[11] + by_cat[12])
    assert charts.education_groups([]) is None
    assert len(charts.education_bar(dist, width=30)) == 30


def test_wage_chart_marks_the_salary_and_escapes_titles(advice):
    cands = copy.deepcopy(advice["candidates"])
    cands[0]["soc_title"] = "A <b>&"
    svg = charts.wage_svg(cands, 62000)
    assert "salary $62,000" in svg
    assert "A &lt;b&gt;&amp;" in svg and "<b>" not in svg
    line = charts.wage_line(cands[0]["wage"], 62000, charts.wage_scale(cands, 62000))
    assert line.startswith("◆") and "┃" in line  # below p10: the salary is left of everything


def test_long_labels_in_text_wrap_instead_of_crashing(advice):
    a = copy.deepcopy(advice)
    a["flags"][0]["severity"] = "s" * 300  # used as a hanging label: once gave textwrap a negative width
    a["part6"]["consistency"][0]["check"] = "c" * 300
    lines = render_text(a).splitlines()
    assert "s" * 50 in "".join(lines)
    assert max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in ln) for ln in lines) <= 100


def test_malformed_or_non_finite_numbers_do_not_crash(advice):
    a = copy.deepcopy(advice)
    a["candidates"][0]["qualifications"] = "n/a"
    a["candidates"][1]["qualifications"]["education_distribution"][0] = None
    a["candidates"][2]["wage"]["a_median"] = float("nan")
    a["candidates"][3]["definition"] = 5
    a["profile"]["salary"] = float("inf")
    for fmt in ("text", "md", "html"):
        assert "15-2051" in render(a, fmt)


def test_markdown_tables_survive_pipes_and_newlines_in_every_cell(advice):
    a = copy.deepcopy(advice)
    evil = "a|b\n# c `d` " + SCRIPT
    a["candidates"][0]["rank"] = evil
    a["flags"][0]["severity"] = evil
    a["flags"][0]["code"] = evil
    a["part6"]["consistency"][0]["status"] = evil
    md = render_markdown(a)
    assert SCRIPT not in md.split("```")[0] + md.split("```")[-1]
    lines = md.splitlines()
    for i, ln in enumerate(lines):
        if ln.startswith("|") and not lines[i - 1].startswith("|"):  # a table header
            n = len(re.findall(r"(?<!\\)\|", ln))
            for row in lines[i + 1:]:
                if not row.startswith("|"):
                    assert not row.startswith("# c"), "a newline leaked out of a table cell"
                    break
                assert len(re.findall(r"(?<!\\)\|", row)) == n, row
