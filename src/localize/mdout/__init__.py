"""Localized Markdown for static-site generators (SPEC section 10): ``build_markdown`` writes it."""

from __future__ import annotations

from typing import Any

__all__ = ["MarkdownReport", "build_markdown"]


def __getattr__(name: str) -> Any:
    """Imported on first use, so ``import localize.mdout`` stays cheap."""
    if name in __all__:
        from localize.mdout import build

        return getattr(build, name)
    raise AttributeError(name)
