"""One small exception hierarchy; the CLI maps each class to an exit status.

Library code raises these with the file and line they concern, so a build
script gets the same precise message the command line prints.
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_NEEDS_ATTENTION = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


class LocalizeError(Exception):
    """Base class: a message plus, where there is one, the file and line at fault."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str, file: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line

    def __reduce__(self) -> tuple:
        """Pickled with its file and line, so an error raised in a ``--jobs`` worker arrives whole."""
        return (type(self), (self.message, self.file, self.line))

    def __str__(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}: {self.message}"
        if self.file:
            return f"{self.file}: {self.message}"
        return self.message


class InputError(LocalizeError):
    """Malformed or missing input: a file, a front matter, a PO, TBX, CSV or TOML document."""


class ConfigError(InputError):
    """localize.toml is malformed or names something that does not exist."""


class LocaleError(InputError):
    """An unknown or malformed locale code."""


class UnsafeSlugError(InputError):
    """A slug with characters outside [a-z0-9_/-] or one that would leave the project."""


class ProjectLockedError(LocalizeError):
    """Another localize process holds the project's lock."""


class EngineError(LocalizeError):
    """An engine refused every request (auth, unsupported language, unreachable)."""


class NeedsAttention(LocalizeError):
    """The work was done but a person must look: QA errors, failed entries, a cap reached."""

    exit_code = EXIT_NEEDS_ATTENTION
