"""Render: drafts and facts turned into one MkDocs project per language (``pages``), through the
Jinja templates, with untrusted text sanitized."""
