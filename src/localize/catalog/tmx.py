"""``localize tm export`` / ``tm import``: translation memory as TMX 1.4b (lxml).

Export writes one ``<tu>`` per distinct source sentence with a ``<tuv>`` for the
source and for each locale that has a reviewed translation (reviewed entries
only by default: a TMX file is what a team trusts; ``include_machine=True`` adds
machine translations, marked ``<prop type="x-localize-state">machine</prop>``).

Import parses untrusted XML with ``localize.glossary.xmlsafe`` (no network, no
DTD, entity declarations rejected) and keeps the pairs for the project's target
locales in ``.localize/tm/<posix>.json``, where the translation memory reads
them as reviewed matches. A TMX language matches a project locale when the
Babel-normalised codes are equal, or, failing that, when the language is the
same and only one project locale has it (``ja-JP`` -> ``ja``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from localize import __version__
from localize.catalog.pofile import load_po
from localize.catalog.state import entry_state
from localize.catalog.tm import imported_pairs_path, load_imported_pairs, locale_catalogs
from localize.errors import InputError, LocaleError
from localize.fileio import atomic_write_bytes, write_if_changed
from localize.locales import LocaleInfo, parse_locale
from localize.project import Project

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STATE_PROP = "x-localize-state"


def export_tmx(
    project: Project,
    path: Path,
    locales: Sequence[LocaleInfo] | None = None,
    include_machine: bool = False,
) -> int:
    """Write the project's memory to ``path``; returns the number of translation units."""
    chosen = list(locales) if locales else [
        loc for loc in project.settings.target_locales if not loc.is_pseudo
    ]
    units: dict[str, dict[str, tuple[str, str]]] = {}
    for locale in chosen:
        for po_path in locale_catalogs(project, locale).values():
            for entry in load_po(po_path):
                state = entry_state(entry)
                if state == "reviewed" or (include_machine and state == "machine" and not entry.obsolete):
                    unit = units.setdefault(entry.msgid, {})
                    current = unit.get(locale.bcp47)
                    if current is None or (state == "reviewed" and current[1] != "reviewed"):
                        unit[locale.bcp47] = (entry.msgstr, state)
    atomic_write_bytes(Path(path), _tmx_bytes(project.settings.source_locale, units))
    return len(units)


def _tmx_bytes(source: LocaleInfo, units: dict[str, dict[str, tuple[str, str]]]) -> bytes:
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(
        root,
        "header",
        creationtool="localize",
        creationtoolversion=__version__,
        datatype="plaintext",
        segtype="sentence",
        adminlang="en",
        srclang=source.bcp47,
        **{"o-tmf": "PO"},
    )
    body = etree.SubElement(root, "body")
    for text in sorted(units):
        tu = etree.SubElement(body, "tu")
        _tuv(tu, source.bcp47, text, None)
        for lang in sorted(units[text]):
            translation, state = units[text][lang]
            _tuv(tu, lang, translation, state if state != "reviewed" else None)
    return etree.tostring(
        root,
        xml_declaration=True,
        encoding="UTF-8",
        pretty_print=True,
        doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">',
    )


def _tuv(tu: etree._Element, lang: str, text: str, state: str | None) -> None:
    tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
    if state:
        etree.SubElement(tuv, "prop", type=STATE_PROP).text = state
    etree.SubElement(tuv, "seg").text = text


def import_tmx(project: Project, path: Path) -> int:
    """Read pairs for the project's target locales from a TMX file; returns pairs imported.

    The whole file is parsed and checked before anything is stored.
    """
    from localize.glossary.xmlsafe import parse_xml_file

    path = Path(path)
    origin = str(path)
    tree = parse_xml_file(path, origin)
    root = tree.getroot()
    if root.tag != "tmx":
        raise InputError(f"not a TMX document (root element <{root.tag}>)", origin, root.sourceline)
    header = root.find("header")
    default_src = header.get("srclang") if header is not None else None
    body = root.find("body")
    if body is None:
        raise InputError("TMX document without <body>", origin, root.sourceline)
    resolver = _LocaleResolver(project, origin)
    pairs: dict[str, dict[str, str]] = {}
    for tu in body.iter("tu"):
        source_code = tu.get("srclang") or default_src
        segs = _tu_segments(tu, origin)
        source_lang = _source_lang(source_code, segs, resolver, project, tu.sourceline)
        source_text = segs.get(source_lang)
        if not source_text:
            continue
        for lang, text in segs.items():
            locale = resolver.target(lang)
            if locale is not None and lang != source_lang and text:
                pairs.setdefault(locale.posix, {})[source_text] = text
    return _store_pairs(project, pairs, f"tmx:{path.name}")


def _tu_segments(tu: etree._Element, origin: str) -> dict[str, str]:
    segs: dict[str, str] = {}
    for tuv in tu.findall("tuv"):
        lang = tuv.get(XML_LANG) or tuv.get("lang")
        seg = tuv.find("seg")
        if not lang or seg is None:
            raise InputError("<tuv> needs xml:lang and a <seg>", origin, tuv.sourceline)
        segs.setdefault(lang, _seg_text(seg).strip())
    return segs


def _seg_text(seg: etree._Element) -> str:
    """The segment's text with inline codes (<bpt>, <ept>, <ph>, <it>) as their native markup."""
    return "".join(seg.itertext())


def _source_lang(
    code: str | None, segs: dict[str, str], resolver: _LocaleResolver, project: Project, line: int | None
) -> str:
    """The xml:lang of the tuv in the project's source language ("" when the unit has none).

    A TMX ``srclang`` is only the direction the file was made in: a unit made ja -> en
    holding an English tuv is an en -> ja pair for a project whose source is English.
    """
    if not code:
        raise InputError("no srclang on <header> or <tu>", resolver.origin, line)
    if code in segs and resolver.is_source(code):
        return code
    exact = next((lang for lang in segs if resolver.is_source(lang)), "")
    return exact or next((lang for lang in segs if resolver.is_source(lang, loose=True)), "")


class _LocaleResolver:
    """Maps TMX language codes to the project's locales, once per code."""

    def __init__(self, project: Project, origin: str):
        self.origin = origin
        self.source = project.settings.source_locale
        self.targets = [loc for loc in project.settings.target_locales if not loc.is_pseudo]
        self._cache: dict[str, LocaleInfo | None] = {}

    def _parse(self, code: str) -> LocaleInfo | None:
        if code not in self._cache:
            try:
                self._cache[code] = parse_locale(code)
            except LocaleError:
                self._cache[code] = None
        return self._cache[code]

    def same(self, a: str, b: str) -> bool:
        first, second = self._parse(a), self._parse(b)
        return first is not None and second is not None and first.posix == second.posix

    def is_source(self, code: str, loose: bool = False) -> bool:
        """Same locale; ``loose``: same language and script (``en-US`` for a project in ``en``)."""
        parsed = self._parse(code)
        if parsed is None:
            return False
        if loose:
            return (parsed.language, parsed.script) == (self.source.language, self.source.script)
        return parsed.posix == self.source.posix

    def target(self, code: str) -> LocaleInfo | None:
        parsed = self._parse(code)
        if parsed is None:
            return None
        for locale in self.targets:
            if locale.posix == parsed.posix:
                return locale
        same_language = [
            loc
            for loc in self.targets
            if loc.language == parsed.language and loc.script == parsed.script
        ]
        return same_language[0] if len(same_language) == 1 else None


def _store_pairs(project: Project, pairs: dict[str, dict[str, str]], origin: str) -> int:
    count = 0
    for posix, found in sorted(pairs.items()):
        locale = parse_locale(posix)
        stored = load_imported_pairs(project, locale)
        for source, translation in found.items():
            stored[source] = {"translation": translation, "file": origin}
            count += 1
        data = json.dumps(stored, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        write_if_changed(imported_pairs_path(project, locale), data.encode("utf-8"))
    return count
