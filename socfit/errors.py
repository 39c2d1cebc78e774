"""Errors socfit reports to people: one line, what went wrong and what to do.

The CLI prints ``str(error)`` without a traceback for every subclass of :class:`SocfitError`.
"""

import re

# Not text: control characters (NUL, escape...; not tabs or line breaks), which come from a binary paste or a
# broken export and would reach the reports as they are, and half of a UTF-16 surrogate pair (JSON can escape
# one, "\ud800"), which no UTF-8 report can hold.
_NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]")


class SocfitError(Exception):
    """Base class for errors with a message meant for the user."""


class SourceError(SocfitError):
    """An official source file is missing, unreadable or not in the published layout."""


class PackError(SocfitError):
    """The knowledge pack is missing, half-built or from an incompatible socfit version."""


class CodeError(SocfitError):
    """A string is not a SOC 2018 / O*NET-SOC code socfit knows."""

    def __init__(self, message: str, suggestions: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []


class InputError(SocfitError):
    """User input (a title, a CSV, a profile) cannot be used as given."""


def check_text(text: str, what: str) -> None:
    """InputError when ``text`` holds a character that is not text (see _NOT_TEXT), naming it and where."""
    m = _NOT_TEXT.search(text)
    if m:
        c = ord(m.group())
        if 0xDC80 <= c <= 0xDCFF:  # how Python keeps an undecodable byte of a command-line argument
            kind = f"a byte that is not UTF-8 (0x{c - 0xDC00:02X}"
        else:
            kind = f"{'half of a UTF-16 surrogate pair' if 0xD800 <= c <= 0xDFFF else 'a control character'} (U+{c:04X}"
        raise InputError(f"{what} contains {kind} at character {m.start() + 1}), which is not text; remove it")
