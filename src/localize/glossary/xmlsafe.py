"""Parse untrusted XML (TBX, TMX) without ever expanding or fetching anything.

SPEC section 9: no network, no external DTD loaded, and a document that
declares entities is rejected outright, because even "harmless" internal
entities are how billion-laughs and external-entity attacks start. A DOCTYPE
that only names an external DTD is accepted and the DTD is never read.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from lxml import etree

from localize.errors import InputError

# A general or parameter entity declaration.
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def safe_xml_parser() -> etree.XMLParser:
    """A fresh lxml parser that resolves no entity, loads no DTD and opens no connection."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _as_ascii_compatible(data: bytes) -> bytes:
    """Re-encode UTF-16/32 input as UTF-8 so the byte scan for declarations sees it."""
    for bom, encoding in _BOMS:
        if data.startswith(bom) and encoding != "utf-8":
            try:
                return data[len(bom) :].decode(encoding).encode("utf-8")
            except UnicodeDecodeError:
                return data
    return data


def reject_entity_declarations(data: bytes, origin: str) -> None:
    """Raise InputError (file, line) if the document's DOCTYPE declares any entity."""
    scanned = _as_ascii_compatible(data)
    if b"<!DOCTYPE" not in scanned:
        return  # no DOCTYPE, no place to declare an entity
    # Anywhere, not just inside [...]: a "]" in a comment must not hide a declaration.
    # (A literal "<!ENTITY" can otherwise only sit in a comment or CDATA: rejected too.)
    match = _ENTITY_DECL.search(scanned)
    if match:
        line = scanned.count(b"\n", 0, match.start()) + 1
        raise InputError(
            "XML entity declarations are not allowed (entities are never expanded)", origin, line
        )


def parse_xml_bytes(data: bytes, origin: str) -> etree._ElementTree:
    """Parse ``data`` safely; InputError naming ``origin`` and the line for anything malformed."""
    reject_entity_declarations(data, origin)
    try:
        root = etree.fromstring(data, safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno and exc.lineno > 0 else None
        raise InputError(f"malformed XML: {exc.msg}", origin, line) from exc
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None:
        _check_internal_subset(tree, origin)
    if tree.docinfo.doctype:
        _reject_entity_references(tree, origin)
    return tree


def parse_xml_file(path: Path, origin: str | None = None) -> etree._ElementTree:
    """Read and parse one XML file; ``origin`` is the name used in messages (default: path)."""
    name = origin or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", name) from exc
    return parse_xml_bytes(data, name)


def _check_internal_subset(tree: etree._ElementTree, origin: str) -> None:
    """Second guard after parsing: libxml2's own view of the internal subset."""
    dtd = tree.docinfo.internalDTD
    if dtd is None:
        return
    for _entity in dtd.iterentities():
        raise InputError("XML entity declarations are not allowed", origin, 1)


def _reject_entity_references(tree: etree._ElementTree, origin: str) -> None:
    """A reference to an entity only an (unloaded) external DTD could define is an error."""
    for reference in tree.getroot().iter(etree.Entity):
        raise InputError(
            f"XML entity reference {reference.text} is not allowed (entities are never expanded)",
            origin,
            reference.sourceline,
        )
