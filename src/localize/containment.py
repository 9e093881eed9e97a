"""Paths that must stay inside a directory, symlinks followed (SPEC section 9).

A symlink planted in ``content/``, the project or ``<out>`` must not make the
tool read a file outside the project, write a page outside ``<out>`` or delete
a file there. Every such path goes through ``contained``: resolved, it must
lie under the resolved root, else an InputError naming the path.
"""

from __future__ import annotations

from pathlib import Path

from localize.errors import InputError

__all__ = ["contained", "is_contained"]


def is_contained(root: Path, path: Path) -> bool:
    """Whether ``path``, every symlink on it followed, lies under ``root`` (also resolved)."""
    try:
        return Path(path).resolve().is_relative_to(Path(root).resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return False


def contained(root: Path, relative: str | Path, what: str, shown: str | Path | None = None) -> Path:
    """``root / relative`` when it resolves inside ``root``; InputError naming it otherwise.

    ``what`` says what the path is for ("page", "article"); ``shown`` is how to name it.
    """
    path = Path(root) / relative
    if not is_contained(root, path):
        raise InputError(
            f"{what} resolves outside {Path(root).name or root}/ (a symlink?); refused",
            shown if shown is not None else path,
        )
    return path
