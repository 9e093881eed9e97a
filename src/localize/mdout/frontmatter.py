"""Front matter of a localized file: translated values in place, localize's keys added at the end.

The YAML is never dumped again (that would reorder keys and change quoting):
a translated value replaces its scalar's span, written plain where YAML reads
it back unchanged and double-quoted otherwise; every other line stays as written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import yaml

from localize.errors import InputError
from localize.readers.frontmatter import front_matter_close

PROVENANCE_KEY = "localize"
TRANSLATION_KEY = "translationKey"
_KEY_INDENT = re.compile(r"^([ \t]*)[^\s#-]", re.MULTILINE)


@dataclass(frozen=True)
class Provenance:
    """The ``localize`` mapping: where a file came from and how much of it is reviewed."""

    source: str
    source_sha256: str
    total: int
    reviewed: int
    machine: int
    machine_translated: bool


@lru_cache(maxsize=4096)
def yaml_scalar(value: str, flow: bool = False) -> str:
    """``value`` as a one-line YAML scalar: plain when that reads back as the same string."""
    if value and "\n" not in value and value == value.strip():
        probe = f"k: [{value}]" if flow else f"k: {value}"
        try:
            loaded = yaml.safe_load(probe)
        except yaml.YAMLError:
            loaded = None
        if loaded == {"k": [value] if flow else value}:
            return value
    return json.dumps(value, ensure_ascii=False)


def added_keys(text: str, metadata: Mapping[str, object], origin: str, slug: str | None,
               provenance: Provenance) -> tuple[int, str]:
    """(offset, text) to insert: ``translationKey`` (when ``slug``) and the ``localize`` mapping.

    A source whose front matter already has ``translationKey`` keeps its own; one with a
    ``localize`` key is an input error (the name is reserved for provenance).
    """
    if PROVENANCE_KEY in metadata:
        raise InputError(f"front matter key {PROVENANCE_KEY!r} is reserved for the provenance "
                         "localize adds to Markdown output", origin)
    close = front_matter_close(text)
    indent = ""
    if close is not None:
        first = _KEY_INDENT.search(text, text.index("\n") + 1, close)
        indent = first.group(1) if first is not None else ""
    lines = []
    if slug is not None and TRANSLATION_KEY not in metadata:
        lines.append(f"{indent}{TRANSLATION_KEY}: {yaml_scalar(slug)}")
    lines.append(f"{indent}{PROVENANCE_KEY}:")
    inner = indent + "  "
    lines += [
        f"{inner}source: {yaml_scalar(provenance.source)}",
        f"{inner}source_sha256: {provenance.source_sha256}",
        f"{inner}total: {provenance.total}",
        f"{inner}reviewed: {provenance.reviewed}",
        f"{inner}machine: {provenance.machine}",
        f"{inner}machine_translated: {'true' if provenance.machine_translated else 'false'}",
    ]
    block = "\n".join(lines) + "\n"
    if close is None:
        return 0, f"---\n{block}---\n"
    return close, block
