"""Rule-based sentence segmentation (CJK, Latin-script and mixed text); see localize.segment."""

from __future__ import annotations

from localize.segmentation.boundaries import sentence_spans, split_text
from localize.segmentation.languages import LanguageRules, rules_for

__all__ = ["LanguageRules", "rules_for", "sentence_spans", "split_text"]
