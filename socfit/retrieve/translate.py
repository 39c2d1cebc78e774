"""Korean, Chinese and Japanese job titles -> English title words, from socfit's glossary.

The multilingual encoder (multilingual-e5-small) knows common job nouns in these languages but not the rank
words people put on business cards: "팀장" (team leader) lands nearest "Teamster" and "Team Assemblers", "과장"
(section manager) nearest "Envelope Adjuster". These languages put the field before the head noun, as English
does ("软件工程师" = 软件 software + 工程师 engineer), so a word-by-word reading with a glossary gives an English title
that the English pipeline (dictionary, probe, filings' prior, duties network) then codes. The reading is used
only when every word of the title is in the glossary (``socfit/data/cjk_glossary.tsv``); otherwise the title
goes to the multilingual encoder as before. The coder says which reading it used, so a person can check it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from socfit.retrieve.normalize import is_ascii_english, is_vague, normalize_title

LANGUAGES = {"ko": "Korean", "zh": "Chinese", "ja": "Japanese"}
MAX_TERM = 12  # longest glossary term, in characters (checked when the glossary loads)
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]")
_CJK = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
                  r"\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]+")
# Between words: anything that is not a letter or a digit (spaces, punctuation, the separators these scripts use
# such as ・ 、 ，, emoji, zero-width spaces), except the signs of Latin words like "C++", "C#", "R&D", "Sr.".
_SPLIT = re.compile(r"[^\w.#+&']+|_+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.#+&']*")


@lru_cache(maxsize=1)
def glossary() -> dict[str, dict[str, str]]:
    """language ("ko", "zh", "ja") -> term -> English. Raises ValueError on a malformed line (a packaging error)."""
    out: dict[str, dict[str, str]] = {"ko": {}, "zh": {}, "ja": {}}
    text = resources.files("socfit.data").joinpath("cjk_glossary.tsv").read_text(encoding="utf-8")
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in out or not parts[1] or len(parts[1]) > MAX_TERM:
            raise ValueError(f"cjk_glossary.tsv line {n}: expected 'language<TAB>term<TAB>English', got {line!r}")
        out[parts[0]][parts[1]] = parts[2].strip()
    return out


def language(text: str) -> str | None:
    """"ko", "ja" or "zh" for a title written in one of these scripts (Han alone: Chinese first), else None."""
    if _HANGUL.search(text):
        return "ko"
    if _KANA.search(text):
        return "ja"
    if _HAN.search(text):
        return "zh"
    return None


def _segment(run: str, terms: dict[str, str]) -> list[str] | None:
    """Longest-match reading of one run of CJK characters; None if some part is not in ``terms``."""
    out, i = [], 0
    while i < len(run):
        for j in range(min(len(run), i + MAX_TERM), i, -1):
            if run[i:j] in terms:
                if terms[run[i:j]]:  # an empty English rendering is a word to drop (中级: mid-level)
                    out.append(terms[run[i:j]])
                i = j
                break
        else:
            return None
    return out


@dataclass(frozen=True)
class Reading:
    english: str  # the English title words, in the title's order
    language: str  # "ko", "zh" or "ja"
    pieces: int  # glossary terms used: fewer, longer terms make the more specific reading
    dropped: str = ""  # a first or last word left out as a name (a company, a place): see ``to_english``


def _reading(text: str, lang: str) -> Reading | None:
    """Every part of ``text`` read: CJK runs with the glossary of ``lang``, Latin words and numbers kept as
    written. None if a CJK run has a part the glossary lacks (a company name, a field it does not know: the
    multilingual encoder then reads the whole title, which keeps those words) or the text has another script."""
    terms = glossary()[lang]
    words: list[str] = []
    pieces = 0
    for chunk in _SPLIT.split(text):
        pos = 0
        for m in list(_CJK.finditer(chunk)) + [None]:
            between = chunk[pos:m.start() if m else len(chunk)]
            if between and not _ASCII_WORD.fullmatch(between):
                return None
            words.extend([between] if between else [])
            if m is None:
                break
            got = _segment(m.group(), terms)
            if got is None:
                return None
            words.extend(got)
            pieces += len(got)
            pos = m.end()
    return Reading(" ".join(words), lang, pieces) if words else None


@lru_cache(maxsize=4096)
def to_english(title: str) -> Reading | None:
    """The English reading of a Korean, Chinese or Japanese title from the glossary, else None.
    "팀장" -> "team leader"; "高级软件工程师" -> "senior software engineer"; Latin words stay as written ("AI 연구원"
    -> "AI researcher"). Han characters alone may be Chinese or Japanese (部長, 主任研究員): both readings are
    tried and the one in fewer, longer glossary words wins (主任研究員 is one Japanese term, senior researcher;
    word by word in Chinese it would be "director researcher")."""
    title = unicodedata.normalize("NFKC", title)  # full-width Latin (ＡＩ), half-width katakana (ｴﾝｼﾞﾆｱ)
    return _read(title) or _without_name(title)


def _read(title: str) -> Reading | None:
    lang = language(title)
    if lang is None:
        return None
    if lang != "zh":
        return _reading(title, lang)
    found = [r for r in (_reading(title, "zh"), _reading(title, "ja")) if r is not None]
    return min(found, key=lambda r: r.pieces) if found else None


def _without_name(title: str) -> Reading | None:
    """The reading of a title whose first or last word (written apart: a space, brackets) is not in the glossary
    and all the rest is: an employer or a place written with the title ("삼성전자 소프트웨어 엔지니어", "华为 软件工程师",
    "ソフトウェアエンジニア（トヨタ自動車）", "삼성전자 Data Scientist"). Used only when what is left names an occupation:
    "삼성전자 연구원" would leave only "researcher", and the unknown word may be the field (a field the glossary
    lacks), so such a title still goes to the multilingual encoder whole, which keeps that word."""
    words = [w for w in _SPLIT.split(title) if w]
    if len(words) < 2:
        return None
    for i in (0, len(words) - 1):
        if not _CJK.fullmatch(words[i]):  # a Latin word is kept as written, never dropped
            continue
        rest = " ".join(words[:i] + words[i + 1:])
        r = _read(rest)
        if r is None and language(rest) is None and is_ascii_english(rest):  # the rest is an English title
            r = Reading(rest, language(words[i]), 0)
        norm = normalize_title(r.english) if r is not None else ""
        if norm and not is_vague(norm):
            return Reading(r.english, r.language, r.pieces, dropped=words[i])
    return None
