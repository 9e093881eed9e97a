"""QA: what a translation must keep from its source (placeables, citations, markup, terms...).

Errors: placeables, citations, markup, keep-terms, mask-residue, unsafe-markup,
failed. Warnings: glossary, forbidden-terms, numbers, whitespace, punctuation.
A check is waived by an entry flag ``ignore-<check>`` or by ``[qa] ignore``.

``check_translation`` judges one sentence pair; ``check_project`` runs it over
every catalog of a project; ``QAReport`` and ``Finding`` are what both report.
"""

from __future__ import annotations

from localize.qa.catalogs import check_project, entry_format, po_files
from localize.qa.checks import (
    CHECKS,
    ERROR_CHECKS,
    WARNING_CHECKS,
    blocking_problems,
    check_translation,
    waived_checks,
)
from localize.qa.report import Finding, QAReport

__all__ = [
    "CHECKS",
    "ERROR_CHECKS",
    "WARNING_CHECKS",
    "Finding",
    "QAReport",
    "blocking_problems",
    "check_project",
    "check_translation",
    "entry_format",
    "po_files",
    "waived_checks",
]
