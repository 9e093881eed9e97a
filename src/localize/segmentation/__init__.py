"""Sentence segmentation: blocks in, one Segment per sentence out (CJK, Latin-script, mixed).

``segment_document`` and ``split_sentences`` are the entry points the catalog and
site stages call; the language data, markup masking and boundary rules are the
modules beside this one.
"""

from __future__ import annotations

from localize.segmentation.boundaries import sentence_spans, split_text
from localize.segmentation.document import (
    join_sentences,
    segment_document,
    sentence_gaps,
    split_sentences,
)
from localize.segmentation.languages import LanguageRules, rules_for

__all__ = [
    "LanguageRules",
    "join_sentences",
    "rules_for",
    "segment_document",
    "sentence_gaps",
    "sentence_spans",
    "split_sentences",
    "split_text",
]
