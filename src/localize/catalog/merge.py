"""Merging a new list of source sentences into an existing catalog (SPEC section 8).

polib's own merge matches exact msgids only, so the matching is ours, in
passes over the whole catalog (so an exact match is never stolen by a near one).
An entry is keyed by (msgctxt, msgid, msgid_plural), as gettext keys it; the
tool's own sentences have neither context nor plural, so an entry with either
(a catalog from elsewhere) is never matched to a sentence: it is kept, obsolete,
with its translations, flags and comments.

1. exact msgid (live first, then obsolete: an obsolete entry that comes back
   is revived as it was);
2. same sentence up to citation numbers and whitespace: the translation follows
   with its markers renumbered and keeps its state (reviewed stays reviewed);
3. the most similar old translated entry scoring at least ``threshold`` becomes
   a stale entry (fuzzy, ``#| msgid`` = the source the translation was made for);
4. anything else starts empty.

Old entries left over become obsolete (``#~``). Nothing with a translation, a
translator comment or a flag is ever dropped: colliding leftovers are folded
into the surviving entry's translator comments.

Similarity (documented scorer): ``rapidfuzz.fuzz.ratio`` (normalised Indel
similarity, 0-100) over the two sentences with runs of whitespace collapsed,
divided by 100.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

import polib

from localize.catalog.pofile import PREVIOUS_PREFIX, add_translator_comment, new_catalog, set_fuzzy

_CITATION = re.compile(r"\[(\^?)(\d+)\]")


@dataclass(frozen=True)
class SourceEntry:
    """One distinct sentence as the catalog should list it (tool-owned parts only)."""

    msgid: str
    occurrences: tuple[tuple[str, str], ...] = ()
    comment: str = ""  # extracted comments ("kind: paragraph\nplaceables: ...")


@dataclass
class MergeStats:
    """What a merge did, entry by entry; summed into the extract report."""

    kept: int = 0
    renumbered: int = 0
    fuzzy: int = 0
    new: int = 0
    revived: int = 0
    obsoleted: int = 0

    def add(self, other: MergeStats) -> None:
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def normalise_space(text: str) -> str:
    """Runs of whitespace as one space, none at the ends (``str.split`` and ``\\s`` agree on
    what whitespace is)."""
    return " ".join(text.split())


def citation_key(text: str) -> str:
    """The sentence with citation numbers and whitespace differences erased."""
    return normalise_space(_CITATION.sub(lambda m: f"[{m.group(1)}#]", text))


def similarity(a: str, b: str) -> float:
    """The documented scorer: Indel ratio of the whitespace-normalised texts, 0..1."""
    from rapidfuzz import fuzz  # here: a run that matches nothing never imports it

    return fuzz.ratio(normalise_space(a), normalise_space(b)) / 100.0


def renumber(old_source: str, new_source: str, translation: str) -> str | None:
    """Map old citation numbers to new ones in order and apply that to ``translation``.

    None when the mapping is not a function (one old number becomes two new ones).
    """
    old_numbers = [m.group(2) for m in _CITATION.finditer(old_source)]
    new_numbers = [m.group(2) for m in _CITATION.finditer(new_source)]
    if len(old_numbers) != len(new_numbers):
        return None
    mapping: dict[str, str] = {}
    for old, new in zip(old_numbers, new_numbers, strict=True):
        if mapping.setdefault(old, new) != new:
            return None
    return _CITATION.sub(
        lambda m: f"[{m.group(1)}{mapping.get(m.group(2), m.group(2))}]", translation
    )


def entry_key(entry: polib.POEntry) -> tuple[str | None, str, str | None]:
    """How gettext tells entries apart: (msgctxt, msgid, msgid_plural)."""
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or None)


def _plain(entry: polib.POEntry) -> bool:
    """An entry shaped like the tool's own: no context, no plural."""
    return entry.msgctxt is None and not entry.msgid_plural


def worth_keeping(entry: polib.POEntry) -> bool:
    """An entry holding a person's work: a translation, a translator comment or a flag."""
    plural = any(entry.msgstr_plural.values()) if entry.msgstr_plural else False
    return bool(entry.msgstr or plural or entry.tcomment or [f for f in entry.flags if f != "fuzzy"])


def merge_catalog(
    old: polib.POFile | None,
    sources: Sequence[SourceEntry],
    threshold: float,
    metadata: Mapping[str, str],
) -> tuple[polib.POFile, MergeStats]:
    """A new catalog for ``sources`` carrying over everything ``old`` holds."""
    stats = MergeStats()
    old_live = [e for e in old if not e.obsolete] if old is not None else []
    old_obsolete = [e for e in old if e.obsolete] if old is not None else []
    candidates = old_live + old_obsolete
    claimed: set[int] = set()
    result: list[polib.POEntry | None] = [None] * len(sources)
    _pass_exact(sources, candidates, claimed, result, stats)
    _pass_renumber(sources, candidates, claimed, result, stats)
    _pass_fuzzy(sources, candidates, claimed, result, stats, threshold)
    for index, source in enumerate(sources):
        if result[index] is None:
            result[index] = polib.POEntry(msgid=source.msgid, msgstr="")
            stats.new += 1
        _refresh(result[index], source)  # type: ignore[arg-type]
    live = [entry for entry in result if entry is not None]
    leftovers = [e for e in old_obsolete if id(e) not in claimed]
    for entry in old_live:
        if id(entry) not in claimed and worth_keeping(entry):
            leftovers.append(_obsolete(entry))
            stats.obsoleted += 1
    po = new_catalog(metadata, old.header if old is not None else "")
    if old is not None:
        po.metadata_is_fuzzy = old.metadata_is_fuzzy
    for entry in live + _fold_duplicates(live, leftovers):
        po.append(entry)
    return po, stats


def _pass_exact(
    sources: Sequence[SourceEntry],
    candidates: list[polib.POEntry],
    claimed: set[int],
    result: list[polib.POEntry | None],
    stats: MergeStats,
) -> None:
    by_key: dict[tuple[str | None, str, str | None], polib.POEntry] = {}
    for entry in candidates:  # live before obsolete: the first one wins
        by_key.setdefault(entry_key(entry), entry)
    for index, source in enumerate(sources):
        entry = by_key.get((None, source.msgid, None))
        if entry is None or id(entry) in claimed:
            continue
        claimed.add(id(entry))
        if entry.obsolete:
            entry.obsolete = False
            stats.revived += 1
        else:
            stats.kept += 1
        result[index] = entry


def _pass_renumber(
    sources: Sequence[SourceEntry],
    candidates: list[polib.POEntry],
    claimed: set[int],
    result: list[polib.POEntry | None],
    stats: MergeStats,
) -> None:
    by_key: dict[str, list[polib.POEntry]] = {}
    for entry in candidates:  # a plural or context entry cannot be rebuilt as a sentence's
        if id(entry) not in claimed and _plain(entry):
            by_key.setdefault(citation_key(entry.msgid), []).append(entry)
    for index, source in enumerate(sources):
        if result[index] is not None:
            continue
        for entry in by_key.get(citation_key(source.msgid), ()):
            if id(entry) in claimed:
                continue
            translation = renumber(entry.msgid, source.msgid, entry.msgstr)
            if translation is None:
                continue
            claimed.add(id(entry))
            result[index] = _carried_over(entry, source.msgid, translation, entry.previous_msgid)
            stats.renumbered += 1
            break


def _pass_fuzzy(
    sources: Sequence[SourceEntry],
    candidates: list[polib.POEntry],
    claimed: set[int],
    result: list[polib.POEntry | None],
    stats: MergeStats,
    threshold: float,
) -> None:
    from rapidfuzz import fuzz, process  # here: a run that matches nothing never imports it

    pool = {i: e for i, e in enumerate(candidates) if id(e) not in claimed and e.msgstr and _plain(e)}
    choices = {i: normalise_space(e.msgid) for i, e in pool.items()}
    for index, source in enumerate(sources):
        if result[index] is not None or not choices:
            continue
        best = process.extractOne(
            normalise_space(source.msgid),
            choices,
            scorer=fuzz.ratio,
            score_cutoff=threshold * 100.0,
        )
        if best is None:
            continue
        entry = pool.pop(best[2])
        del choices[best[2]]
        claimed.add(id(entry))
        fresh = _carried_over(entry, source.msgid, entry.msgstr, entry.previous_msgid or entry.msgid)
        set_fuzzy(fresh, True)
        result[index] = fresh
        stats.fuzzy += 1


def _carried_over(
    old: polib.POEntry, msgid: str, msgstr: str, previous_msgid: str | None
) -> polib.POEntry:
    """A new entry for ``msgid`` keeping the translator's parts of ``old`` (comments, flags)."""
    return polib.POEntry(
        msgid=msgid,
        msgstr=msgstr,
        tcomment=old.tcomment,
        flags=list(old.flags),
        previous_msgid=previous_msgid,
    )


def _refresh(entry: polib.POEntry, source: SourceEntry) -> None:
    """Tool-owned parts follow the source: references and extracted comments."""
    entry.occurrences = list(source.occurrences)
    entry.comment = source.comment


def _obsolete(entry: polib.POEntry) -> polib.POEntry:
    entry.obsolete = True
    entry.occurrences = []
    entry.comment = ""
    return entry


def _fold_duplicates(
    live: list[polib.POEntry], leftovers: list[polib.POEntry]
) -> list[polib.POEntry]:
    """Obsolete entries with unique msgids; a colliding one is folded into the survivor."""
    survivors = {entry_key(e): e for e in live}
    kept: list[polib.POEntry] = []
    for entry in leftovers:
        target = survivors.get(entry_key(entry))
        if target is None:
            survivors[entry_key(entry)] = entry
            kept.append(entry)
            continue
        for line in (entry.tcomment or "").splitlines():
            add_translator_comment(target, line)
        if entry.msgstr and not target.msgstr:
            target.msgstr = entry.msgstr
            target.previous_msgid = entry.previous_msgid
            set_fuzzy(target, "fuzzy" in entry.flags)
        elif entry.msgstr and entry.msgstr != target.msgstr:
            add_translator_comment(target, PREVIOUS_PREFIX + " ".join(entry.msgstr.split("\n")))
        for flag in entry.flags:
            if flag != "fuzzy" and flag not in target.flags:
                target.flags.append(flag)
    return kept
