"""Posting text that is not a duty (requirements, benefits, equal opportunity, employer text) is left out of
the task matching, said so in a note, and never mistaken for a real duty."""

import pytest

from socfit.retrieve import boilerplate as bp

NOT_DUTIES = {
    "Master's degree in a related field and 3 years of experience required.": "requirement",
    "PhD in Computer Science or related field.": "requirement",
    "5+ years of experience with Python": "requirement",
    "Experience with AWS preferred.": "requirement",
    "Excellent written and verbal communication skills.": "requirement",
    "Must be authorized to work in the United States.": "requirement",
    "Proficiency in Microsoft Office is a plus.": "requirement",
    "Ability to lift 50 pounds.": "requirement",
    "We offer competitive salary, health insurance and a 401(k) plan.": "benefit",
    "Salary: $120,000 - $150,000": "benefit",
    "Acme Corp is an equal opportunity employer and values diversity.": "equal opportunity",
    "All qualified applicants will receive consideration without regard to race.": "equal opportunity",
    "Our company is a leading provider of innovative solutions worldwide.": "employer text",
    "We are looking for a talented data scientist to join our team.": "employer text",
    "Apply now by sending your resume to jobs@acme.com.": "employer text",
    "Travel up to 20% may be required.": "employer text",
    "Requires a Bachelor of Science in engineering or a closely related discipline.": "requirement",
    "Benefits include medical, dental and vision coverage, plus paid holidays.": "benefit",
    "Founded in 1998, Globex serves more than 2,000 clients in 40 countries.": "employer text",
    "Some evening and weekend work may be necessary.": "requirement",
    "Interested candidates should email a cover letter and CV to hr@globex.com.": "employer text",
}
REAL_DUTIES = [
    "Supervise PhD students and postdoctoral researchers.", "Negotiate salary offers with candidates.",
    "Investigate equal employment opportunity complaints.", "Administer health insurance benefits for employees.",
    "Apply statistical methods to clinical trial data.", "Manage the company 401(k) plan and vendor relations.",
    "Teach master's level courses in economics.", "Develop competitive pricing strategies for new products.",
    "Analyze compensation policies and prevailing wage rates to develop a competitive compensation plan.",
    "Pay off or move bets as established by game rules and procedures.",
    "Refer clients to community resources and tell them where to go and how to apply.",
    "Conduct background investigations, such as pre-employment checks.",
]


@pytest.mark.parametrize("text,kind", NOT_DUTIES.items())
def test_posting_boilerplate_is_recognised_with_its_reason(text, kind):
    assert bp.reason(text) == kind
    assert bp.reason("- " + text) == kind  # as a bullet


@pytest.mark.parametrize("text", REAL_DUTIES)
def test_a_duty_that_mentions_degrees_pay_or_applying_stays_a_duty(text):
    assert bp.reason(text) is None


def test_separate_leaves_out_boilerplate_but_never_everything():
    duties = ["Design machine learning models for fraud detection.", "Bachelor's degree required."]
    kept, dropped = bp.separate(duties)
    assert kept == duties[:1] and dropped == [("Bachelor's degree required.", "requirement")]
    only = ["Bachelor's degree required.", "We offer a competitive salary."]
    assert bp.separate(only) == (only, [])  # all of it reads as boilerplate: a pattern may be wrong, keep it
    assert bp.separate([]) == ([], [])


def test_the_note_names_what_was_left_out_and_why():
    dropped = [("Bachelor's degree required.", "requirement")] + [(f"We offer perk number {i}.", "benefit")
                                                                  for i in range(4)]
    n = bp.note(dropped)
    assert n.startswith("5 statements") and "'Bachelor's degree required.' (requirement)" in n and "2 more" in n
    assert bp.note([("x" * 100, "benefit")]).count("x") <= 60


@pytest.mark.integration
def test_no_onet_task_statement_reads_as_boilerplate(real_pack):
    tasks = [r[0] for r in real_pack.rows("SELECT task FROM tasks")]
    tasks += [r[0] for r in real_pack.rows("SELECT task FROM emerging_tasks")]
    assert len(tasks) > 18_000
    assert [t for t in tasks if bp.reason(t)] == []


def test_duties_that_are_all_posting_text_are_kept_with_a_note_saying_so():
    only = ["Bachelor's degree required.", "We offer a competitive salary."]
    duties, notes = bp.duties_and_notes(only)
    assert duties == only and len(notes) == 1 and notes[0].startswith("every statement of the duties reads as")
    mixed = ["Design machine learning models for fraud detection.", "Bachelor's degree required."]
    duties, notes = bp.duties_and_notes(mixed)
    assert duties == mixed[:1] and "left out of the task matching" in notes[0]
    assert bp.duties_and_notes(mixed[:1]) == (mixed[:1], [])
    assert bp.duties_and_notes([]) == ([], [])


def test_a_repeated_line_is_shown_once_in_the_note():
    n = bp.note([("We offer a competitive salary.", "benefit")] * 5)
    assert n.startswith("5 statements") and n.count("competitive salary") == 1 and "more" not in n
