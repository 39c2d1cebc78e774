"""Errors socfit reports to people: one line, what went wrong and what to do.

The CLI prints ``str(error)`` without a traceback for every subclass of :class:`SocfitError`.
"""


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
