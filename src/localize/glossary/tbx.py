"""TBX glossaries: TBX 2008 (``martif``) and TBX 2019 (``tbx``), Basic and Core.

Element names are compared by local name, so the 2019 namespace
(urn:iso:std:iso:30042:ed-2) and DCT-style module prefixes are all accepted.

Per concept entry: the language sections whose ``xml:lang`` matches the project
source (language + script) give the source terms; every other section gives
that locale's accepted renderings, best first. The status of a term is read
from ``administrativeStatus``, ``normativeAuthorization`` or ``usageStatus``
(as a ``termNote type=...`` or a DCT element): preferred before unmarked
before admitted; deprecated, superseded, obsolete and not-recommended terms are
forbidden renderings (QA's ``forbidden-terms``), never targets. A term element
with no text (Weblate exports untranslated terms so) is skipped with a warning;
an entry left without a source term is skipped with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

from lxml import etree

from localize.errors import InputError, LocaleError
from localize.glossary.terms import TermRecord, Warn, is_source_locale
from localize.glossary.xmlsafe import parse_xml_file
from localize.locales import LocaleInfo, parse_locale

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ROOTS = {"martif", "tbx"}
_ENTRIES = {"termEntry", "conceptEntry"}
_LANG_SECTIONS = {"langSet", "langSec"}
_TERM_HOLDERS = {"tig", "ntig", "termSec"}
_STATUS_NAMES = {"administrativeStatus", "normativeAuthorization", "usageStatus"}
_FORBIDDEN = {"deprecated", "superseded", "obsolete", "notrecommended", "forbidden"}
_RANK = {"preferred": 0, "admitted": 2}  # anything else (unmarked, standardized...) is 1
_NOTE_TYPES = {"definition"}
_NOTE_ELEMENTS = {"definition", "note"}


def _local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _children(element: etree._Element, names: set[str]) -> Iterator[etree._Element]:
    return (child for child in element if _local(child) in names)


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def read_tbx(path: Path, source: LocaleInfo, name: str, warn: Warn) -> list[TermRecord]:
    """Records of one TBX file; InputError(name, line) for anything malformed."""
    root = parse_xml_file(path, name).getroot()
    if _local(root) not in _ROOTS:
        raise InputError(
            f"not a TBX document: root element <{_local(root)}> (expected martif or tbx)",
            name,
            root.sourceline,
        )
    records: list[TermRecord] = []
    for entry in root.iter():
        if _local(entry) in _ENTRIES:
            records.extend(_entry_records(entry, source, name, warn))
    return records


def _entry_records(
    entry: etree._Element, source: LocaleInfo, name: str, warn: Warn
) -> list[TermRecord]:
    sources: list[str] = []
    source_section = False
    targets: dict[str, list[str]] = {}
    forbidden: dict[str, list[str]] = {}
    for section in _children(entry, _LANG_SECTIONS):
        info = _section_locale(section, name)
        approved, deprecated, empty = _section_terms(section)
        if is_source_locale(info, source):
            source_section = True
            sources.extend(t for t in approved if t not in sources)
            continue
        for line, what in empty:
            warn(name, line, f"{what} for {info.bcp47} skipped (no rendering there)")
        if approved:
            targets.setdefault(info.posix, []).extend(approved)
        if deprecated:
            forbidden.setdefault(info.posix, []).extend(deprecated)
    note = _entry_note(entry)
    line = entry.sourceline or 0
    if not sources:  # an entry of other languages only is simply not for this project
        if source_section:
            warn(name, line, f"entry without a usable {source.bcp47} term skipped")
        return []
    frozen_forbidden = MappingProxyType({k: tuple(dict.fromkeys(v)) for k, v in forbidden.items()})
    frozen_targets = MappingProxyType({k: tuple(dict.fromkeys(v)) for k, v in targets.items()})
    return [
        TermRecord(
            source=term,
            targets=frozen_targets,
            forbidden=frozen_forbidden,
            translate=None,
            case_sensitive=False,
            note=note,
            file=name,
            line=line,
        )
        for term in sources
    ]


def _section_locale(section: etree._Element, name: str) -> LocaleInfo:
    tag = section.get(XML_LANG) or section.get("lang")
    if not tag:
        raise InputError(f"<{_local(section)}> without xml:lang", name, section.sourceline)
    try:
        return parse_locale(tag)
    except LocaleError as exc:
        raise InputError(
            f"unknown xml:lang {tag!r}: {exc.message}", name, section.sourceline
        ) from exc


def _section_terms(
    section: etree._Element,
) -> tuple[list[str], list[str], list[tuple[int | None, str]]]:
    """(accepted terms, best first; forbidden terms; (line, what) of unusable terms)."""
    ranked: list[tuple[int, str]] = []
    forbidden: list[str] = []
    empty: list[tuple[int | None, str]] = []
    for holder in _children(section, _TERM_HOLDERS):
        term_element = next((e for e in holder.iter() if _local(e) == "term"), None)
        if term_element is None:
            empty.append((holder.sourceline, f"<{_local(holder)}> without <term>"))
            continue
        term = _text(term_element)
        if not term:
            empty.append((term_element.sourceline, "empty <term>"))
            continue
        status = _status(holder)
        if status in _FORBIDDEN:
            forbidden.append(term)
        else:
            ranked.append((_RANK.get(status, 1), term))
    ranked.sort(key=lambda pair: pair[0])  # stable: document order within a rank
    return [term for _rank, term in ranked], forbidden, empty


def _status(holder: etree._Element) -> str:
    """A term's status, normalised: ``deprecatedTerm-admn-sts`` -> ``deprecated``.

    Read from termNote type=... (DCA) or an element (DCT); empty when none is given.
    """
    for element in holder.iter():
        local = _local(element)
        if local == "termNote" and element.get("type") in _STATUS_NAMES or local in _STATUS_NAMES:
            value = _text(element).lower().replace(" ", "").replace("_", "").replace("-", "")
            for suffix in ("admnsts", "usgsts", "term"):
                value = value.removesuffix(suffix)
            return value
    return ""


def _entry_note(entry: etree._Element) -> str:
    for element in entry.iter():
        local = _local(element)
        if (local == "descrip" and element.get("type") in _NOTE_TYPES) or local in _NOTE_ELEMENTS:
            return _text(element)
    return ""
