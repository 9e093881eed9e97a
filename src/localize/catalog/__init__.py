"""Gettext catalogs: extraction, merging, translation memory and status.

Entry points: ``extract_project`` (POT and PO files from content/),
``project_status`` (per article and locale counts), ``load_po``/``save_po``
(the one reader and writer every stage uses), ``export_tmx``/``import_tmx``
(translation memory out and in). They are imported on first use, so reading
one PO file does not load the extraction stage's readers and segmenter.
"""

from __future__ import annotations

import importlib
from typing import Any

_ENTRY_POINTS = {
    "extract_project": "localize.catalog.extract",
    "project_status": "localize.catalog.status",
    "load_po": "localize.catalog.pofile",
    "save_po": "localize.catalog.pofile",
    "export_tmx": "localize.catalog.tmx",
    "import_tmx": "localize.catalog.tmx",
}

__all__ = sorted(_ENTRY_POINTS)


def __getattr__(name: str) -> Any:
    if name in _ENTRY_POINTS:
        return getattr(importlib.import_module(_ENTRY_POINTS[name]), name)
    raise AttributeError(f"module 'localize.catalog' has no attribute {name!r}")
