"""Where the CLI prints: results on stdout, progress and problems on stderr."""

from rich.console import Console

# No emoji codes: "conference.yaml:100:" must not print as "conference.yaml💯".
out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
