"""Decoding and whitespace rules shared by the Markdown and HTML readers.

Every source file goes through :func:`read_source_text` first, so both
formats reject the same bad input (missing, NUL bytes, not UTF-8, no text)
with the same file-and-line messages.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from localize.errors import InputError

_BOM = "\ufeff"
_LINE_BREAKS = re.compile(r"\r\n?")
_HARD_BREAK = re.compile(r"( {2,}|\\)$")
_MARKUP_EDGES = "*_~`[]!<>"  # emphasis, code and link delimiters around a wrapped word
_SPACES = re.compile(r"[ \t\n\r\f]+")


def line_of_offset(data: bytes | str, offset: int) -> int:
    """1-based line number of a byte or character offset."""
    newline = b"\n" if isinstance(data, bytes) else "\n"
    return data[:offset].count(newline) + 1  # type: ignore[arg-type]


def read_source_bytes(path: Path, origin: str) -> bytes:
    """The file's bytes, or an InputError naming it when it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", origin) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", origin) from None
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror}", origin) from None


def decode_source(data: bytes, origin: str) -> str:
    """UTF-8 text with newlines normalised to ``\\n``; rejects NUL bytes, bad UTF-8, no text.

    Line numbers stay those of the file: ``\\r\\n`` and ``\\r`` both count as one line end.
    """
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError("file contains NUL bytes (binary or UTF-16?)", origin, line_of_offset(data, nul))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})",
            origin,
            line_of_offset(data, error.start),
        ) from None
    text = _LINE_BREAKS.sub("\n", text.removeprefix(_BOM))
    if not text.strip():
        raise InputError("file is empty (no text to translate)", origin)
    return text


def read_source_text(path: Path, origin: str) -> str:
    """Read and decode one source file (see :func:`decode_source`)."""
    return decode_source(read_source_bytes(path, origin), origin)


def is_wide(char: str) -> bool:
    """True for CJK ideographs, kana and full-width forms: scripts written without spaces.

    Hangul is wide but Korean separates words with spaces, so it is not counted.
    """
    if not char:
        return False
    code = ord(char)
    if 0x1100 <= code <= 0x11FF or 0xAC00 <= code <= 0xD7AF or 0x3130 <= code <= 0x318F:
        return False
    return unicodedata.east_asian_width(char) in ("W", "F")


def join_wrapped(left: str, right: str) -> str:
    """Join two wrapped lines as a browser shows them: no space between two CJK characters."""
    if not left:
        return right
    if not right:
        return left
    left_char = left.rstrip(_MARKUP_EDGES)[-1:] or left[-1]
    right_char = right.lstrip(_MARKUP_EDGES)[:1] or right[0]
    separator = "" if is_wide(left_char) and is_wide(right_char) else " "
    return left + separator + right


def join_source_lines(source: str) -> str:
    """Markdown inline source with soft line breaks joined (hard breaks kept as ``\\`` + newline).

    Msgids then read as one line, the way the paragraph is displayed.
    """
    lines = [line.strip(" \t") for line in source.split("\n")] if "\n" in source else [source.strip()]
    raw_lines = source.split("\n")
    result = ""
    for number, line in enumerate(lines):
        if number == 0:
            result = line
            continue
        previous_raw = raw_lines[number - 1].rstrip("\n")
        if _HARD_BREAK.search(previous_raw) and result:
            result = result.rstrip(" \\") + "\\\n" + line
        else:
            result = join_wrapped(result, line)
    return result.strip()


def collapse_whitespace(text: str) -> str:
    """Runs of HTML whitespace as one space (none across a line break between CJK characters)."""
    pieces = _SPACES.split(text)
    if len(pieces) == 1:
        return text
    result = pieces[0]
    for match, piece in zip(_SPACES.finditer(text), pieces[1:], strict=True):
        if "\n" in match.group() and result and piece and is_wide(result[-1]) and is_wide(piece[0]):
            result += piece
        else:
            result += " " + piece
    return result
