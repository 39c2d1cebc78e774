"""Job-title normalisation: the same function runs over the dictionary at build time and over queries.

Real titles carry noise that says nothing about the occupation: seniority ("Sr.", "II", "Lead"), employer
and location ("- Boston, MA", "at Acme"), requisition numbers, shift words. They also use abbreviations
("Mgr", "Eng", "RN"). We expand abbreviations, drop noise, and keep word order.
"""

from __future__ import annotations

import html
import re
import unicodedata

ABBREVIATIONS = {
    "sr": "senior", "snr": "senior", "jr": "junior", "mgr": "manager", "mngr": "manager", "mgmt": "management",
    "eng": "engineer", "engr": "engineer", "engg": "engineering", "dev": "developer", "devs": "developers",
    "sw": "software", "swe": "software engineer", "sde": "software development engineer", "qa": "quality assurance",
    "qc": "quality control", "asst": "assistant", "assoc": "associate", "admin": "administrator",
    "adm": "administrator", "tech": "technician", "techn": "technician", "spec": "specialist",
    "coord": "coordinator", "dir": "director", "vp": "vice president", "svp": "senior vice president",
    "evp": "executive vice president", "avp": "assistant vice president", "exec": "executive",
    "acct": "accountant", "accts": "accounts", "rep": "representative", "reps": "representatives",
    "hr": "human resources", "it": "information technology", "ops": "operations", "prof": "professor",
    "asst.": "assistant", "mkt": "marketing", "mktg": "marketing", "dept": "department", "univ": "university",
    "rn": "registered nurse", "lpn": "licensed practical nurse", "lvn": "licensed vocational nurse",
    "cna": "certified nursing assistant", "np": "nurse practitioner", 
    "crna": "certified registered nurse anesthetist", 
    "slp": "speech language pathologist", "dds": "dentist",
    "dmd": "dentist", "pharmd": "pharmacist", "emt": "emergency medical technician", "cpa": "certified public accountant",
    "ceo": "chief executive officer", "cfo": "chief financial officer", "coo": "chief operating officer",
    "cto": "chief technology officer", "cio": "chief information officer", "ml": "machine learning",
    "ai": "artificial intelligence", "ui": "user interface", "ux": "user experience", "bi": "business intelligence",
    "ehs": "environmental health and safety", "r&d": "research and development", 
    "phd": "doctoral", "cdl": "commercial driver",
    "hvac": "heating ventilation air conditioning", "maint": "maintenance", "mech": "mechanical",
    "elec": "electrical", "elect": "electrical", "chem": "chemical", "sys": "systems", "sci": "scientist",
    "analyst.": "analyst", "pm": "project manager", "pgm": "program", "prog": "programmer",
    "supv": "supervisor", "supvr": "supervisor", "svc": "service", "svcs": "services",
    "cust": "customer", "hskp": "housekeeping", "hsekeeper": "housekeeper", "hkp": "housekeeping",
    "fnb": "food and beverage", "f&b": "food and beverage", "mgr.": "manager",
    # common in filings (OFLC disclosure data): healthcare credentials and shop-floor abbreviations
    "aprn": "advanced practice registered nurse", "fnp": "family nurse practitioner",
    "pmhnp": "psychiatric nurse practitioner", "cnm": "certified nurse midwife", "mt": "medical technologist",
    "mlt": "medical laboratory technician", "cls": "clinical laboratory scientist", "cma": "medical assistant",
    "pt": "physical therapist", "dpt": "physical therapist", "pta": "physical therapist assistant",
    "ot": "occupational therapist", "otr": "occupational therapist", "cota": "occupational therapy assistant",
    "rrt": "respiratory therapist", "hha": "home health aide", "ob": "obstetrician", "gyn": "gynecologist",
    "obgyn": "obstetrician gynecologist", "supt": "superintendent", "clk": "clerk", "opr": "operator",
    "oper": "operator", "whse": "warehouse", "drvr": "driver", "hlpr": "helper", "instr": "instructor",
    "im": "internal medicine", "fm": "family medicine", "peds": "pediatric", "mfg": "manufacturing", "assy": "assembly", "equip": "equipment", "techs": "technicians",
}

# Words that mark level or status rather than occupation. "Lead", "Chief", "Head" and "Principal" are kept:
# they can change the occupation (a chief executive, a head nurse); the ranker weighs them via the dictionary.
NOISE = {
    "senior", "junior", "i", "ii", "iii", "iv", "v", "vi", "1", "2", "3", "4", "5", "level", "lvl", "grade",
    "intern", "internship", "trainee", "apprentice", "temporary", "temp", "seasonal", "part", "time", "full",
    "fulltime", "parttime", "ft", "prn", "per", "diem", "contract", "contractor", "remote", "hybrid", "onsite",
    "night", "day", "shift", "nights", "days", "weekend", "weekends", "new", "grad", "graduate", "entry",
    "experienced", "exp", "h1b", "h-1b", "h2b", "h-2b", "opt", "cpt", "visa", "sponsorship", "hiring",
    "urgent", "immediate", "the", "a", "an", "of", "for", "and", "&", "to", "in", "with", "on",
    # graduate-medical-education markers ("PGY-2 Resident", "GME Fellow") and credential suffixes
    "pgy", "pgy1", "pgy2", "pgy3", "pgy4", "pgy5", "pgy6", "pgy7", "gme", "acgme", "bsn", "msn",
}
_KEEP_SHORT = {"ai", "ml", "hr", "it", "qa", "ui", "ux"}

_PAREN = re.compile(r"[(\[{]([^)\]}]*)[)\]}]?")
# A tail after " - " / " | " / " at " is dropped only when it looks like a place or an employer tag
# ("- Boston, MA", "| Remote", "at Acme Corp", "- Store 1234"); "Physician - Interventional Cardiology" keeps its
# specialty, and so does "Physician - PGY4 - Neurological Surgery" (only the "PGY4" segment goes).
_SEP = re.compile(r"\s(?:-|–|—|\||@)\s*")
_PLACE = re.compile(r"^(?:[\w .'-]*,\s*[a-z]{2}\b.*|remote.*|onsite.*|on-site.*|hybrid.*|[\w .'-]*\d.*)$", re.I)
_EMPLOYER = re.compile(r"\s(?:at|@)\s[A-Z].*$|,\s*[A-Z][a-z]+,?\s+[A-Z]{2}$", re.I)
_REQ = re.compile(r"\b(?:req|job|position|id)\s*#?\s*[\w-]*\d[\w-]*\b|#\s*\d+|\b\d{4,}\b", re.I)
_TOKEN = re.compile(r"[a-z0-9][a-z0-9&+#.'-]*")


def fold(text: str) -> str:
    """NFKC, HTML entities decoded ("&amp;" in exported files), accents kept (the multilingual encoder needs
    them)."""
    if "&" in text and ";" in text:
        text = html.unescape(text)
    return unicodedata.normalize("NFKC", text).strip()


_NO_SINGULAR = {"sales", "series", "species", "news", "physics", "economics", "mathematics", "statistics",
                "logistics", "athletics", "mechanics", "electronics", "analytics", "graphics", "dynamics",
                "robotics", "genetics", "pediatrics", "orthodontics", "prosthetics", "aesthetics", "cosmetics",
                "ethics", "operations", "services", "arts", "affairs", "goods", "glass", "gas", "bus", "campus",
                "status", "class", "press", "boss", "chassis", "business", "process", "access", "address",
                "diagnosis", "analysis", "lens", "canvas", "this", "its", "us", "is", "was", "has", "as"}


def singular(word: str) -> str:
    """Plural -> singular for English job words ('Laborers' -> 'laborer', 'Nannies' -> 'nanny')."""
    if len(word) <= 3 or not word.isalpha() or word in _NO_SINGULAR or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses", "zes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


# "Post-doc", "Post Doc", "Post-doctoral", "Postdocs": one word before hyphens become spaces ("post doc" matched
# nothing).
_POST_DOC = re.compile(r"\bpost[\s\-–]*doc(?:toral)?s?\b")


def tokens(text: str, drop_noise: bool = True) -> list[str]:
    """Normalised tokens of a title: abbreviations expanded, level and employment noise dropped."""
    s = _POST_DOC.sub("postdoctoral", fold(text).lower())
    s = s.replace("&", " & ").replace("/", " / ").replace("-", " ").replace("–", " ")
    out: list[str] = []
    for raw in _TOKEN.findall(s):
        t = raw.strip(".'-")
        if not t:
            continue
        exp = ABBREVIATIONS.get(t) or ABBREVIATIONS.get(raw)
        words = exp.split() if exp else [t]
        for w in words:
            if drop_noise and w in NOISE:
                continue
            out.append(singular(w))
    return out


def _aside(inside: str, outside: str) -> tuple[str, str]:
    """Decide what a bracketed aside adds: (text to put before the title, the title).

    Dropped: places, numbers, noise ("(Remote)", "(Night Shift)", "(m/w/d)") and restatements that share a word
    with the title ("Numerical Control Operator (NC Operator)"). An expansion of an acronym replaces it
    ("TA (Teacher Assistant)"). Anything else is a specialty or qualifier and is kept in front of the title:
    "Physician (Emergency Medicine)" -> "emergency medicine physician"."""
    if _PLACE.match(inside.strip()) or not inside.strip():
        return "", outside
    raw = inside.strip()
    if raw.isupper() and len(raw.split()) == 1 and raw.lower().strip(".") not in ABBREVIATIONS:
        return "", outside  # an acronym of the title: "Guest Room Attendant (GRA)"
    inner = [t for t in tokens(inside) if len(t) > 1]
    outer = tokens(outside)
    if not inner or set(inner) & set(outer):
        return "", outside
    initials = "".join(w[0] for w in tokens(inside, False) if w not in NOISE or w in ("and",))
    words = outside.split()
    for k, w in enumerate(words):
        if len(w) >= 2 and w.strip(".").lower() in (initials, initials.replace("a", "", 1)):
            words[k] = inside
            return "", " ".join(words)
    return inside, outside


def strip_noise(title: str) -> str:
    """Remove employer/location tails, uninformative bracketed asides and requisition numbers from a raw title."""
    s = fold(title)
    asides = [m.group(1) for m in _PAREN.finditer(s)]
    outside = _PAREN.sub(" ", s)
    if outside.strip():
        front = []
        for a in asides:
            f, outside = _aside(a, outside)
            if f:
                front.append(f)
        s = " ".join(front + [outside])
    parts = _SEP.split(s)
    if len(parts) > 1:
        kept = [parts[0]] + [p for p in parts[1:] if p.strip() and not _PLACE.match(p.strip())]
        s = " - ".join(kept)
    tail = _EMPLOYER.sub("", s)
    if tail.strip():
        s = tail
    return _REQ.sub(" ", s)


def normalize_title(title: str, drop_noise: bool = True) -> str:
    """The dictionary key for a title: 'Sr. Software Eng. II (Remote) - Boston, MA' -> 'software engineer'."""
    t = tokens(strip_noise(title), drop_noise)
    if not t and drop_noise:  # a title made only of noise words ("Intern") keeps them
        t = tokens(strip_noise(title), False)
    if not t:
        t = tokens(title, False)
    if t and t[-1] == "labor" and tokens(strip_noise(title), False)[-1:] == ["labor"]:
        t[-1] = "laborer"  # "Construction Labor", "General Labors": the worker ("Farm Labor Contractor" is not)
    if _SYNONYM_FIRST.intersection(t):
        t = _synonyms(t)
    if "postdoctoral" in t and any(w not in VAGUE_WORDS for w in t):
        # "Postdoctoral Fellow, Neuroscience": the field says the work, the career stage only pulls toward
        # O*NET's postdoc titles (11-9121.01 Clinical Research Coordinators, 19-2011 Astronomers). A postdoc
        # is a researcher in that field ("neuroscience researcher"): the field word alone finds clinical
        # titles (a neuroscience nurse). Every dictionary postdoc title is rank words alone, so no key changes.
        t = [w for w in t if w not in _POSTDOC_RANKS and w != "scientist"] + \
            ["scientist" if "scientist" in t else "researcher"]
    out = " ".join(t)
    if "house" in t or "housestaff" in t:
        out = _HOUSE_STAFF.sub("resident physician", out)
    return out


# Current names of machine-learning work that no O*NET, DMTF or SOC title uses yet (O*NET 30.3 has "Machine
# Learning Engineer" but not "Deep Learning Engineer", "LLM Engineer" or "MLOps Engineer"): read as the term the
# dictionary knows, else "deep" and "learning" find a deep-sea diver and a learning coordinator. No dictionary
# title contains them, so the dictionary's own keys do not change (a test checks it).
SYNONYMS = {
    ("deep", "learning"): ("machine", "learning"),
    ("neural", "network"): ("machine", "learning"),
    ("large", "language", "model"): ("machine", "learning"),
    ("llm",): ("machine", "learning"),
    ("mlop",): ("machine", "learning"),  # "MLOps", singularised
    ("generative", "artificial", "intelligence"): ("artificial", "intelligence"),
    ("genai",): ("artificial", "intelligence"),
    # A company's founder runs it: O*NET's only founder is the metal caster ("Iron Founder", 51-4051), so
    # "Startup Founder" came out Metal-Refining Furnace Operators. No dictionary title says "entrepreneur".
    ("co", "founder"): ("chief", "executive"),
    ("cofounder",): ("chief", "executive"),
    ("founder",): ("chief", "executive"),
    ("entrepreneur",): ("chief", "executive"),
}
_SYNONYM_FIRST = {k[0] for k in SYNONYMS}
# A replacement is skipped when the title has one of these words. "LLM" is also the Master of Laws degree
# ("Attorney, LLM"). A founder beside a metal is the caster; O*NET's "Municipal Entity and Venture Institution
# Entity and Founder" (11-9141) keeps its words too, so no dictionary key changes.
_LEGAL = {"attorney", "lawyer", "law", "legal", "counsel", "paralegal", "tax", "juris"}
_FOUNDRY = {"iron", "brass", "bronze", "steel", "metal", "foundry", "casting", "type", "bell", "entity"}
_KEEP = {("llm",): _LEGAL, ("founder",): _FOUNDRY, ("co", "founder"): _FOUNDRY}


def _synonyms(toks: list[str]) -> list[str]:
    keep = {k for k, words in _KEEP.items() if not words.isdisjoint(toks)}
    out, i = [], 0
    while i < len(toks):
        k = next((k for k in SYNONYMS if tuple(toks[i:i + len(k)]) == k and k not in keep), None)
        out.extend(SYNONYMS[k] if k else (toks[i],))
        i += len(k) if k else 1
    for v in set(SYNONYMS.values()):  # "Deep Learning / ML Engineer": "machine learning" once, not twice
        j = 0
        while j + 4 <= len(out):
            if tuple(out[j:j + 2]) == v == tuple(out[j + 2:j + 4]):
                del out[j + 2:j + 4]
            else:
                j += 1
    return out


# The words of a postdoc's rank ("Postdoctoral Research Associate", "Visiting Postdoctoral Scholar").
_POSTDOC_RANKS = {"postdoctoral", "fellow", "scholar", "associate", "appointee", "research", "researcher",
                  "visiting", "trainee"}


# Hospital usage no dictionary title carries: the "house staff" are the physicians in residency ("House Staff
# Fellow"), read literally a maid. "House officer" alone stays O*NET's (a hotel's house detective, 33-9021).
_HOUSE_STAFF = re.compile(r"\b(?:house ?staff|house officer(?= (?:resident|fellow|physician)))"
                          r"(?: (?:resident|fellow|physician))?\b")


# Titles that name a rank or a broad field of work rather than an occupation: "Team Leader", "Manager",
# "Consultant", "Engineer", "Analyst". Such a title cannot decide the code alone (many codes fit equally
# well), so the coder never calls it confident and, with duties, lets the duties decide.
VAGUE_WORDS = {
    "leader", "lead", "manager", "consultant", "specialist", "associate", "officer", "engineer", "analyst",
    "researcher", "supervisor", "director", "coordinator", "assistant", "technician", "worker", "staff",
    "professional", "executive", "administrator", "advisor", "adviser", "representative", "agent", "operator",
    "member", "partner", "employee", "scientist", "fellow", "resident", "professor", "instructor", "trainer",
    "helper", "laborer", "attendant", "inspector", "planner", "owner", "principal", "head", "expert",
    "practitioner", "designer", "contributor", "generalist", "aide", "handler", "investigator", "team", "crew",
    "technical",  # "Member of Technical Staff", "Technical Lead": a level of technical work, not a field
    # research ranks name a career stage, not a field: a postdoc in oncology and one in astronomy share them
    "research", "postdoctoral", "doctoral", "visiting", "scholar", "appointee",
}


def is_vague(norm: str) -> bool:
    """True for a normalised title made only of generic rank words: "team leader", "engineer", "consultant",
    "lead analyst". "Software engineer", "project manager", "general manager" and "office clerk" name an
    occupation and are not vague."""
    toks = norm.split()
    return bool(toks) and len(toks) <= 3 and all(t in VAGUE_WORDS for t in toks)


def is_ascii_english(text: str) -> bool:
    """Cheap script/language hint: non-ASCII letters or common Spanish/French job words -> multilingual path."""
    if any(ord(ch) > 127 and ch.isalpha() for ch in text):
        return False
    if _ELISION.search(text):  # French/Italian elision, never English: "Agent d'entretien", "Tecnico dell'impianto"
        return False  # (a capital after it is a surname, often an employer's: "D'Agostino Store Clerk" stays English)
    low = set(re.findall(r"[a-z]+", text.lower()))
    return not (low & FOREIGN_HINTS)


_ELISION = re.compile(r"\b(?i:d|l|qu|dell|all|nell|sull)['’][a-zà-ÿ]{3,}")


FOREIGN_HINTS = {
    # Spanish
    "de", "del", "la", "el", "los", "las", "y", "ingeniero", "ingeniera", "gerente", "jefe",
    "trabajador", "trabajadora", "cocinero", "camarero", "limpieza", "jardinero", "obrero", "analista",
    "desarrollador", "enfermera", "enfermero", "medico", "profesor", "investigador", "tecnico", "ayudante",
    "auxiliar", "vendedor", "contador", "abogado", "mantenimiento", "cuidador", "operador",
    # French
    "du", "des", "le", "et", "ingenieur", "ingénieur", "responsable", "directeur", "chercheur",
    "développeur", "developpeur", "infirmière", "infirmier", "médecin", "professeur", "technicien", "cuisinier",
    "serveur", "ouvrier", "vendeur", "comptable", "avocat", "chargé", "conseiller", "gestionnaire",
    # Portuguese / German / Italian basics
    "engenheiro", "gerente", "desenvolvedor", "ingenieur", "entwickler", "leiter", "mitarbeiter", "ingegnere",
    "sviluppatore", "responsabile",
}


_ENGLISH_WORDS = {"the", "and", "to", "of", "for", "with", "on", "by", "from", "using", "into", "as", "at", "or",
                  "is", "are", "that", "this", "their", "new", "all", "in", "an"}
_FOREIGN_WORDS = {"de", "del", "la", "el", "los", "las", "y", "para", "con", "en", "por", "du", "des", "les", "le",
                  "et", "pour", "avec", "dans", "sur", "und", "der", "die", "das", "für", "mit", "von", "zu", "em",
                  "da", "do", "os", "com", "di", "il", "per"}
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")


def is_english_text(text: str, known: frozenset[str] | None = None) -> bool:
    """Is a sentence (a duty) English? Mostly non-Latin letters, or more Spanish/French/German/Portuguese/
    Italian function words than English ones (at least two), say no. Unlike the title check, a stray accent
    or foreign word ("naïve Bayes", "5 µm", "Smith et al.", "De-identify records", "DES keys") keeps it English.

    ``known``, English words of 5+ letters (``TitleIndex.english_words``), also catches languages without those
    function words ("Merawat pasien di klinik umum setiap hari.", Indonesian; Turkish, Polish...): of its words of
    5+ letters (three at least), under a quarter known says no. Of 2,731 English statements (SOC definitions,
    O*NET's emerging tasks, the NIW profiles' duties) it turned down 3, each a list of occupation names
    ("Includes mineralogists, paleontologists, stratigraphers..."); of 14 foreign duties, it caught 13 (the
    function words alone, 2)."""
    words = _WORD.findall(text.lower())
    if not words:
        return True
    letters = [ch for w in words for ch in w]
    if sum(not ("a" <= ch <= "z") for ch in letters) > 0.3 * len(letters):
        return False  # Korean, Chinese, Cyrillic...; accents alone rarely reach this share
    foreign = sum(w in _FOREIGN_WORDS for w in words)
    english = sum(w in _ENGLISH_WORDS for w in words)
    if foreign >= 2 and foreign > english:
        return False
    if known:
        long = [w for w in re.findall(r"[a-z]{5,}", text.lower())]
        if len(long) >= 3 and sum(w in known for w in long) < 0.25 * len(long):
            return False
    return True
