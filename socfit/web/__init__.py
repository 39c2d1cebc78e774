"""socfit's web page and JSON API (``socfit serve``; see docs/web.md)."""
