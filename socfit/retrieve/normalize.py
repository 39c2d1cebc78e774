"""Job-title normalisation: the same function runs over the dictionary at build time and over queries.

Real titles carry noise that says nothing about the occupation: seniority ("Sr.", "II", "Lead"), employer
and location ("- Boston, MA", "at Acme"), requisition numbers, shift words. They also use abbreviations
("Mgr", "Eng", "RN"). We expand abbreviations, drop noise, and keep word order.
"""

from __future__ import annotations

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
    "postdoc": "postdoctoral", "post-doc": "postdoctoral", "phd": "doctoral", "cdl": "commercial driver",
    "hvac": "heating ventilation air conditioning", "maint": "maintenance", "mech": "mechanical",
    "elec": "electrical", "elect": "electrical", "chem": "chemical", "sys": "systems", "sci": "scientist",
    "analyst.": "analyst", "pm": "project manager", "pgm": "program", "prog": "programmer",
    "supv": "supervisor", "supvr": "supervisor", "svc": "service", "svcs": "services",
    "cust": "customer", "hskp": "housekeeping", "hsekeeper": "housekeeper", "hkp": "housekeeping",
    "fnb": "food and beverage", "f&b": "food and beverage", "mgr.": "manager",
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
}
_KEEP_SHORT = {"ai", "ml", "hr", "it", "qa", "ui", "ux"}

_PAREN = re.compile(r"[(\[{].*?[)\]}]")
# A tail after " - " / " | " / " at " is dropped only when it looks like a place or an employer tag
# ("- Boston, MA", "| Remote", "at Acme Corp"); "Physician - Interventional Cardiology" keeps its specialty.
_LOCATION_TAIL = re.compile(
    r"\s(?:-|–|—|\||@)\s*(?:[A-Z][\w .'-]*,\s*[A-Z]{2}\b.*|remote.*|onsite.*|hybrid.*|[\w .'-]*\d.*)$"
    r"|\s(?:at|@)\s[A-Z].*$|,\s*[A-Z][a-z]+,?\s+[A-Z]{2}$", re.I)
_REQ = re.compile(r"\b(?:req|job|position|id)\s*#?\s*[\w-]*\d[\w-]*\b|#\s*\d+|\b\d{4,}\b", re.I)
_TOKEN = re.compile(r"[a-z0-9][a-z0-9&+#.'-]*")


def fold(text: str) -> str:
    """NFKC, lower case, accents kept (Spanish/French titles need them for the multilingual encoder)."""
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


def tokens(text: str, drop_noise: bool = True) -> list[str]:
    """Normalised tokens of a title: abbreviations expanded, level and employment noise dropped."""
    s = fold(text).lower()
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


def strip_noise(title: str) -> str:
    """Remove employer/location tails, bracketed asides and requisition numbers from a raw title."""
    s = fold(title)
    no_paren = _PAREN.sub(" ", s)
    if len(no_paren.split()) >= 1 and no_paren.strip():
        s = no_paren
    tail = _LOCATION_TAIL.sub("", s)
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
    return " ".join(t)


def is_ascii_english(text: str) -> bool:
    """Cheap script/language hint: non-ASCII letters or common Spanish/French job words -> multilingual path."""
    if any(ord(ch) > 127 and ch.isalpha() for ch in text):
        return False
    low = set(re.findall(r"[a-z]+", text.lower()))
    return not (low & FOREIGN_HINTS)


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
