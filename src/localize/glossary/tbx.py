"""TBX glossaries: TBX 2008 (``martif``) and TBX 2019 (``tbx``), Basic and Core.

Element names are compared by local name, so the 2019 namespace
(urn:iso:std:iso:30042:ed-2) and DCT-style module prefixes are all accepted.

Per concept entry: the language sections whose ``xml:lang`` matches the project
source (language + script) give the source terms; every other section gives
that locale's target (a ``preferredTerm`` first, else the first term not
deprecated). A term whose administrative status is ``deprecatedTerm-admn-sts``
or ``supersededTerm-admn-sts`` is a forbidden rendering instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

from lxml import etree

from localize.errors import InputError, LocaleError
from localize.glossary.terms import TermRecord, is_source_locale
from localize.glossary.xmlsafe import parse_xml_file
from localize.locales import LocaleInfo, parse_locale

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ROOTS = {"martif", "tbx"}
_ENTRIES = {"termEntry", "conceptEntry"}
_LANG_SECTIONS = {"langSet", "langSec"}
_TERM_HOLDERS = {"tig", "ntig", "termSec"}
_STATUS_NAMES = {"administrativeStatus", "normativeAuthorization"}
_FORBIDDEN = {
    "deprecatedterm-admn-sts",
    "supersededterm-admn-sts",
    "deprecatedterm",
    "supersededterm",
}
_PREFERRED = {"preferredterm-admn-sts", "preferredterm"}
_NOTE_TYPES = {"definition"}


def _local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _children(element: etree._Element, names: set[str]) -> Iterator[etree._Element]:
    return (child for child in element if _local(child) in names)


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def read_tbx(path: Path, source: LocaleInfo, name: str) -> list[TermRecord]:
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
            records.extend(_entry_records(entry, source, name))
    return records


def _entry_records(entry: etree._Element, source: LocaleInfo, name: str) -> list[TermRecord]:
    sources: list[str] = []
    targets: dict[str, str] = {}
    forbidden: dict[str, list[str]] = {}
    for section in _children(entry, _LANG_SECTIONS):
        info = _section_locale(section, name)
        approved, deprecated = _section_terms(section, name)
        if is_source_locale(info, source):
            sources.extend(t for t in approved if t not in sources)
            continue
        if approved and info.posix not in targets:
            targets[info.posix] = approved[0]
        if deprecated:
            forbidden.setdefault(info.posix, []).extend(deprecated)
    note = _entry_note(entry)
    line = entry.sourceline or 0
    frozen_forbidden = MappingProxyType({k: tuple(dict.fromkeys(v)) for k, v in forbidden.items()})
    return [
        TermRecord(
            source=term,
            targets=MappingProxyType(dict(targets)),
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


def _section_terms(section: etree._Element, name: str) -> tuple[list[str], list[str]]:
    """(approved terms with preferred ones first, deprecated terms) of one language section."""
    preferred: list[str] = []
    admitted: list[str] = []
    deprecated: list[str] = []
    for holder in _children(section, _TERM_HOLDERS):
        term_element = next((e for e in holder.iter() if _local(e) == "term"), None)
        if term_element is None:
            raise InputError(f"<{_local(holder)}> without <term>", name, holder.sourceline)
        term = _text(term_element)
        if not term:
            raise InputError("empty <term>", name, term_element.sourceline)
        status = _status(holder)
        if status in _FORBIDDEN:
            deprecated.append(term)
        elif status in _PREFERRED:
            preferred.append(term)
        else:
            admitted.append(term)
    return preferred + admitted, deprecated


def _status(holder: etree._Element) -> str:
    """The administrative status of a term: termNote type=... (DCA) or an element (DCT)."""
    for element in holder.iter():
        local = _local(element)
        if local == "termNote" and element.get("type") in _STATUS_NAMES or local in _STATUS_NAMES:
            return _text(element).lower()
    return ""


def _entry_note(entry: etree._Element) -> str:
    for element in entry.iter():
        local = _local(element)
        if (local == "descrip" and element.get("type") in _NOTE_TYPES) or local in _NOTE_TYPES:
            return _text(element)
    return ""
