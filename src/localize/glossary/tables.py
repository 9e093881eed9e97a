r"""CSV and TSV glossaries: a header row of locale tags, then one term per row.

Columns: the one whose tag matches the project's source locale (or one named
``term`` / ``source``) holds the source term; every other locale column holds
that locale's target. ``target`` (Weblate's ``source,target`` export) is the
target of the locale the file is named after (``glossary-ja.csv``,
``terms.zh-Hant.tsv``). Optional columns: ``translate`` (yes/no; no = keep the
term as it is in every locale), ``case_sensitive`` (yes/no/true/false/1/0) and
``note``. Any other column (``variants``, ``context``...) is kept in the note,
with a warning. An empty target cell means "no approved target for that
locale"; ``更新|重新整理`` lists renderings that are equally valid (the first is
the one engines use; ``\|`` is a literal bar). A row without a source term is
skipped with a warning.

CSV follows RFC 4180 quoting; TSV has no quoting at all (a ``"`` is a
character like any other), as tools that write TSV expect.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from localize.errors import InputError, LocaleError
from localize.glossary.terms import TermRecord, Warn, is_source_locale
from localize.locales import LocaleInfo, parse_locale

_SOURCE_NAMES = {"term", "source"}
_TARGET_NAME = "target"
_OPTION_NAMES = {"translate", "case_sensitive", "note"}
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}
_BAR = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class _Header:
    source: int
    targets: tuple[tuple[int, str], ...]  # (column, posix locale)
    options: dict[str, int]
    extra: tuple[tuple[int, str], ...]  # (column, name): unknown columns kept as notes
    width: int


def read_table(path: Path, source: LocaleInfo, name: str, warn: Warn) -> list[TermRecord]:
    """Records of one .csv or .tsv file; InputError(name, line) for anything malformed."""
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    text = _decode(path, name)
    rows = _rows(text, delimiter, name)
    if not rows:
        raise InputError("empty glossary: a header row of locale tags is required", name, 1)
    header_line, header_cells = rows[0]
    header = _parse_header(header_cells, source, _file_locale(path), name, header_line, warn)
    records = []
    for line, cells in rows[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        record = _record(cells, header, name, line)
        if record is None:
            warn(name, line, "row without a source term skipped")
        else:
            records.append(record)
    return records


def _file_locale(path: Path) -> LocaleInfo | None:
    """The locale a file is named after: the longest tail of its name that is a locale tag.

    ``glossary-ja.csv``, ``project-glossary-zh_Hant.csv`` (Weblate), ``terms.pt-BR.tsv``.
    """
    parts = [p for p in re.split(r"[-.\s]", path.stem) if p]
    for size in (3, 2, 1):
        if len(parts) < size:
            continue
        try:
            return parse_locale("-".join(parts[-size:]))
        except LocaleError:
            continue
    return None


def _decode(path: Path, name: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", name) from exc
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise InputError("NUL byte in glossary (is it UTF-16? save it as UTF-8)", name, line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"not valid UTF-8 (byte {exc.start})", name, line) from exc


def _rows(text: str, delimiter: str, name: str) -> list[tuple[int, list[str]]]:
    """(first line of the record, cells) for every record; quoted fields may span lines."""
    if delimiter == "\t":  # TSV: no quoting, one line is one row
        reader = csv.reader(
            io.StringIO(text, newline=""), delimiter=delimiter, quoting=csv.QUOTE_NONE, strict=True
        )
    else:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(
            f"malformed {'TSV' if delimiter == chr(9) else 'CSV'}: {exc}", name, start
        ) from exc
    return rows


def _parse_header(
    cells: list[str],
    source: LocaleInfo,
    file_locale: LocaleInfo | None,
    name: str,
    line: int,
    warn: Warn,
) -> _Header:
    source_columns: list[int] = []
    targets: list[tuple[int, str]] = []
    options: dict[str, int] = {}
    extra: list[tuple[int, str]] = []
    seen_targets: dict[str, int] = {}
    for column, raw in enumerate(cells):
        tag = raw.strip()
        key = tag.lower().replace("-", "_").replace(" ", "_")  # "Case-Sensitive" too
        if not tag:
            raise InputError(f"empty header in column {column + 1}", name, line)
        if key in _SOURCE_NAMES:
            source_columns.append(column)
            continue
        if key in _OPTION_NAMES:
            if key in options:
                raise InputError(f"duplicate column {tag!r}", name, line)
            options[key] = column
            continue
        if key == _TARGET_NAME:
            info = _target_locale(file_locale, source, column, name, line)
        else:
            info = _header_locale(tag)
        if info is None:
            warn(name, line, f"unknown column {tag!r} (column {column + 1}) kept as a note: "
                 "columns are locale tags, 'term', 'source', 'target', 'translate', "
                 "'case_sensitive' or 'note'")
            extra.append((column, tag))
            continue
        if is_source_locale(info, source):
            source_columns.append(column)
        elif info.posix in seen_targets:
            raise InputError(f"two columns for locale {info.bcp47} ({tag!r})", name, line)
        else:
            seen_targets[info.posix] = column
            targets.append((column, info.posix))
    if not source_columns:
        raise InputError(
            f"no source column: name one {source.bcp47} (or 'term' / 'source')", name, line
        )
    if len(source_columns) > 1:
        names = ", ".join(repr(cells[c].strip()) for c in source_columns)
        raise InputError(f"more than one source column: {names}", name, line)
    return _Header(source_columns[0], tuple(targets), options, tuple(extra), len(cells))


def _header_locale(tag: str) -> LocaleInfo | None:
    try:
        return parse_locale(tag)
    except LocaleError:
        return None


def _target_locale(
    file_locale: LocaleInfo | None, source: LocaleInfo, column: int, name: str, line: int
) -> LocaleInfo:
    """The locale of a ``target`` column: the one the file is named after."""
    if file_locale is None or is_source_locale(file_locale, source):
        raise InputError(
            f"column 'target' (column {column + 1}) needs a target locale: name the file after "
            "it, as Weblate does (glossary-ja.csv), or name the column with a locale tag",
            name,
            line,
        )
    return file_locale


def _renderings(cell: str) -> tuple[str, ...]:
    """``更新|重新整理`` -> ("更新", "重新整理"); ``\\|`` is a bar inside a rendering."""
    parts = (part.replace("\\|", "|").strip() for part in _BAR.split(cell))
    return tuple(dict.fromkeys(part for part in parts if part))


def _record(cells: list[str], header: _Header, name: str, line: int) -> TermRecord | None:
    if len(cells) != header.width:
        raise InputError(f"row has {len(cells)} cells, the header has {header.width}", name, line)
    term = cells[header.source].strip()
    if not term:
        return None
    targets = {posix: _renderings(cells[col]) for col, posix in header.targets}
    translate = _flag(cells, header, "translate", name, line)
    case_sensitive = _flag(cells, header, "case_sensitive", name, line)
    note_col = header.options.get("note")
    notes = [cells[note_col].strip()] if note_col is not None else []
    notes += [f"{tag}: {cells[col].strip()}" for col, tag in header.extra if cells[col].strip()]
    return TermRecord(
        source=term,
        targets=MappingProxyType({posix: values for posix, values in targets.items() if values}),
        forbidden=MappingProxyType({}),
        translate=translate,
        case_sensitive=bool(case_sensitive),
        note="; ".join(n for n in notes if n),
        file=name,
        line=line,
    )


def _flag(cells: list[str], header: _Header, column: str, name: str, line: int) -> bool | None:
    index = header.options.get(column)
    if index is None:
        return None
    value = cells[index].strip().lower()
    if not value:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InputError(f"{column} must be yes or no, not {cells[index].strip()!r}", name, line)
