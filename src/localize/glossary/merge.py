"""Merge the records of several glossary files into one term list.

Records with the same source term (NFKC, and case-folded unless the term is
case-sensitive) become one Term: targets of different locales combine,
identical duplicates are fine, and two different targets for one locale are an
InputError naming both files and lines. Only the first rendering of each (the
one engines use) must agree; further accepted renderings are pooled.

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
from localize.glossary.terms import Term, TermRecord, Warn


@dataclass
class _Pending:
    first: TermRecord
    targets: dict[str, tuple[list[str], TermRecord]] = field(default_factory=dict)
    forbidden: dict[str, dict[str, TermRecord]] = field(default_factory=dict)
    keep_by: TermRecord | None = None
    notes: list[str] = field(default_factory=list)


def term_key(source: str, case_sensitive: bool) -> tuple[str, bool]:
    norm = normalize_term(source)
    return (norm if case_sensitive else fold(norm), case_sensitive)


def _same(a: str, b: str) -> bool:
    return normalize_term(a) == normalize_term(b)


def merge_records(records: Iterable[TermRecord], warn: Warn) -> tuple[Term, ...]:
    """One Term per distinct source term, in first-seen order."""
    pending: dict[tuple[str, bool], _Pending] = {}
    for record in records:
        key = term_key(record.source, record.case_sensitive)
        if not key[0]:
            warn(record.file, record.line, "empty source term skipped")
            continue
        item = pending.setdefault(key, _Pending(first=record))
        _add(item, record)
    return tuple(_finish(item) for item in pending.values())


def _add(item: _Pending, record: TermRecord) -> None:
    for locale, renderings in record.targets.items():
        known = item.targets.get(locale)
        if known is None:
            item.targets[locale] = (list(renderings), record)
        elif known[0][0] != renderings[0]:
            raise _conflict(record.source, locale, (known[0][0], known[1]), (renderings[0], record))
        else:
            known[0].extend(r for r in renderings if r not in known[0])
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
    targets = {locale: values[0] for locale, (values, _record) in item.targets.items()}
    alternatives = {
        locale: tuple(values[1:]) for locale, (values, _record) in item.targets.items() if values[1:]
    }
    if item.keep_by is not None:
        for locale, (values, record) in item.targets.items():
            for value in values:
                if not _same(value, source):
                    raise InputError(
                        f"{source!r} is marked translate=no ({item.keep_by.origin}) but has the "
                        f"{locale} target {value!r} ({record.origin})",
                        record.file,
                        record.line,
                    )
    _check_forbidden_targets(item)
    keep = item.keep_by is not None or (
        bool(targets)
        and all(_same(v, source) for values, _record in item.targets.values() for v in values)
    )
    return Term(
        source=source,
        targets=MappingProxyType(targets),
        alternatives=MappingProxyType(alternatives),
        forbidden=MappingProxyType({k: tuple(v) for k, v in item.forbidden.items()}),
        keep=keep,
        case_sensitive=item.first.case_sensitive,
        note="; ".join(item.notes),
        origin=item.first.origin,
    )


def _check_forbidden_targets(item: _Pending) -> None:
    """An approved target that another entry marks deprecated is a contradiction."""
    for locale, (values, record) in item.targets.items():
        for value in values:
            marked = item.forbidden.get(locale, {}).get(value)
            if marked is not None:
                raise InputError(
                    f"{item.first.source!r}: {locale} target {value!r} ({record.origin}) is "
                    f"marked deprecated ({marked.origin})",
                    record.file,
                    record.line,
                )
