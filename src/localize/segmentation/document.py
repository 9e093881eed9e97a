"""Sentence segmentation: blocks in, one Segment per sentence out.

The rules live beside this module (language data, markup masking, boundary
rules); this is the face the catalog and site stages call, through the package.
"""

from __future__ import annotations

from collections.abc import Sequence

from localize.locales import LocaleInfo
from localize.model import Document, Segment, segment_id
from localize.segmentation.boundaries import split_text
from localize.segmentation.languages import rules_for


def split_sentences(text: str, language: str) -> list[str]:
    """The sentences of ``text`` in ``language`` ("zh", "en"...), stripped, never empty.

    Inline markup (code, links, HTML elements, emphasis), URLs and e-mail addresses
    are never split, and citation markers stay with the sentence they follow.
    """
    if not text or text.isspace():
        return []
    return split_text(text, rules_for(language))


def segment_document(document: Document, locale: LocaleInfo) -> tuple[Segment, ...]:
    """Every block of ``document`` split into sentences, in document order."""
    segments: list[Segment] = []
    for block in document.blocks:
        for position, sentence in enumerate(split_sentences(block.text, locale.language)):
            segments.append(
                Segment(
                    id=segment_id(block.kind, sentence),
                    block=block.index,
                    kind=block.kind,
                    line=block.line,
                    text=sentence,
                    position=position,
                )
            )
    return tuple(segments)


def join_sentences(
    sentences: Sequence[str], locale: LocaleInfo, gaps: Sequence[str] | None = None
) -> str:
    """One block again from its (translated) sentences: no separator for zh/ja, a space otherwise.

    ``gaps`` (from :func:`sentence_gaps`) are the source's own separators, used instead when
    the source is written with the same spacing as ``locale``: "为什么? 因为" keeps its space.
    """
    separator = " " if locale.uses_spaces else ""
    pieces = [s.strip() for s in sentences]
    result = ""
    for number, piece in enumerate(pieces):
        if not piece:
            continue
        if result:
            gap = gaps[number - 1] if gaps is not None and number - 1 < len(gaps) else separator
            result += gap
        result += piece
    return result


def sentence_gaps(text: str, sentences: Sequence[str]) -> list[str] | None:
    """What separates consecutive ``sentences`` in ``text`` (white space as one space), or None
    when they are not found in order (the block changed)."""
    gaps: list[str] = []
    position = 0
    for number, sentence in enumerate(sentences):
        start = text.find(sentence, position)
        if start < 0:
            return None
        if number:
            gaps.append(" " if text[position:start].strip() == "" and text[position:start] else "")
        position = start + len(sentence)
    return gaps
