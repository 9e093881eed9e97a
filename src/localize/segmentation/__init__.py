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
    "prepare_segmentation",
    "rules_for",
    "segment_document",
    "sentence_gaps",
    "sentence_spans",
    "split_sentences",
    "split_text",
]


def prepare_segmentation(language: str) -> None:
    """Compile the patterns that split ``language`` in this process now, before ``--jobs``
    workers are forked (see ``localize.readers.prepare_readers``): a short sample is split."""
    split_text("一。Two. 三", rules_for(language))
