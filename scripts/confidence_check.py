"""How often `confident` agrees with the filed code, and what the filings do to the first code.

Each dev set (../shared/dev) is coded 5-fold, as `socfit bench` codes it (`bench.code_rows_cv`). Printed per
set: the share of rows coded `confident` and how often their first code is the filed one; the share whose first
code the filings (prior, conventions) chose over the title's own first code (the coder's note "... is first
because real filings often use it; the title on its own fits ..."), and how often each of the two is the filed
code.

    .venv/bin/python scripts/confidence_check.py
"""
from __future__ import annotations

import re

from socfit import bench

_OWN = re.compile(r"the title on its own fits (\d\d-\d{4})")


def main() -> None:
    _, coder, sets = bench.training_setup()
    for name, rows in sets.items():
        n = conf = conf_ok = moved = moved_ok = own_ok = 0
        for r, row in zip(bench.code_rows_cv(coder, rows), rows):
            acc = bench.acceptable(row)
            if r is None or not acc or not r.candidates:
                continue
            n += 1
            ok = r.candidates[0].soc_code in acc
            conf += r.confident
            conf_ok += r.confident and ok
            own = next((m.group(1) for m in map(_OWN.search, r.notes) if m), None)
            if own:
                moved += 1
                moved_ok += ok
                own_ok += own in acc
        print(f"{name}: {n} rows; confident {conf / n:.3f} of them, agreeing {conf_ok / max(conf, 1):.3f}; "
              f"first code chosen by the filings {moved / n:.3f}, agreeing {moved_ok / max(moved, 1):.3f} "
              f"(the title's own first code: {own_ok / max(moved, 1):.3f})")


if __name__ == "__main__":
    main()
