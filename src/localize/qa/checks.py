"""The checks of one translation against its source sentence.

``check_translation`` compares one source sentence with one translation;
``blocking_problems`` is the part of it that forbids writing a machine translation.

Errors: placeables, citations, markup, keep-terms, mask-residue, unsafe-markup,
failed. Warnings: glossary, forbidden-terms, numbers, whitespace, punctuation.
A check is waived by an entry flag ``ignore-<check>`` or by ``[qa] ignore``.
Stale entries (fuzzy with a previous msgid) are suggestions that are never
published, so they are not checked.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from localize.glossary.matcher import CompiledTerm, accepts, compile_terms, fold, normalize_text
from localize.glossary.terms import Term
from localize.model import DocumentFormat
from localize.protect.placeables import Placeable, find_spans, markup_problems, placeable_key
from localize.protect.tokens import TOKEN_STYLES, mask_residue
from localize.qa.memo import memo, memo_key
from localize.qa.numbers import Number, compare_numbers, numbers_in

if TYPE_CHECKING:

    from localize.glossary import Glossary
    from localize.locales import LocaleInfo

__all__ = ["CHECKS", "ERROR_CHECKS", "WARNING_CHECKS", "blocking_problems", "check_translation"]

ERROR_CHECKS = ("placeables", "citations", "markup", "keep-terms", "mask-residue", "unsafe-markup", "failed")
WARNING_CHECKS = ("glossary", "forbidden-terms", "numbers", "whitespace", "punctuation")
CHECKS = ERROR_CHECKS + WARNING_CHECKS
_CHECK_OF_KIND = {
    "citation": "citations",
    "markup": "markup",
    "url": "placeables",
    "email": "placeables",
    "code": "placeables",
    "variable": "placeables",
}
Result = tuple[str, str, str]  # (severity, check, message)


def _describe(keys: Counter[tuple[str, str]], originals: dict[tuple[str, str], str]) -> str:
    return ", ".join(originals.get(key, key[1]) for key in sorted(keys.elements()))


def _placeable_results(source: list[Placeable], translation: list[Placeable]) -> list[Result]:
    """Placeables compared by kind as multisets: missing, added or altered ones."""
    src_keys = [(_CHECK_OF_KIND.get(p.kind, ""), placeable_key(p)) for p in source]
    out_keys = [(_CHECK_OF_KIND.get(p.kind, ""), placeable_key(p)) for p in translation]
    if sorted(src_keys) == sorted(out_keys):
        return []  # the common case: every placeable came through
    results = []
    pairs = zip(source + translation, src_keys + out_keys, strict=True)
    originals = {key: p.text for p, (_check, key) in pairs}
    for check in ("placeables", "citations", "markup"):
        src = Counter(key for kind, key in src_keys if kind == check)
        out = Counter(key for kind, key in out_keys if kind == check)
        missing, added = src - out, out - src
        parts = []
        if missing:
            parts.append("missing " + _describe(missing, originals))
        if added:
            parts.append("added " + _describe(added, originals))
        if parts:
            results.append(("error", check, "; ".join(parts)))
    return results


@lru_cache(maxsize=4096)
def _compiled_rendering(
    rendering: str, case_sensitive: bool, inflected: bool
) -> CompiledTerm | None:
    """One rendering compiled as a glossary term; cached, as QA runs per segment in site builds."""
    compiled = compile_terms([Term(rendering, case_sensitive=case_sensitive)])
    if not compiled:
        return None
    return dataclasses.replace(compiled[0], need_right=False) if inflected else compiled[0]


def _occurrences(
    rendering: str, text: tuple[str, str], case_sensitive: bool, inflected: bool = False
) -> int:
    """How often ``rendering`` occurs in ``text`` (normalised, folded) as the matcher finds it.

    Whole words for spaced scripts, so "AI" is not found in "Mail" nor "Go" in "Google".
    ``inflected`` also accepts a word ending ("open models" uses "open model"): for
    glossary targets, which a translation may inflect, never for kept terms.
    """
    entry = _compiled_rendering(rendering, case_sensitive, inflected)
    if entry is None:
        return 0
    norm, folded = text
    count, pos = 0, folded.find(entry.key)
    while pos >= 0:
        if accepts(norm, pos, pos + len(entry.key), entry):
            count += 1
        pos = folded.find(entry.key, pos + 1)
    return count


def _forbidden_used(
    wanted: Iterable[str], forbidden: Iterable[str], text: tuple[str, str], case_sensitive: bool
) -> list[str]:
    """Forbidden renderings used, longest match first: ``檔`` inside an approved ``檔案`` is not."""
    norm, folded = text
    spans: list[tuple[int, int, bool, str]] = []  # (-length, start, forbidden, rendering)
    for bad, renderings in ((False, wanted), (True, forbidden)):
        for rendering in renderings:
            entry = _compiled_rendering(rendering, case_sensitive, not bad)
            pos = folded.find(entry.key) if entry is not None else -1
            while entry is not None and pos >= 0:
                if accepts(norm, pos, pos + len(entry.key), entry):
                    spans.append((-len(entry.key), pos, bad, rendering))
                pos = folded.find(entry.key, pos + 1)
    taken, used = bytearray(len(norm)), []
    for negative, pos, bad, rendering in sorted(spans):
        if not any(taken[pos : pos - negative]):
            taken[pos : pos - negative] = b"\x01" * -negative
            if bad and rendering not in used:
                used.append(rendering)
    return used


def _term_results(
    source_terms: Iterable[Term], translation: str, target: LocaleInfo
) -> list[Result]:
    """Kept terms must stay; approved targets should be used; forbidden renderings not."""
    results: list[Result] = []
    counts: Counter[Term] = Counter(source_terms)
    if not counts:
        return results
    norm = normalize_text(translation).norm
    normalised = (norm, fold(norm))
    for term, count in counts.items():
        sensitive = term.case_sensitive
        if term.keep:
            if _occurrences(term.source, normalised, sensitive) < count:
                results.append(("error", "keep-terms", f"do-not-translate term {term.source!r} missing"))
            continue
        wanted = term.targets_for(target)  # equally valid renderings: any of them will do
        used = sum(_occurrences(w, normalised, sensitive, inflected=True) for w in wanted)
        if wanted and used < count:
            named = " or ".join(repr(w) for w in wanted)
            results.append(
                ("warning", "glossary", f"glossary target {named} for {term.source!r} not used")
            )
        for forbidden in _forbidden_used(wanted, term.forbidden_for(target), normalised, sensitive):
            results.append(
                ("warning", "forbidden-terms", f"forbidden rendering {forbidden!r} of {term.source!r}")
            )
    return results


# -- numbers -----------------------------------------------------------------------------------------
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@lru_cache(maxsize=1024)
def _rendering_pattern(rendering: str) -> re.Pattern[str]:
    return re.compile(re.escape(rendering), re.IGNORECASE)


def _numbers(
    text: str, placeables: list[Placeable], terms: Iterable[str] = (), language: str | None = None
) -> list[Number]:
    """Numbers outside placeables, terms and tokens (see qa_numbers for how they are read)."""
    blanked = list(text)
    for placeable in placeables:
        blanked[placeable.start : placeable.end] = " " * (placeable.end - placeable.start)
    plain = "".join(blanked)
    for rendering in terms:
        plain = _rendering_pattern(rendering).sub(" ", plain)
    for style in TOKEN_STYLES:
        plain = style.blank(plain)
    plain = _BIDI_CONTROLS.sub("", plain)  # invisible: "40 \u202e億" is still 40 億
    return numbers_in(unicodedata.normalize("NFKC", plain), language)


_DIGIT = re.compile(r"\d")


def digit_free(text: str) -> bool:
    """True when ``text`` has no digit, even after NFKC (``①``, ``²``): then ``_numbers``
    finds no number that must have a counterpart (NFKC maps each character on its own,
    and no digit composes with a mark, so blanking parts of the text adds no digit)."""
    if _DIGIT.search(text):
        return False
    return unicodedata.is_normalized("NFKC", text) or not _DIGIT.search(unicodedata.normalize("NFKC", text))


def _number_results(
    source_numbers: list[Number],
    translation: str,
    out_p: list[Placeable],
    renderings: set[str],
    target: LocaleInfo,
) -> list[Result]:
    """Numbers compared as values; term spans (and their renderings) and placeables left out."""
    language: str | None = target.language
    if target.is_pseudo:  # pseudo text is the source re-spelt: "10 ɱîļļîöñ" is 10 million
        from localize.engines.pseudo import unaccent

        translation, language = unaccent(translation), None
    if digit_free(translation) and not any(number.required for number in source_numbers):
        return []  # only digit numbers are ever reported, and neither side has one
    ordered = sorted(renderings, key=len, reverse=True)
    missing, added = compare_numbers(source_numbers, _numbers(translation, out_p, ordered, language))
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing))
    if added:
        parts.append("added " + ", ".join(added))
    return [("warning", "numbers", "numbers differ: " + "; ".join(parts))] if parts else []


# -- whitespace and punctuation -------------------------------------------------------------------------
_FINAL = {"。": ".", "｡": ".", "．": ".", "！": "!", "？": "?", "：": ":", "；": ";", "⋯": "…"}
_CLOSERS = "\"'”’“‘»«›‹」』）)]］》〉"  # German closes with “ ‘ (or « ‹), French with » ›


def _final_mark(text: str, placeables: list[Placeable]) -> str:
    """The class of a sentence's final punctuation, ignoring trailing markup, citations, quotes."""
    kept = list(text)
    for placeable in placeables:
        if placeable.kind in ("markup", "citation"):
            kept[placeable.start : placeable.end] = [""] * (placeable.end - placeable.start)
    stripped = "".join(kept).rstrip()
    while stripped and stripped[-1] in _CLOSERS:
        stripped = stripped[:-1].rstrip()
    if stripped.endswith("..."):
        return "…"
    last = stripped[-1:] if stripped else ""
    last = _FINAL.get(last, last)
    return last if last in ".!?:;…" else ""


def _pseudo_inner(
    translation: str, out_p: list[Placeable], fmt: DocumentFormat, target: LocaleInfo
) -> tuple[str, list[Placeable]]:
    """For a pseudo-locale, the text inside the pseudo brackets and padding (its end is the sentence's)."""
    if not target.is_pseudo:
        return translation, out_p
    from localize.engines.pseudo import pseudo_inner

    inner = pseudo_inner(translation)
    if inner is None:
        return translation, out_p
    return inner, [p for p, _ in find_spans(inner, fmt, None)]


def _layout_results(
    source: str,
    src_mark: str,
    translation: str,
    out_p: list[Placeable],
    fmt: DocumentFormat,
    target: LocaleInfo,
) -> list[Result]:
    results: list[Result] = []
    for side, src_space, out_space in (
        ("leading", source[:1].isspace(), translation[:1].isspace()),
        ("trailing", source[-1:].isspace(), translation[-1:].isspace()),
    ):
        if src_space != out_space:
            which = "has" if src_space else "has no"
            results.append(("warning", "whitespace", f"source {which} {side} whitespace, translation differs"))
    out_mark = _final_mark(*_pseudo_inner(translation, out_p, fmt, target))
    if src_mark != out_mark:
        results.append(
            (
                "warning",
                "punctuation",
                f"final punctuation differs: source {src_mark or 'none'!r}, translation {out_mark or 'none'!r}",
            )
        )
    return results


# -- one translation ----------------------------------------------------------------------------------
def check_translation(
    source: str,
    translation: str,
    fmt: DocumentFormat,
    target: LocaleInfo,
    glossary: Glossary | None,
    flags: Iterable[str] = frozenset(),
    ignore: Iterable[str] = frozenset(),
) -> list[Result]:
    """Every (severity, check, message) for one translation; waived checks left out."""
    waived = waived_checks(flags, ignore)
    key = memo_key(source, translation, fmt, target, glossary)
    results = memo.get(key)
    if results is None:
        results = tuple(_all_results(source, translation, fmt, target, glossary))
        memo.put(key, results)
    return [result for result in results if result[1] not in waived]


def waived_checks(flags: Iterable[str], ignore: Iterable[str]) -> set[str]:
    """The checks ``check_translation`` leaves out: ``ignore`` and the entry's ``ignore-*`` flags."""
    return set(ignore) | {flag[len("ignore-") :] for flag in flags if flag.startswith("ignore-")}


@dataclasses.dataclass(frozen=True)
class _Source:
    """What QA needs of a source sentence whatever its translation, found once per sentence."""

    placeables: list[Placeable]  # placeables but terms
    terms: list[Term]  # the glossary term of each term span
    numbers: list[Number]  # outside every span
    final_mark: str


@lru_cache(maxsize=4096)
def _source(source: str, fmt: DocumentFormat, glossary: Glossary | None) -> _Source:
    """A source sentence's side of QA: masking's verifier asks about it once per attempt, check
    and build once per locale. (Keyed by the glossary object, which never changes.)"""
    source_spans = find_spans(source, fmt, glossary, include_term=lambda term: True)
    placeables = [p for p, term in source_spans if term is None]
    return _Source(
        placeables,
        [term for _, term in source_spans if term is not None],
        _numbers(source, [p for p, _ in source_spans]),
        _final_mark(source, placeables),
    )


def _all_results(
    source: str, translation: str, fmt: DocumentFormat, target: LocaleInfo, glossary: Glossary | None
) -> list[Result]:
    """What ``check_translation`` finds before waivers: a pure function of its arguments."""
    facts = _source(source, fmt, glossary)
    out_p = [p for p, _ in find_spans(translation, fmt, None)]
    results = _placeable_results(facts.placeables, out_p)
    results += _term_results(facts.terms, translation, target)
    results += [("error", "mask-residue", problem) for problem in mask_residue(source, translation)]
    unsafe = markup_problems(source, translation, fmt)
    if unsafe:
        results.append(("error", "unsafe-markup", "; ".join(unsafe)))
    renderings = {r for term in facts.terms for r in (term.source, *term.targets_for(target)) if r}
    results += _number_results(facts.numbers, translation, out_p, renderings, target)
    results += _layout_results(source, facts.final_mark, translation, out_p, fmt, target)
    return results


# -- the project ----------------------------------------------------------------------------------------


def blocking_problems(
    source: str,
    translation: str,
    fmt: DocumentFormat,
    glossary: Glossary | None,
    target: LocaleInfo,
) -> tuple[str, ...]:
    """Problems that forbid writing ``translation``; empty means it is safe to write.

    Every QA error check plus the glossary check (a target term the translation lacks):
    what masking's repair ladder verifies each restored translation against.
    """
    findings = check_translation(source, translation, fmt, target, glossary)
    return tuple(
        message
        for severity, check, message in findings
        if severity == "error" or check == "glossary"
    )
