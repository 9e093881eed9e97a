"""Paths that must stay inside a directory, symlinks followed (SPEC section 9).

A symlink planted in ``content/``, the project or ``<out>`` must not make the
tool read a file outside the project, write a page outside ``<out>`` or delete
a file there. Every such path goes through ``contained``: resolved, it must
lie under the resolved root, else an InputError naming the path.
"""

from __future__ import annotations

from pathlib import Path

from localize.errors import InputError
from localize.statmemo import resolved_text

__all__ = ["contained", "is_contained"]


def is_contained(root: Path, path: Path) -> bool:
    """Whether ``path``, every symlink on it followed, lies under ``root`` (also resolved)."""
    try:
        inside, top = resolved_text(path), resolved_text(root)
    except (OSError, RuntimeError):  # a symlink loop
        return False
    return inside == top or inside.startswith(top if top.endswith("/") else top + "/")


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
