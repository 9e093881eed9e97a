"""Pseudo-localization (SPEC section 7): shows layout and encoding bugs before real translations exist.

``en-XA`` (and any other target): Latin letters accented, the text wrapped in
brackets and padded by about a third, so truncation and hard-coded strings
stand out. ``ar-XB``: every word wrapped in right-to-left marks and an
override, so the page renders right to left. Anything that must survive
translation unchanged — mask tokens, ``⟦…⟧``, tags, entities, URLs, e-mail
addresses, inline code, citations ``[3]``, ``{placeholders}``, printf
specifiers and all-caps/digit tokens — is left exactly as it is. The source
text is used as it is (accenting whatever Latin letters it contains).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from localize.config import EngineSettings
from localize.engines.base import Engine
from localize.locales import LocaleInfo

_ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
_PADDING = "ļöŕéɱ îþšûɱ đöļöŕ šîţ àɱéţ çöñšéçţéţûŕ àđîþîšçîñĝ éļîţ šéđ đö éîûšɱöđ ţéɱþöŕ "
RLM, RLO, PDF = "\u200f", "\u202e", "\u202c"

PROTECTED = re.compile(
    r"""
      ⟦[^⟧]*⟧                                  # mask tokens in brackets
    | <[^<>\n]+>                               # tags
    | &(?:[A-Za-z]+|\#\d+|\#x[0-9A-Fa-f]+);    # entities
    | (?:https?|ftp)://[^\s<>"'）」】]+         # URLs
    | www\.[^\s<>"'）」】]+
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+            # e-mail addresses
    | `+[^`]*`+                                # inline code
    | \[\d+(?:[-–,]\s*\d+)*\]                  # citations [3], [1-4]
    | \{[^{}\s]*\}                             # {placeholders}
    | %(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?[sdifxXoeEgGcr%]   # printf
    | \b[A-Z0-9_]*[0-9_][A-Z0-9_]*\b           # ALL-CAPS/digit tokens (X1X, PH_0, 2025)
    | \b[A-Z]{2,}\b                            # acronyms and tokens like XQZ
    """,
    re.VERBOSE,
)


def _split(text: str) -> list[tuple[bool, str]]:
    """(protected, piece) runs covering the whole text."""
    runs: list[tuple[bool, str]] = []
    position = 0
    for match in PROTECTED.finditer(text):
        if match.start() > position:
            runs.append((False, text[position : match.start()]))
        runs.append((True, match.group()))
        position = match.end()
    if position < len(text):
        runs.append((False, text[position:]))
    return runs


def _bidi_words(piece: str) -> str:
    return re.sub(r"\S+", lambda m: f"{RLM}{RLO}{m.group()}{PDF}{RLM}", piece)


def pseudo_localize(text: str, target: LocaleInfo, expansion: float = 0.35) -> str:
    """The pseudo-translation of one text; outer whitespace kept."""
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    bidi = target.direction == "rtl"
    runs = _split(core)
    out = []
    translatable = 0
    for protected, piece in runs:
        if protected:
            out.append(piece)
            continue
        translatable += len(piece.strip())
        out.append(_bidi_words(piece) if bidi else piece.translate(_ACCENTS))
    pad_length = max(1, math.ceil(translatable * expansion))
    padding = (_PADDING * (pad_length // len(_PADDING) + 1))[:pad_length].strip() or "·"
    if bidi:
        padding = _bidi_words(padding)
    return f"{lead}[{''.join(out)} {padding}]{trail}"


class PseudoEngine(Engine):
    """Offline pseudo-translation for ``en-XA``, ``ar-XB`` and any other target."""

    name = "pseudo"
    max_chars = 100_000
    max_texts = 1000
    default_concurrency = 1
    default_rate_limit = None
    default_timeout = 60.0
    default_retries = 0

    def __init__(self, settings: EngineSettings):
        super().__init__(settings)
        raw = settings.extra.get("expansion", 0.35)
        self.expansion = float(raw) if isinstance(raw, (int, float)) else 0.35

    @property
    def is_offline(self) -> bool:
        return True

    def cache_options(self) -> str:
        return f"expansion={self.expansion:g}"

    def translate(self, texts: Sequence[str], source: LocaleInfo, target: LocaleInfo) -> list[str]:
        return [pseudo_localize(t, target, self.expansion) for t in texts]
