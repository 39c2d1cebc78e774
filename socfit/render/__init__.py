"""Turn results into text, JSON, Markdown/HTML/PDF."""
