"""Merge the records of several glossary files into one term list.

Records with the same source term (NFKC, and case-folded unless the term is
case-sensitive) become one Term: targets of different locales combine,
identical duplicates are fine, and two different targets for one locale are an
InputError naming both files and lines.

Keep (do-not-translate) rule: a term is kept when any record says
``translate=no``, or when it has targets and every one equals the source (the
TBX "same term in source and target" convention). A kept term renders as its
source in every locale; ``translate=no`` together with a different target is a
conflict.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from types import MappingProxyType

from localize.errors import InputError
from localize.glossary.matcher import fold, normalize_term
from localize.glossary.terms import Term, TermRecord


@dataclass
class _Pending:
    first: TermRecord
    targets: dict[str, tuple[str, TermRecord]] = field(default_factory=dict)
    forbidden: dict[str, dict[str, TermRecord]] = field(default_factory=dict)
    keep_by: TermRecord | None = None
    notes: list[str] = field(default_factory=list)


def term_key(source: str, case_sensitive: bool) -> tuple[str, bool]:
    norm = normalize_term(source)
    return (norm if case_sensitive else fold(norm), case_sensitive)


def _same(a: str, b: str) -> bool:
    return normalize_term(a) == normalize_term(b)


def merge_records(records: Iterable[TermRecord]) -> tuple[Term, ...]:
    """One Term per distinct source term, in first-seen order."""
    pending: dict[tuple[str, bool], _Pending] = {}
    for record in records:
        key = term_key(record.source, record.case_sensitive)
        if not key[0]:
            raise InputError("empty source term", record.file, record.line)
        item = pending.setdefault(key, _Pending(first=record))
        _add(item, record)
    return tuple(_finish(item) for item in pending.values())


def _add(item: _Pending, record: TermRecord) -> None:
    for locale, target in record.targets.items():
        known = item.targets.get(locale)
        if known is None:
            item.targets[locale] = (target, record)
        elif known[0] != target:
            raise _conflict(record.source, locale, known, (target, record))
    for locale, renderings in record.forbidden.items():
        bucket = item.forbidden.setdefault(locale, {})
        for rendering in renderings:
            bucket.setdefault(rendering, record)
    if record.translate is False and item.keep_by is None:
        item.keep_by = record
    if record.note and record.note not in item.notes:
        item.notes.append(record.note)


def _conflict(
    source: str, locale: str, a: tuple[str, TermRecord], b: tuple[str, TermRecord]
) -> InputError:
    return InputError(
        f"conflicting glossary targets for {source!r} in {locale}: "
        f"{a[0]!r} ({a[1].origin}) and {b[0]!r} ({b[1].origin})",
        b[1].file,
        b[1].line,
    )


def _finish(item: _Pending) -> Term:
    source = item.first.source
    targets = {locale: value for locale, (value, _record) in item.targets.items()}
    if item.keep_by is not None:
        for locale, (value, record) in item.targets.items():
            if not _same(value, source):
                raise InputError(
                    f"{source!r} is marked translate=no ({item.keep_by.origin}) but has the "
                    f"{locale} target {value!r} ({record.origin})",
                    record.file,
                    record.line,
                )
    _check_forbidden_targets(item)
    keep = item.keep_by is not None or (
        bool(targets) and all(_same(value, source) for value in targets.values())
    )
    return Term(
        source=source,
        targets=MappingProxyType(targets),
        forbidden=MappingProxyType({k: tuple(v) for k, v in item.forbidden.items()}),
        keep=keep,
        case_sensitive=item.first.case_sensitive,
        note="; ".join(item.notes),
        origin=item.first.origin,
    )


def _check_forbidden_targets(item: _Pending) -> None:
    """An approved target that another entry marks deprecated is a contradiction."""
    for locale, (value, record) in item.targets.items():
        marked = item.forbidden.get(locale, {}).get(value)
        if marked is not None:
            raise InputError(
                f"{item.first.source!r}: {locale} target {value!r} ({record.origin}) is marked "
                f"deprecated ({marked.origin})",
                record.file,
                record.line,
            )
