"""What the web app computes with: one pack, one coder behind one lock, a small cache of advice.

The coder (and the advisor, which calls it) keep unsynchronised memo dicts and run CPU-bound numpy, so
every call into them holds ``lock``: threads take turns, and a second uvicorn worker (a process) is how the
server uses a second core. Advice is cached by the canonical JSON of the validated profile: answering a
question and coming back, exporting, or saving a case re-uses the advice just shown instead of
recomputing it.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from socfit.config import default_pack
from socfit.errors import CodeError, InputError
from socfit.pack import open_pack
from socfit.pack.store import Pack

ADVICE_CACHE = 256
log = logging.getLogger("socfit.web")


class LockedCoder:
    """The two methods socfit.batch uses, each holding the engine lock (so a long batch file lets other
    requests in between chunks)."""

    def __init__(self, coder, lock):
        self._coder, self._lock = coder, lock

    def code(self, *a, **k):
        with self._lock:
            return self._coder.code(*a, **k)

    def code_many(self, *a, **k):
        with self._lock:
            return self._coder.code_many(*a, **k)


class Engine:
    def __init__(self, pack_path: Path | str | None = None):
        self.pack_path = Path(pack_path).expanduser() if pack_path else default_pack()
        self.lock = threading.RLock()
        self._render_lock = threading.Lock()
        self._advice: OrderedDict[str, tuple[dict[str, Any], bytes]] = OrderedDict()
        self._advice_lock = threading.Lock()

    def pack(self) -> Pack:
        return open_pack(self.pack_path)

    def warm(self) -> None:
        """Load the pack, encoders and search index now, so the first visitor does not wait for them."""
        self.search("a")
        coder = self.coder()
        coder.code("Software Developer")
        coder.code("Ingeniero de software")  # the multilingual encoders too (USE takes ~1 s to load)

    # ------------------------------------------------------------------ coder
    def coder(self) -> LockedCoder:
        from socfit.coder import get_coder

        pack = self.pack()
        with self.lock:
            return LockedCoder(get_coder(pack), self.lock)

    def code(self, title: str, duties: str | list[str] | None, top: int) -> dict[str, Any]:
        return self.coder().code(title, duties, top).to_dict()

    # ------------------------------------------------------------------ advisor
    def validate(self, profile: dict[str, Any]) -> dict[str, Any]:
        from socfit.advisor import validate_profile

        return validate_profile(profile)

    def apply_patch(self, profile: dict[str, Any], patch: Any) -> dict[str, Any]:
        from socfit.advisor import apply_patch

        if not isinstance(patch, dict):
            raise InputError("an answer's patch must be a JSON object")
        add = patch.get("add_duties")
        if add is not None and not (isinstance(add, list) and all(isinstance(d, str) for d in add)):
            raise InputError("add_duties in an answer must be a list of duty texts")
        return apply_patch(self.validate(profile), patch)  # validates the patched profile

    def advise(self, profile: dict[str, Any], candidates: int = 4) -> dict[str, Any]:
        """The advice document (docs/advisor.md). Shared from the cache: callers must not modify it."""
        return self._advice_entry(profile, candidates)[0]

    def advise_json(self, profile: dict[str, Any], candidates: int = 4) -> bytes:
        """The advice document as JSON bytes, serialised once per cached advice (what the API sends)."""
        return self._advice_entry(profile, candidates)[1]

    def advise_json_if_free(self, profile: dict[str, Any], candidates: int = 4) -> bytes | None:
        """``advise_json`` now, on the calling thread, if no other thread holds the engine lock; else None (the
        caller hands the work to a worker thread rather than wait for, say, a batch file's chunk to finish)."""
        if not self.lock.acquire(blocking=False):
            return None
        try:
            return self._advice_entry(profile, candidates)[1]
        finally:
            self.lock.release()

    def _advice_entry(self, profile: dict[str, Any], candidates: int) -> tuple[dict[str, Any], bytes]:
        from socfit.advisor import advise

        valid = self.validate(profile)
        key = f"{self.pack().pack_id}|{candidates}|" + json.dumps(valid, sort_keys=True, ensure_ascii=False)
        with self._advice_lock:
            hit = self._advice.get(key)
            if hit is not None:
                self._advice.move_to_end(key)
                return hit
        with self.lock:
            out = advise(valid, candidates=candidates, pack=self.pack_path).to_dict()
        entry = (out, json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        with self._advice_lock:
            self._advice[key] = entry
            while len(self._advice) > ADVICE_CACHE:
                self._advice.popitem(last=False)
        return entry

    def report(self, advice: dict[str, Any], fmt: str) -> bytes:
        from socfit.render.report import render

        with self._render_lock:  # WeasyPrint is not documented as thread-safe
            body = render(advice, fmt)
        return body if isinstance(body, bytes) else body.encode("utf-8")

    def report_fragment(self, advice: dict[str, Any]) -> str | None:
        """The report helper's embeddable HTML (with its SVG charts), when that module is installed."""
        try:
            from socfit.render.report import render_html

            return render_html(advice, standalone=False)
        except Exception:  # the embedded report is extra: the page stands without it
            log.exception("embedded report failed")
            return None

    # ------------------------------------------------------------------ occupations
    def card(self, code: str) -> dict[str, Any]:
        from socfit.assess.occupation import card

        return card(self.pack(), code).to_dict()

    def check_code(self, code: str) -> tuple[str, str]:
        """A typed code as (SOC 2018 code, title); retired and O*NET codes resolve, the rest raise CodeError."""
        from socfit.assess.occupation import resolve

        pack = self.pack()
        soc = resolve(pack, code).soc_code
        title = pack.value("SELECT title FROM soc_groups WHERE soc_code=?", (soc,))
        if title is None:
            raise CodeError(f"{code} is not a SOC 2018 code")
        return soc, title

    def check_code_input(self, code: str) -> tuple[str, str]:
        """check_code for a value typed into a form or body field: a bad code is bad input (422), with the
        nearest codes in the message."""
        try:
            return self.check_code(code)
        except CodeError as e:
            near = "; nearest: " + ", ".join(f"{c} {t}" for c, t in e.suggestions[:5]) if e.suggestions else ""
            raise InputError(f"{e}{near}") from None

    def search(self, q: str, limit: int = 20) -> list[dict[str, str]]:
        from socfit.web.search import get_search

        return get_search(self.pack()).search(q, limit)

    def health(self) -> dict[str, Any]:
        from socfit import __version__

        pack = self.pack()
        return {"ok": True, "socfit_version": __version__, "pack": str(pack.path), "pack_id": pack.pack_id,
                "built_at": pack.info.get("built_at"),
                "data_versions": {t: {"source": v["source"], "version": v["version"]} for t, v in pack.versions().items()}}
