"""The errors confgen raises on purpose. A leaf: it imports nothing of confgen, so any module,
core or plugin, can raise them without pulling anything else in."""

from __future__ import annotations


class ConfgenError(Exception):
    """A foreseeable failure; the CLI prints the message (never a traceback) and exits with ``exit_code``."""

    exit_code = 1


class InputError(ConfgenError):
    """Bad input from the user: a file, a flag, a setting. Exit code 2."""

    exit_code = 2


class SettingsError(InputError):
    """A setting in conference.yaml that admits no answer, found only when the work is done (a
    budget with no feasible plan). ``path`` is its dotted place, which the core turns into a line."""

    def __init__(self, path: str, message: str):
        super().__init__(message)
        self.path = path


class ProviderError(ConfgenError):
    """A call failed. ``retryable`` failures are retried by the runner (after ``retry_after`` seconds
    when the server said so); the others fail the job at once. An ``outage`` (the server cannot be
    reached, or answers 5xx) is retried for a span of time (``provider.retry_for``), not a number
    of tries: servers come back after minutes, not after a fixed count of quick retries."""

    def __init__(self, message: str, *, retryable: bool = False, retry_after: float | None = None,
                 outage: bool = False):
        super().__init__(message)
        self.retryable = retryable or outage
        self.retry_after = retry_after
        self.outage = outage
