"""Token estimates for a dry run, from characters (SPEC section 7: a documented ratio per script).

Ratios measured on common BPE tokenizers (OpenAI o200k, Llama 3, Gemma) over
news prose, rounded: English and other Latin-script text about 4 characters per
token; Cyrillic, Greek, Arabic, Hebrew about 2.5; Han, Kana and Hangul about
1 token per character (often a little less); anything else 2 characters per
token. Spaces and punctuation count with the text they sit in. An estimate,
not a bill: the real run reports the server's own ``usage``.
"""

from __future__ import annotations

import unicodedata

from localize.locales import LocaleInfo

CHARS_PER_TOKEN = {
    "Latin": 4.0,
    "Cyrillic": 2.5,
    "Greek": 2.5,
    "Arabic": 2.5,
    "Hebrew": 2.5,
    "Han": 1.0,
    "Kana": 1.0,
    "Hangul": 1.0,
}
OTHER_CHARS_PER_TOKEN = 2.0
NON_LETTER_CHARS_PER_TOKEN = 4.0


_BLOCKS = (
    (0x0250, "Latin"),
    (0x0370, "Other"),
    (0x0400, "Greek"),
    (0x0530, "Cyrillic"),
    (0x0590, "Other"),
    (0x0600, "Hebrew"),
    (0x0780, "Arabic"),
    (0x1100, "Other"),
    (0x1200, "Hangul"),
    (0x1E00, "Other"),
    (0x1F00, "Latin"),
    (0x3040, "Other"),
    (0x3100, "Kana"),
    (0x3400, "Other"),
    (0xA000, "Han"),
    (0xAC00, "Other"),
    (0xD7B0, "Hangul"),
    (0xF900, "Other"),
    (0xFB00, "Han"),
    (0xFF00, "Other"),
    (0xFFF0, "Latin"),  # full-width forms
    (0x20000, "Other"),
    (0x2FA20, "Han"),
)


def script_of(char: str) -> str | None:
    """A letter's script by Unicode block (coarse: enough for a token estimate)."""
    if not unicodedata.category(char).startswith("L"):
        return None
    code = ord(char)
    for end, name in _BLOCKS:
        if code < end:
            return name
    return "Other"


def estimate_tokens(text: str) -> int:
    """About how many tokens ``text`` costs (at least 1 for non-empty text)."""
    total = 0.0
    for char in text:
        script = script_of(char)
        if script is None:
            total += 1 / NON_LETTER_CHARS_PER_TOKEN
        else:
            total += 1 / CHARS_PER_TOKEN.get(script, OTHER_CHARS_PER_TOKEN)
    return max(1, round(total)) if text else 0


_LANGUAGE_SCRIPT = {"zh": "Han", "ja": "Kana", "ko": "Hangul", "ru": "Cyrillic", "uk": "Cyrillic",
                    "bg": "Cyrillic", "el": "Greek", "ar": "Arabic", "fa": "Arabic", "he": "Hebrew"}


def tokens_per_char(locale: LocaleInfo) -> float:
    """Tokens per character of text in ``locale``'s script (for estimates from a character count)."""
    script = _LANGUAGE_SCRIPT.get(locale.language, "Latin")
    return 1 / CHARS_PER_TOKEN[script]
