"""Pseudo-localization (SPEC section 7): shows layout and encoding bugs before real translations exist.

``en-XA`` (and any other target): Latin letters accented, the text wrapped in
brackets and padded by about a third, so truncation and hard-coded strings
stand out. ``ar-XB``: every word wrapped in right-to-left marks and an
override, so the page renders right to left. Anything that must survive
translation unchanged — mask tokens, ``⟦…⟧``, tags, entities, URLs, e-mail
addresses, inline code, citations ``[3]``, ``{placeholders}``, printf
specifiers, numbers with their separators (``2.5``, ``1,000``) and
all-caps/digit tokens — is left exactly as it is, also right against CJK text
(``ZX1Q上路``). The source text is used as it is (accenting whatever Latin
letters it contains); expansion counts wide (CJK) characters twice, as they
take two columns. ``pseudo_inner`` gives QA back what the engine wrapped.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

from localize.config import EngineSettings
from localize.engines.base import OfflineEngine
from localize.locales import LocaleInfo

_ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
_PADDING = "ļöŕéɱ îþšûɱ đöļöŕ šîţ àɱéţ çöñšéçţéţûŕ àđîþîšçîñĝ éļîţ šéđ đö éîûšɱöđ ţéɱþöŕ "
RLM, RLO, PDF = "\u200f", "\u202e", "\u202c"

PROTECTED = re.compile(
    r"""
      ⟦[^⟦⟧]*⟧                                 # mask tokens in brackets
    | <[^<>\n]+>                               # tags
    | &(?:[A-Za-z]+|\#\d+|\#x[0-9A-Fa-f]+);    # entities
    | (?:https?|ftp)://[^\s<>"'）」】]+         # URLs
    | www\.[^\s<>"'）」】]+
    | (?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+   # e-mail addresses, tried where a word starts
    | `+[^`]*`+                                # inline code
    | \[\d+(?:[-–,]\s*\d+)*\]                  # citations [3], [1-4]
    | \{[^{}\s]*\}                             # {placeholders}
    | %(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?[sdifxXoeEgGcr%]   # printf
    | (?<![A-Za-z0-9_])(?=[A-Z0-9_]*[A-Z_])(?=[A-Z0-9_]*[0-9_])[A-Z0-9_]+(?![A-Za-z0-9_])
                                               # X1X, ZX0Q, PH_0, 2B (even right before CJK)
    | (?<![\d.,])\d+(?:[.,:]\d+)*(?!\d)        # numbers whole: 2.5, 1,000, 10:30, 2025
    | (?<![A-Za-z0-9_])[A-Z]{2,}(?![A-Za-z0-9_])   # acronyms and tokens like XQZ
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


def _width(text: str) -> int:
    """Columns ``text`` takes: wide and full-width characters count two."""
    return sum(
        2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text if not c.isspace()
    )


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
        translatable += _width(piece)
        out.append(_bidi_words(piece) if bidi else piece.translate(_ACCENTS))
    pad_length = max(1, math.ceil(translatable * expansion))
    padding = (_PADDING * (pad_length // len(_PADDING) + 1))[:pad_length].strip() or "·"
    if bidi:
        padding = _bidi_words(padding)
    return f"{lead}[{''.join(out)} {padding}]{trail}"


_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_PADDING_RUN = _PADDING * 40
_PLAIN = {accented: plain for plain, accented in _ACCENTS.items()}


def unaccent(text: str) -> str:
    """``text`` with the pseudo accents taken off (``ɱîļļîöñ`` -> ``million``), same length."""
    return text.translate(_PLAIN)



def pseudo_inner(text: str) -> str | None:
    """The text ``pseudo_localize`` wrapped (outer whitespace kept), or None if ``text`` is not pseudo.

    Bidi marks are dropped; the brackets and the padding (any prefix of the
    padding text, or ``·``) are taken off, so QA can compare punctuation.
    """
    plain = _BIDI_CONTROLS.sub("", text)
    core = plain.strip()
    if len(core) < 2 or core[0] != "[" or core[-1] != "]":
        return None
    lead = plain[: len(plain) - len(plain.lstrip())]
    trail = plain[len(plain.rstrip()) :]
    inner = core[1:-1]
    for cut in range(len(inner) - 1, -1, -1):
        # the padding starts with the padding text's first letter (or is "·"): only such a
        # space can start it, so a text of many spaces is not sliced at each (quadratic)
        if inner[cut] != " " or inner[cut + 1 : cut + 2] not in (_PADDING[0], "·"):
            continue
        padding = inner[cut + 1 :]
        if padding and (padding == "·" or _PADDING_RUN.startswith(padding)):
            return lead + inner[:cut] + trail
    return None


class PseudoEngine(OfflineEngine):
    """Offline pseudo-translation for ``en-XA``, ``ar-XB`` and any other target."""

    name = "pseudo"

    def __init__(self, settings: EngineSettings):
        super().__init__(settings)
        raw = settings.extra.get("expansion", 0.35)
        self.expansion = float(raw) if isinstance(raw, (int, float)) else 0.35

    def cache_options(self) -> str:
        # "v2": numbers kept whole and tokens protected next to CJK; older cached output differs
        return f"expansion={self.expansion:g};v2"

    def translate(self, texts: Sequence[str], source: LocaleInfo, target: LocaleInfo) -> list[str]:
        return [pseudo_localize(t, target, self.expansion) for t in texts]
