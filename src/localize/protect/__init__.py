"""Protection of what must survive machine translation.

Placeables (citation markers, URLs, e-mail addresses, code, inline markup,
variables, do-not-translate terms) are found in a sentence (``placeables``),
hidden behind tokens an engine copies (``tokens``), and put back and verified
after (``masking``). QA sits above this package and is handed in as the verifier.
"""

from __future__ import annotations

from localize.protect.masking import Attempt, Restored, SafeTranslation, Verifier
from localize.protect.placeables import (
    Placeable,
    find_placeables,
    find_spans,
    is_markup_safe,
    placeables_comment,
    terms_comment,
)
from localize.protect.tokens import (
    BRACKET_STYLE,
    TOKEN_STYLES,
    WORD_STYLE,
    TokenStyle,
    mask_residue,
)

__all__ = [
    "BRACKET_STYLE",
    "TOKEN_STYLES",
    "WORD_STYLE",
    "Attempt",
    "Placeable",
    "Restored",
    "SafeTranslation",
    "TokenStyle",
    "Verifier",
    "find_placeables",
    "find_spans",
    "is_markup_safe",
    "mask_residue",
    "placeables_comment",
    "terms_comment",
]
