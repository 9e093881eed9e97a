"""Parallel locale pages with hreflang: ``build_site`` writes them, ``check_site`` validates them."""

from __future__ import annotations

from typing import Any

__all__ = ["BuildReport", "build_site", "check_site"]


def __getattr__(name: str) -> Any:
    """Imported on first use, so ``import localize.site`` stays cheap."""
    if name == "build_site":  # with --shard and --finalize (SPEC section 11)
        from localize.site.shards import build_site

        return build_site
    if name == "BuildReport":
        from localize.site import build

        return build.BuildReport
    if name == "check_site":
        from localize.site.check import check_site

        return check_site
    raise AttributeError(name)
