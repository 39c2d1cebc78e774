"""SOC and O*NET-SOC code syntax: one place that turns what people type into canonical codes.

Accepted: ``15-1252``, ``151252``, ``15 1252``, ``15-1252.00``, ``15125200``, ``15-1299.08``.
Whether a well-formed code exists in SOC 2018 is the pack's business, not this module's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CODE = re.compile(r"^\s*(\d{2})\s*[-–. ]?\s*(\d{4})(?:\s*[.]?\s*(\d{2}))?\s*$")


@dataclass(frozen=True)
class ParsedCode:
    soc: str  # "15-1252"
    onet: str | None  # "15-1299.08" when an O*NET suffix was given, else None

    @property
    def major(self) -> str:
        return self.soc[:2] + "-0000"


def parse_code(text: str) -> ParsedCode | None:
    """Canonical form of a SOC / O*NET-SOC code, or None when the text is not code-shaped."""
    m = _CODE.match(str(text or ""))
    if not m:
        return None
    soc = f"{m.group(1)}-{m.group(2)}"
    onet = f"{soc}.{m.group(3)}" if m.group(3) else None
    return ParsedCode(soc, onet)


def soc_boxes(soc: str) -> tuple[str, str]:
    """Form I-140 Part 6 item 2 boxes: ('15', '1252')."""
    major, _, rest = soc.partition("-")
    return major, rest

