"""Packaged Jinja templates (prompts/, pages/, offline/, theme/). Data only."""
