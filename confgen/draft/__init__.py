"""Draft: the plan (every content kind's jobs), the runner that turns jobs into drafts through a
provider, the call cache and the quality gates, and the store of drafts in ``content/``."""
