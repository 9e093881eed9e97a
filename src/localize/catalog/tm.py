"""Translation memory over all catalogs of one locale, and the TM pass of ``translate`` (SPEC section 7).

What counts as memory (a source of truth for a sentence):

- live entries that are reviewed or machine (a stale entry's translation was made
  for its previous msgid, not for its msgid, so it is never offered);
- obsolete entries that are reviewed (a translator approved that pair; the
  sentence may have moved to another article);
- pairs imported from TMX (``localize tm import``), kept in ``.localize/tm/<posix>.json``
  and treated as reviewed.

Exact look-ups prefer reviewed over machine, then catalogs in sorted path order
over imported pairs. Near look-ups return exactly what
``rapidfuzz.process.extractOne`` with ``fuzz.ratio`` over whitespace-normalised
text (the scorer merge uses) and the threshold as score cutoff returns over all
sources, but score only the sources a :class:`NearIndex` bound cannot rule out
(``localize.catalog.near``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polib

from localize.catalog.memo import FactsLog
from localize.catalog.merge import normalise_space
from localize.catalog.near import NearIndex
from localize.catalog.pofile import (
    add_translator_comment,
    load_po,
    mark_machine,
    po_files_under,
    save_po,
    set_fuzzy,
)
from localize.catalog.state import entry_state
from localize.errors import InputError
from localize.locales import LocaleInfo
from localize.project import Project
from localize.stamps import blake2_digest, project_digests

MEMORY_ENGINE = "memory"
#: A remembered pair as the memory keeps it: (source, translation, reviewed, file).
Pair = tuple[str, str, bool, str]


@dataclass(frozen=True)
class TMMatch:
    """One memory hit: the remembered pair, how much to trust it, where it came from."""

    source: str
    translation: str
    reviewed: bool
    score: float
    file: str


@dataclass(frozen=True)
class FillReport:
    """What the TM pass wrote for one locale."""

    locale: str
    exact: int
    near: int
    reviewed: int
    written: tuple[str, ...]

    @property
    def hits(self) -> int:
        return self.exact + self.near


def locale_catalogs(project: Project, locale: LocaleInfo) -> dict[str, Path]:
    """Slug -> PO path for every catalog of ``locale`` on disk, sorted by slug."""
    return po_files_under(project.locales_dir / locale.posix / "LC_MESSAGES")


def load_catalogs(project: Project, locale: LocaleInfo) -> dict[str, tuple[Path, polib.POFile]]:
    """Slug -> (path, parsed catalog) for ``locale``: every file parsed (so validated) up front."""
    return {slug: (path, load_po(path)) for slug, path in locale_catalogs(project, locale).items()}


def imported_pairs_path(project: Project, locale: LocaleInfo) -> Path:
    return project.state_dir / "tm" / f"{locale.posix}.json"


def load_imported_pairs(project: Project, locale: LocaleInfo) -> dict[str, dict[str, str]]:
    """source -> {"translation", "file"} from earlier TMX imports."""
    path = imported_pairs_path(project, locale)
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"unreadable translation memory: {exc}", path) from exc
    return data if isinstance(data, dict) else {}


class TranslationMemory:
    """Exact and near look-ups over remembered (source, translation) pairs."""

    def __init__(self, matches: Iterable[TMMatch | Pair]):
        best: dict[str, Pair] = {}
        for match in matches:
            pair = (match.source, match.translation, match.reviewed, match.file) if isinstance(match, TMMatch) else match
            current = best.get(pair[0])
            if current is None or (pair[2] and not current[2]):
                best[pair[0]] = pair
        self._take(best)

    def _take(self, best: dict[str, Pair]) -> None:
        self._exact = best  # source -> (source, translation, reviewed, file): a match made on a hit
        self._sources: list[str] | None = None  # made with the near index, on first use
        self._choices: list[str] = []
        self._index: NearIndex | None = None

    def __len__(self) -> int:
        return len(self._exact)

    def fingerprint(self) -> str:
        """A digest of every remembered pair: what a fill from this memory depends on."""
        return blake2_digest(repr(sorted(self._exact.values())).encode("utf-8"))

    def matches(self) -> Iterator[TMMatch]:
        """Every remembered pair, as an exact match of its source."""
        return (TMMatch(*pair[:3], 1.0, pair[3]) for pair in self._exact.values())

    @classmethod
    def for_locale(
        cls,
        project: Project,
        locale: LocaleInfo,
        catalogs: Mapping[str, tuple[Path, polib.POFile]] | None = None,
    ) -> TranslationMemory:
        """The memory of ``locale``; ``catalogs`` (from load_catalogs) spares parsing them again.

        Without ``catalogs`` each catalog's pairs come from the TM memo when its bytes are
        as they were, so only changed catalogs are parsed (and so validated), one at a time.
        """
        imported = load_imported_pairs(project, locale)
        if catalogs is not None:
            return cls.from_catalogs({project.relative(path): po for path, po in catalogs.values()}, imported)
        return cls.from_facts(CatalogFacts.read(project, locale), imported)

    @classmethod
    def from_facts(
        cls, facts: CatalogFacts, imported: Mapping[str, Mapping[str, str]] | None = None
    ) -> TranslationMemory:
        """The memory of catalogs known by their facts (``CatalogFacts.read``) and imported pairs.

        The same memory ``TranslationMemory(...)`` makes of the same pairs in ranking order,
        made without a tuple per pair it does not keep: reviewed and retired pairs come
        first, so the first of a source wins; a machine pair only fills a source nothing
        reviewed has; an imported pair (reviewed) fills a source or replaces a machine one.
        """
        best: dict[str, Pair] = {}
        for kind, reviewed in (("reviewed", True), ("retired", True), ("machine", False)):
            for file, known in facts.pairs.items():
                texts = iter(flat_pairs(known[kind]))
                for source, translation in zip(texts, texts, strict=True):
                    if source not in best:
                        best[source] = (source, translation, reviewed, file)
        for source, translation, _, file in _imported_matches(imported or {}):
            current = best.get(source)
            if current is None or not current[2]:
                best[source] = (source, translation, True, file)
        memory = cls.__new__(cls)
        memory._take(best)
        return memory

    @classmethod
    def from_catalogs(
        cls,
        catalogs: Mapping[str, polib.POFile],
        imported: Mapping[str, Mapping[str, str]] | None = None,
    ) -> TranslationMemory:
        return cls([*_catalog_matches(catalogs), *_imported_matches(imported or {})])

    def exact(self, msgid: str) -> TMMatch | None:
        pair = self._exact.get(msgid)
        return None if pair is None else TMMatch(*pair[:3], 1.0, pair[3])

    def near(self, msgid: str, threshold: float) -> TMMatch | None:
        """The most similar remembered source scoring at least ``threshold`` (0..1)."""
        if not self._exact:
            return None
        if self._index is None:  # built on first use: a run with nothing missing never pays
            self._index = NearIndex(self._near_choices())
        found = self._index.best(normalise_space(msgid), threshold * 100.0)
        return None if found is None else self._hit(*found)

    def near_exhaustive(self, msgid: str, threshold: float) -> TMMatch | None:
        """``near`` by scoring every source: the reference the index must agree with."""
        if not self._exact:
            return None
        from rapidfuzz import fuzz, process  # here: a run that matches nothing never imports it

        found = process.extractOne(
            normalise_space(msgid), self._near_choices(), scorer=fuzz.ratio, score_cutoff=threshold * 100.0
        )
        return None if found is None else self._hit(found[2], found[1])

    def _near_choices(self) -> list[str]:
        """Every source whitespace-normalised, in the memory's order (what near look-ups score)."""
        if self._sources is None:
            self._sources = list(self._exact)
            self._choices = [normalise_space(source) for source in self._sources]
        return self._choices

    def _hit(self, position: int, score: float) -> TMMatch:
        assert self._sources is not None
        source, translation, reviewed, file = self._exact[self._sources[position]]
        return TMMatch(source, translation, reviewed, score / 100.0, file)


def _catalog_matches(catalogs: Mapping[str, polib.POFile]) -> Iterable[Pair]:
    """Live reviewed pairs first, then obsolete reviewed ones, then machine: the first wins."""
    return _remembered_matches({file: catalog_pairs(po) for file, po in catalogs.items()})


def catalog_pairs(po: polib.POFile) -> dict[str, Any]:
    """What one catalog gives the memory, as the TM memo keeps it: its reviewed, retired
    (obsolete reviewed) and machine pairs, each kind one flat list (source, translation,
    source, ...), and how many live entries it lacks."""
    facts: dict[str, Any] = {"reviewed": [], "retired": [], "machine": [], "missing": 0}
    for entry in po:
        state = entry_state(entry)
        if state == "missing" and not entry.obsolete and not entry.msgid_plural:
            facts["missing"] += 1
        if entry.msgctxt or entry.msgid_plural:
            continue
        if state == "reviewed":
            facts["retired" if entry.obsolete else "reviewed"] += (entry.msgid, entry.msgstr)
        elif state == "machine" and not entry.obsolete:
            facts["machine"] += (entry.msgid, entry.msgstr)
    return facts


def pair_count(facts: Mapping[str, Any], kind: str) -> int:
    """How many pairs of ``kind`` a catalog's facts hold."""
    flat = facts[kind]
    return (flat.count(_UNIT) + 1) // 2 if type(flat) is str else len(flat) // 2


def flat_pairs(flat: str | list[str]) -> list[str]:
    """A kind's flat list (source, translation, source, ...), from the facts as the memo keeps
    them (one string for a kind, split only when the locale's memory is made) or as parsed."""
    return flat.split(_UNIT) if type(flat) is str else flat


def _remembered_matches(pairs: Mapping[str, Mapping[str, Any]]) -> Iterator[Pair]:
    """Every catalog's pairs, in the order ``TranslationMemory`` ranks them."""
    for kind, reviewed in (("reviewed", True), ("retired", True), ("machine", False)):
        for file, facts in pairs.items():
            flat = iter(flat_pairs(facts[kind]))
            for source, translation in zip(flat, flat, strict=True):
                yield source, translation, reviewed, file


@dataclass
class CatalogFacts:
    """Each catalog of a locale's pairs (see ``catalog_pairs``), parsed only where its bytes changed.

    Kept in ``.localize/tm-memo-<posix>.jsonl`` (a cache: see ``localize.catalog.memo``).
    Reading it parses, and so validates, every changed catalog, one at a time.
    """

    paths: dict[str, Path]  # slug -> PO path, sorted
    pairs: dict[str, dict[str, Any]]  # project-relative path -> facts, in the same order
    #: project-relative path -> the catalog parsed to take its facts, for those lacking entries
    #: (a caller about to fill them takes them from here instead of parsing them again)
    parsed: dict[str, polib.POFile] = field(default_factory=dict)

    @classmethod
    def read(cls, project: Project, locale: LocaleInfo) -> CatalogFacts:
        log = _facts_log(project, locale)
        known, lines = log.load()
        paths = locale_catalogs(project, locale)
        pairs: dict[str, dict[str, Any]] = {}
        live: dict[str, tuple[str, Any]] = {}
        added: list[tuple[str, str, Any]] = []
        parsed: dict[str, polib.POFile] = {}
        digests = project_digests(project.state_dir)
        for path in paths.values():
            relative = project.relative(path)
            digest = digests(path)  # blake2_digest of the bytes, read only when the file changed
            record = known.get(relative)
            facts = _loaded_facts(record[1]) if record is not None and record[0] == digest else None
            if facts is None:
                po = load_po(path)
                facts = catalog_pairs(po)
                record = (digest, _stored_facts(facts))
                added.append((relative, *record))
                if facts["missing"]:
                    parsed[relative] = po
            pairs[relative] = facts
            live[relative] = record
        if lines + len(added) > 2 * len(live) + 16:  # mostly lines no catalog matches any more
            log.compact(live)
        else:
            log.append(added)
        return cls(paths, pairs, parsed)


_UNIT = "\x1f"  # joins a kind's pairs into one string on disk: one JSON string decodes far faster


def _stored_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    """Facts as the TM memo writes them: each kind's flat list joined by ``_UNIT`` (kept a
    list when a text holds that character, or when empty)."""
    stored = dict(facts)
    for kind in ("reviewed", "retired", "machine"):
        flat = facts[kind]
        joined = _UNIT.join(flat)
        if flat and joined.count(_UNIT) == len(flat) - 1:
            stored[kind] = joined
    return stored


def _loaded_facts(stored: Any) -> dict[str, Any] | None:
    """Facts as the memo holds them, checked; None when malformed (a memo edited by hand is
    worked out again). A kind joined into one string stays one string (see ``flat_pairs``):
    a run's snapshot holds every locale's facts, and one string a kind and catalog is far
    smaller, and far quicker to read, than a string a text."""
    if not isinstance(stored, dict) or type(stored.get("missing")) is not int:
        return None
    facts = {"missing": stored["missing"]}
    for kind in ("reviewed", "retired", "machine"):
        flat = stored.get(kind)
        if type(flat) is str:
            if flat.count(_UNIT) % 2 == 0:  # an odd number of texts
                return None
        elif type(flat) is not list or len(flat) % 2 or not all(type(text) is str for text in flat):
            return None
        facts[kind] = flat
    return facts


def remember_facts(project: Project, locale: LocaleInfo, known: Sequence[tuple[Path, str, dict[str, Any]]]) -> None:
    """Add the facts of catalogs a stage just wrote to the TM memo: (path, ``blake2_digest``
    of the bytes written, ``catalog_pairs`` of the catalog), the digest recorded by the writer.

    Extract and translate hold each catalog when they write it; recording its pairs here
    spares the next run parsing it for the memory. A wrong guess only costs a parse."""
    _facts_log(project, locale).append(
        [(project.relative(path), digest, _stored_facts(facts)) for path, digest, facts in known]
    )


def _facts_log(project: Project, locale: LocaleInfo) -> FactsLog:
    return FactsLog(project.state_dir / f"tm-memo-{locale.posix}.jsonl", "tm/flat")


def _imported_matches(imported: Mapping[str, Mapping[str, str]]) -> Iterable[Pair]:
    for source, record in sorted(imported.items()):
        translation = record.get("translation") if isinstance(record, Mapping) else None
        if isinstance(translation, str) and translation:
            yield source, translation, True, str(record.get("file", "tmx"))


def fill_from_memory(
    project: Project,
    locale: LocaleInfo,
    slugs: Sequence[str] | None = None,
    catalogs: Mapping[str, tuple[Path, polib.POFile]] | None = None,
    memory: TranslationMemory | None = None,
) -> FillReport:
    """The TM pass: fill missing entries of ``locale`` from the memory, before any engine.

    Every catalog is validated before any is written: without ``catalogs`` each changed
    one is parsed (``CatalogFacts``; an unchanged one was valid when the memo took it) and
    only those lacking entries are parsed again, one at a time, to be filled; a caller that
    already holds them (``load_catalogs``) passes ``catalogs``, which are filled in place.
    ``memory`` is the memory to read (``translate`` passes the one it took when the run
    started, so what a shard writes never depends on another shard's timing).
    """
    if catalogs is None:
        return _fill_streaming(project, locale, slugs, memory)
    if memory is None:
        memory = TranslationMemory.for_locale(project, locale, catalogs)
    tally = _FillTally()
    for slug, (path, po) in catalogs.items():
        if slugs is None or slug in slugs:
            tally.fill(project, path, po, memory)
    return tally.report(locale)


def _fill_streaming(project: Project, locale: LocaleInfo, slugs: Sequence[str] | None,
                    memory: TranslationMemory | None) -> FillReport:
    """``fill_from_memory`` holding one parsed catalog at a time: every changed catalog is
    validated (by ``CatalogFacts``) before any is written, and only catalogs that lack
    entries are parsed again to be filled."""
    facts = CatalogFacts.read(project, locale)
    if memory is None:
        memory = TranslationMemory.from_facts(facts, load_imported_pairs(project, locale))
    tally = _FillTally()
    for slug, path in facts.paths.items():
        if (slugs is None or slug in slugs) and facts.pairs[project.relative(path)]["missing"]:
            tally.fill(project, path, load_po(path), memory)
    return tally.report(locale)


@dataclass
class _FillTally:
    exact: int = 0
    near: int = 0
    reviewed: int = 0
    written: list[str] = field(default_factory=list)

    def fill(self, project: Project, path: Path, po: polib.POFile, memory: TranslationMemory) -> None:
        settings = project.settings
        counts = fill_catalog(po, memory, settings.fuzzy_threshold, settings.tm_trust_reviewed)
        self.exact, self.near, self.reviewed = self.exact + counts[0], self.near + counts[1], self.reviewed + counts[2]
        if any(counts) and save_po(po, path):
            self.written.append(project.relative(path))

    def report(self, locale: LocaleInfo) -> FillReport:
        return FillReport(locale.bcp47, self.exact, self.near, self.reviewed, tuple(self.written))


def fill_catalog(
    po: polib.POFile, memory: TranslationMemory, threshold: float, trust_reviewed: bool
) -> tuple[int, int, int]:
    """Fill the missing live entries of one catalog; (exact, near, of which reviewed)."""
    exact = near = reviewed = 0
    for entry in po:
        if entry.obsolete or entry.msgid_plural or entry_state(entry) != "missing":
            continue
        match = memory.exact(entry.msgid)
        if match is not None:
            exact += 1
            if match.reviewed and trust_reviewed:
                entry.msgstr = match.translation
                set_fuzzy(entry, False)
                add_translator_comment(entry, f"translation memory: reviewed in {match.file}")
                reviewed += 1
            else:
                mark_machine(entry, match.translation, MEMORY_ENGINE)
            continue
        match = memory.near(entry.msgid, threshold)
        if match is not None:
            near += 1
            entry.msgstr = match.translation
            entry.previous_msgid = match.source
            set_fuzzy(entry, True)
            add_translator_comment(
                entry, f"translation memory: {round(match.score * 100)}% match from {match.file}"
            )
    return exact, near, reviewed
