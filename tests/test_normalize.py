"""Title normalisation (no pack needed)."""

import pytest

from socfit.retrieve.normalize import is_ascii_english, is_vague, normalize_title


@pytest.mark.parametrize("raw, norm", [
    ("Sr. Software Eng. II (Remote) - Boston, MA", "software engineer"),
    ("Physician (Emergency Medicine)", "emergency medicine physician"),  # a specialty aside is kept, in front
    ("PHYSICIAN - PGY4 - NEUROLOGICAL SURGERY", "physician neurological surgery"),  # only the PGY4 segment goes
    ("Physician - Interventional Cardiology", "physician interventional cardiology"),
    ("Numerical Control Operator (NC Operator)", "numerical control operator"),  # restatement dropped
    ("Guest Room Attendant (GRA)", "guest room attendant"),  # acronym of the title dropped
    ("TA (Teacher Assistant)", "teacher assistant"),  # expansion replaces the acronym
    ("Nurse (Night Shift)", "nurse"),
    ("Cook (Houston, TX)", "cook"),
    ("Welder (req #12345)", "welder"),
    ("Cook - Store 1234", "cook"),
    ("Data Analyst | Remote", "data analyst"),
    ("Manager at Acme Corp", "manager"),
    ("APRN Inpatient", "advanced practice registered nurse inpatient"),
    ("IM PGY 2 Resident", "internal medicine resident"),
    ("Food &amp; Beverage Server", "food beverage server"),
    ("Intern", "intern"),
    ("General Labors", "general laborer"),
    ("Farm Labor Contractor", "farm labor"),  # "contractor" is employment noise, but this is no laborer
    ("Labor Relations Specialist", "labor relation specialist"),
    ("House Staff Fellow", "resident physician"),
    ("Housestaff Resident", "resident physician"),
    ("House Officer Resident", "resident physician"),
    ("House Officer", "house officer"),  # O*NET's: a hotel's house detective
    ("Houseman", "houseman"),
    ("House Cleaner", "house cleaner"),
    # current machine-learning names read as the term the dictionary knows
    ("Deep Learning Engineer", "machine learning engineer"),
    ("Sr. LLM Engineer", "machine learning engineer"),
    ("MLOps Engineer", "machine learning engineer"),
    ("Large Language Models Researcher", "machine learning researcher"),
    ("Generative AI Scientist", "artificial intelligence scientist"),
    ("Deep Learning / ML Engineer", "machine learning engineer"),  # said once, not twice
    ("ML / Deep Learning Engineer", "machine learning engineer"),
    ("Attorney, LLM", "attorney llm"),  # the Master of Laws, not a language model
    ("Deep Sea Diver", "deep sea diver"),
    ("Large Animal Veterinarian", "large animal veterinarian"),
    # a company's founder runs it; a founder beside a metal casts it
    ("Startup Founder", "startup chief executive"),
    ("Co-Founder & CTO", "chief executive chief technology officer"),
    ("Founder/CEO", "chief executive officer"),  # said once
    ("Technology Entrepreneur", "technology chief executive"),
    ("Iron Founder", "iron founder"),
    # a postdoc's field says the work; the career stage alone stays as written
    ("Postdoctoral Researcher in Chemistry", "chemistry researcher"),
    ("Postdoc in Computer Science", "computer science researcher"),
    ("Postdoctoral Fellow, Neuroscience", "neuroscience researcher"),
    ("Post-Doc Researcher, Chemistry", "chemistry researcher"),  # hyphenated: one word, as "Postdoc"
    ("Post-doctoral Fellow in Physics", "physics researcher"),
    ("Post Doc", "postdoctoral"),
    ("Postdoctoral Research Scientist, Immunology", "immunology scientist"),
    ("Postdoctoral Research Associate", "postdoctoral research associate"),
    ("Postdoctoral Fellow", "postdoctoral fellow"),
    ("Postdoctoral Scholar", "postdoctoral scholar"),  # a rank, not a field
    ("Brass Founder", "brass founder"),
])
def test_normalize(raw, norm):
    assert normalize_title(raw) == norm


@pytest.mark.parametrize("title, vague", [
    ("Team Leader", True), ("Manager", True), ("Senior Consultant", True), ("Engineer", True),
    ("Lead Analyst", True), ("Software Engineer", False), ("Project Manager", False),
    ("General Manager", False), ("Registered Nurse", False), ("Office Clerk", False),
    # research ranks say the career stage, not the field
    ("Postdoctoral Fellow", True), ("Postdoc", True), ("Research Scientist", True),
    ("Postdoctoral Research Associate", True), ("Data Scientist", False), ("Research Chemist", False),
    ("Senior Software Engineer", False), ("Postdoctoral Scholar", True), ("Postdoctoral Appointee", True),
    # a level of technical work is not a field either; a technical occupation still names one
    ("Member of Technical Staff", True), ("Technical Lead", True), ("Technical Writer", False),
])
def test_vague_titles(title, vague):
    assert is_vague(normalize_title(title)) is vague


def test_a_duty_whose_long_words_are_mostly_unknown_english_is_not_english():
    from socfit.retrieve.normalize import is_english_text

    known = frozenset({"design", "models", "clusters", "patients", "clinic", "mobile"})
    assert is_english_text("Merawat pasien di klinik umum setiap hari.")  # no known function word: passes alone
    assert not is_english_text("Merawat pasien di klinik umum setiap hari.", known)
    assert is_english_text("Design PyTorch models for GPU clusters.", known)  # jargon beside known words
    assert is_english_text("Treat patients.", known)  # fewer than three long words: not judged


@pytest.mark.parametrize("title", ["Agent d'entretien", "Chef d\u2019équipe", "Tecnico dell'impianto",
                                   "Technicien de l'environnement", "Agent d'accueil"])
def test_a_french_or_italian_elision_marks_a_title_as_not_english(title):
    """'Agent d'entretien' (cleaner) has one English-looking word, 'agent', and was coded as English (session 18)."""
    assert not is_ascii_english(title)


@pytest.mark.parametrize("title", ["Children's Librarian", "Driver's Helper", "Ladies' Tailor", "O'Reilly Parts Driver",
                                   "D'Agostino Store Clerk"])
def test_an_english_possessive_or_name_is_not_taken_for_an_elision(title):
    assert is_ascii_english(title)
