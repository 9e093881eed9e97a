"""Checks every engine's answer gets before it is kept: echo, wrong script, absurd length.

One rule for all engines (classic MT and LLM alike), applied to the restored
translation of one sentence:

- **echo**: the answer equals the source (compared on letters and digits, as
  re-spacing and re-punctuating by the engine or the repair ladder is no
  translation). An error only when the source's text
  outside placeables and do-not-translate terms has letters of the source's own
  script and the target is written in another script (a table cell of product
  names legitimately comes back unchanged). Never for ``opencc``, ``pseudo`` or
  ``memory``, whose answers are not translations in that sense.
- **wrong script**: the source has letters of its own script outside
  placeables, yet no letter of the answer (outside placeables and
  do-not-translate terms, and not counting words the source itself borrows
  from another script, such as ``Apache`` in a Chinese sentence) is in a
  script the target language is written in (a French page in Chinese).
- **length**: longer than ``LENGTH_RATIO`` times the source for the pair's
  script families plus ``LENGTH_FLOOR`` characters, or, for sources of at least
  ``SHORT_MIN_SOURCE`` characters, shorter than ``SHORT_RATIO`` of the source.

Scripts are told apart by Unicode ranges, so the checks are linear in the text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from localize.model import DocumentFormat
from localize.protect.placeables import find_spans

if TYPE_CHECKING:
    from localize.glossary import Glossary
    from localize.locales import LocaleInfo

__all__ = ["ECHO_EXEMPT_ENGINES", "LENGTH_FLOOR", "LENGTH_RATIO", "answer_problems", "script_of"]

ECHO_EXEMPT_ENGINES = frozenset({"opencc", "pseudo", "memory"})

#: Longest plausible answer, in characters, per (source family, target family):
#: ``ratio * len(source) + LENGTH_FLOOR``. CJK packs a word into one or two
#: characters, so a Latin-script rendering of it runs several times longer.
LENGTH_RATIO = {("cjk", "other"): 8.0, ("other", "cjk"): 3.0, ("cjk", "cjk"): 4.0, ("other", "other"): 4.0}
LENGTH_FLOOR = 80
SHORT_RATIO = {("cjk", "other"): 0.3, ("other", "cjk"): 0.05, ("cjk", "cjk"): 0.15, ("other", "other"): 0.15}
SHORT_MIN_SOURCE = 40

_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "Latin"),
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0750, 0x077F, "Arabic"),
    (0x0900, 0x097F, "Devanagari"),
    (0x0980, 0x09FF, "Bengali"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1100, 0x11FF, "Hangul"),
    (0x1E00, 0x1EFF, "Latin"),
    (0x3040, 0x309F, "Kana"),
    (0x30A0, 0x30FF, "Kana"),
    (0x3130, 0x318F, "Hangul"),
    (0x31F0, 0x31FF, "Kana"),
    (0x3400, 0x4DBF, "Han"),
    (0x4E00, 0x9FFF, "Han"),
    (0xAC00, 0xD7AF, "Hangul"),
    (0xF900, 0xFAFF, "Han"),
    (0xFF21, 0xFF5A, "Latin"),
    (0xFF66, 0xFF9F, "Kana"),
    (0x20000, 0x2FA1F, "Han"),
)

#: The scripts a language is written in; a language not listed is taken as Latin-script.
_LANGUAGE_SCRIPTS: dict[str, frozenset[str]] = {
    "zh": frozenset({"Han"}),
    "ja": frozenset({"Han", "Kana"}),
    "ko": frozenset({"Hangul", "Han"}),
    "ru": frozenset({"Cyrillic"}),
    "uk": frozenset({"Cyrillic"}),
    "bg": frozenset({"Cyrillic"}),
    "sr": frozenset({"Cyrillic", "Latin"}),
    "be": frozenset({"Cyrillic"}),
    "mk": frozenset({"Cyrillic"}),
    "kk": frozenset({"Cyrillic"}),
    "mn": frozenset({"Cyrillic"}),
    "el": frozenset({"Greek"}),
    "he": frozenset({"Hebrew"}),
    "yi": frozenset({"Hebrew"}),
    "ar": frozenset({"Arabic"}),
    "fa": frozenset({"Arabic"}),
    "ur": frozenset({"Arabic"}),
    "hi": frozenset({"Devanagari"}),
    "mr": frozenset({"Devanagari"}),
    "ne": frozenset({"Devanagari"}),
    "bn": frozenset({"Bengali"}),
    "th": frozenset({"Thai"}),
    "ka": frozenset({"Georgian"}),
    "hy": frozenset({"Armenian"}),
}
_CJK = frozenset({"Han", "Kana", "Hangul"})


@lru_cache(maxsize=1 << 16)
def script_of(char: str) -> str | None:
    """The script of a letter (coarse, by Unicode block), None for anything not a letter.

    Remembered per character: the answer checks ask about every character of every answer,
    and a text uses few distinct ones."""
    if not unicodedata.category(char).startswith("L"):
        return None
    code = ord(char)
    for low, high, name in _RANGES:
        if low <= code <= high:
            return name
    return "Other"


def _scripts_of(locale: LocaleInfo) -> frozenset[str]:
    if locale.script == "Latn":
        return frozenset({"Latin"})
    if locale.script == "Cyrl":
        return frozenset({"Cyrillic"})
    return _LANGUAGE_SCRIPTS.get(locale.language, frozenset({"Latin"}))


def _family(locale: LocaleInfo) -> str:
    return "cjk" if _scripts_of(locale) & _CJK else "other"


def _free_text(text: str, fmt: DocumentFormat, glossary: Glossary | None) -> str:
    """``text`` without its placeables and do-not-translate terms."""
    pieces, position = [], 0
    for placeable, _term in find_spans(text, fmt, glossary):
        pieces.append(text[position : placeable.start])
        position = max(position, placeable.end)
    pieces.append(text[position:])
    return " ".join(pieces)


def _letter_scripts(text: str) -> list[str]:
    return [script for script in map(script_of, text) if script is not None]


def _echo_key(text: str) -> str:
    """What an echo keeps of the source: its letters and digits. The repair ladder and the
    engines re-space and re-punctuate (``。`` -> ``.``, ``，`` -> ``， ``), so an echo rarely
    comes back byte for byte."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


_WORD = re.compile(r"\w+")


def _borrowed_words(source_text: str, source_scripts: frozenset[str]) -> frozenset[str]:
    """Words of the source not in its own script (``Apache`` in a Chinese sentence): an answer
    carrying them over is not written in the wrong script for that."""
    return frozenset(
        word for word in _WORD.findall(source_text)
        if not any(script_of(c) in source_scripts for c in word)
    )


def _foreign_script(letters: list[str], target_scripts: frozenset[str]) -> str | None:
    """The main script of ``letters`` when none of them is in a script of the target.

    The caller leaves out the words the source borrows (``Apache`` in a Chinese
    sentence), so a Chinese answer carrying the source's Latin product names over
    is still the wrong script for French; any letter of the target's own script
    (``EN:`` before it, a French word) lets the answer pass this check.
    """
    if not letters or any(script in target_scripts for script in letters):
        return None
    return max(set(letters), key=letters.count)


def answer_problems(
    source: str,
    translation: str,
    fmt: DocumentFormat,
    glossary: Glossary | None,
    source_locale: LocaleInfo,
    target_locale: LocaleInfo,
    engine: str,
) -> tuple[str, ...]:
    """Why ``translation`` cannot be kept as the engine's answer for ``source``; empty if it can."""
    if engine in ECHO_EXEMPT_ENGINES or target_locale.is_pseudo:
        return ()
    problems = []
    source_scripts, target_scripts = _scripts_of(source_locale), _scripts_of(target_locale)
    source_free = _free_text(source, fmt, glossary)  # placeable search: once per answer
    source_letters = _letter_scripts(source_free)
    has_own_letters = any(script in source_scripts for script in source_letters)
    if (
        has_own_letters
        and not source_scripts & target_scripts
        and _echo_key(translation) == _echo_key(source)
    ):
        problems.append("echo: the answer repeats the source untranslated")
    elif has_own_letters:
        borrowed = _borrowed_words(source_free, source_scripts)
        answer_text = _WORD.sub(lambda m: " " if m.group() in borrowed else m.group(),
                                _free_text(translation, fmt, glossary))
        found = _foreign_script(_letter_scripts(answer_text), target_scripts)
        if found is not None:
            problems.append(
                f"wrong script: the answer is written in {found}, "
                f"not in the script of {target_locale.bcp47}"
            )
    pair = (_family(source_locale), _family(target_locale))
    limit = LENGTH_RATIO[pair] * len(source) + LENGTH_FLOOR
    if len(translation) > limit:
        problems.append(
            f"length: the answer has {len(translation)} characters for a source of {len(source)}"
        )
    elif len(source) >= SHORT_MIN_SOURCE and len(translation) < SHORT_RATIO[pair] * len(source):
        problems.append(
            f"length: the answer has only {len(translation)} characters for a source of {len(source)}"
        )
    return tuple(problems)
