"""``localize translate``: translation memory, then cache, then an engine, locale by locale.

For each target locale: the TM pass (SPEC section 7) fills what the project's
own catalogs already know; the entries still missing (plus stale ones with
--refresh-stale, and failed ones with --retry-failed) are masked, looked up
in the cache and sent to the locale's engine; results are written as fuzzy
machine entries and each catalog is saved atomically after its group of
catalogs (a locale is taken about 20,000 entries at a time, so memory holds one
group), or on Ctrl-C with whatever finished. The project lock is the caller's job (the
CLI takes it), so build scripts may compose stages under one lock.

With a shard (SPEC section 11) only the shard's own articles' catalogs are
translated and written. The translation memory of every locale is taken when
the run starts, from all catalogs, in every mode: what a run writes never
depends on another run's (or shard's) timing.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import polib

from localize.catalog import parsed as lending
from localize.catalog.pofile import load_po
from localize.catalog.state import entry_state
from localize.catalog.status import catalog_counts, remember_counts
from localize.catalog.tm import (
    MEMORY_ENGINE,
    CatalogFacts,
    TranslationMemory,
    catalog_pairs,
    fill_from_memory,
    load_imported_pairs,
    pair_count,
    remember_facts,
)
from localize.config import EngineSettings
from localize.engines import get_engine
from localize.engines.base import Engine
from localize.failures import FailureLog
from localize.glossary import Glossary, load_project_glossary
from localize.locales import LocaleInfo
from localize.parallel import parallel_map
from localize.project import Project
from localize.qa.memo import memo as qa_memo
from localize.shard import Shard
from localize.stamps import project_digests, save_project_digests
from localize.statmemo import in_stat_memo
from localize.store import Store, open_store
from localize.translate.cache import TranslationCache
from localize.translate.driver import CharBudget, DriverLimits, TokenBucket
from localize.translate.fanout import fan_out_workers, run_fanned_out
from localize.translate.noop import NoopMemo, UntouchedCatalogs, settled
from localize.translate.progress import Progress, make_progress
from localize.translate.report import EngineLocaleReport, TranslateReport, estimate_cost
from localize.translate.rounds import LocalePass, PassContext, RoundTally
from localize.translate.work import (
    CallOnce,
    Catalog,
    WorkItem,
    by_slug,
    save_catalogs,
    select_work,
)

#: A locale's catalogs are translated in groups of about this many entries, each parsed,
#: translated, saved and let go before the next is read: memory holds one group, not the
#: locale. Identical texts in two groups reach a cached engine once (offline ones twice).
GROUP_ENTRIES = 10_000


#: Catalogs to parse at least, for ``--jobs`` processes to parse them (fewer: a pool costs more).
PARALLEL_PARSE = 200


def _load_catalog(_context: None, path: Path) -> polib.POFile:
    return load_po(path)


class _RunState:
    """What the locales of one run share: cap, rate buckets, cache, glossary, display."""

    def __init__(self, project: Project, dry_run: bool, max_chars: int | None, progress: Progress,
                 shard: Shard | None = None, jobs: int | None = 1):
        self.project = project
        self.dry_run = dry_run
        self.budget = CharBudget(max_chars)
        self.progress = progress
        self.shard = shard
        self.buckets: dict[tuple[str, str | None], TokenBucket] = {}
        self.store: Store = open_store(project.state_dir, project.settings.store_url)
        self._cache: TranslationCache | None = None
        self._glossary: Glossary | None = None
        self.imported: dict[str, dict[str, dict[str, str]]] = {}
        self.facts: dict[str, CatalogFacts] = {}
        self.jobs = jobs
        #: counts of the catalogs the passes saved, for ``status`` (one write of its memo at close)
        self.counted: list[tuple[Path, str, dict[str, str], dict[str, int]]] = []

    def snapshot(self, targets: Sequence[LocaleInfo]) -> None:
        """Take every locale's translation memory now, before this run writes anything.

        Each catalog's pairs come from the TM memo while its bytes are unchanged, so only
        catalogs changed since they were last written are parsed (and so validated) here.
        """
        for number, locale in enumerate(targets):
            facts = CatalogFacts.read(self.project, locale)
            if number:  # only the first locale's parses are held until its pass (memory)
                facts.parsed.clear()
            self.facts[locale.posix] = facts
            self.imported[locale.posix] = load_imported_pairs(self.project, locale)

    def memory(self, locale: LocaleInfo) -> TranslationMemory:
        """The locale's memory, as the snapshot found it: made when its pass starts and let go
        with it, so a run holds one locale's look-up tables at a time (the pairs are shared)."""
        return TranslationMemory.from_facts(self.facts[locale.posix], self.imported[locale.posix])

    def catalog_groups(self, locale: LocaleInfo, refresh_stale: bool) -> tuple[list[list[tuple[str, Path]]], int]:
        """(slug, path) of this run's catalogs of ``locale`` that have work (the shard's own), in
        groups of about ``GROUP_ENTRIES`` entries, counted from the TM memo's facts unparsed;
        and how many entries they hold in all.

        A catalog with no missing entry has nothing for the TM pass or an engine, so it is
        not parsed at all (unless --refresh-stale, which needs its stale entries). The llm
        engine's pass takes the locale in one group.
        """
        facts = self.facts[locale.posix]
        groups: list[list[tuple[str, Path]]] = [[]]
        size = total = 0
        for slug, path in facts.paths.items():
            pairs = facts.pairs[self.project.relative(path)]
            if (self.shard is None or self.shard.owns(slug)) and (refresh_stale or pairs["missing"]):
                entries = pairs["missing"] + pair_count(pairs, "reviewed") + pair_count(pairs, "machine")
                if groups[-1] and size + entries > GROUP_ENTRIES:
                    groups.append([])
                    size = 0
                groups[-1].append((slug, path))
                size += entries
                total += entries
        return groups, total

    def parse(self, locale: LocaleInfo, group: list[tuple[str, Path]]) -> list[Catalog]:
        """A group's catalogs parsed (or as the TM snapshot parsed them, or as extract spilled
        them in this run: ``catalog.parsed``).

        Parsing is most of this stage's own work on a cold run, so ``jobs`` processes
        parse a large group and send the catalogs back (unpickling is a fifth of parsing).
        """
        parsed = self.facts[locale.posix].parsed
        known = [parsed.pop(self.project.relative(path), None) for _, path in group]
        known = [lending.fresh(path) if po is None else po for (_, path), po in zip(group, known, strict=True)]
        todo = [path for (_, path), po in zip(group, known, strict=True) if po is None]
        fresh = iter(parallel_map(_load_catalog, todo, self.jobs if len(todo) >= PARALLEL_PARSE else 1))
        return [Catalog(slug, path, po if po is not None else next(fresh))
                for (slug, path), po in zip(group, known, strict=True)]

    def cache(self) -> TranslationCache | None:
        """The project's cache; a dry run never creates one."""
        if self._cache is None and (not self.dry_run or self.store.has_answers()):
            self._cache = TranslationCache.on(self.store)
        return self._cache

    def glossary(self) -> Glossary:
        if self._glossary is None:
            self._glossary = load_project_glossary(self.project)
        return self._glossary

    def bucket(self, engine: Engine, limits: DriverLimits) -> TokenBucket:
        """One token bucket per engine and endpoint for the whole run."""
        key = (engine.name, engine.settings.url)
        if key not in self.buckets:
            self.buckets[key] = TokenBucket(limits.rate_limit)
        return self.buckets[key]

    def close(self) -> None:
        self.progress.close()
        self.store.close()
        if self.counted:
            remember_counts(self.project, self.counted)


@in_stat_memo
def translate_project(
    project: Project,
    locales: Sequence[LocaleInfo] | None = None,
    engine_override: str | None = None,
    dry_run: bool = False,
    max_chars: int | None = None,
    refresh_stale: bool = False,
    retry_failed: bool = False,
    progress: bool = True,
    quiet: bool = False,
    shard: Shard | None = None,
    jobs: int | None = 1,
    save_verdicts: bool = True,
) -> TranslateReport:
    """Translate every target locale (or ``locales``); see the module docstring.

    ``jobs``: processes for an offline engine's pass (None: one per core); the catalogs
    written are the same for any number. ``save_verdicts``: write the QA verdicts this run
    reached to ``.localize/qa-memo.json`` (``run`` leaves that to its check stage).

    Raises EngineError (exit 2) when an engine refuses every request of a locale,
    and re-raises KeyboardInterrupt after saving what finished (exit 130).
    """
    started = time.monotonic()
    targets = tuple(locales) if locales else project.settings.target_locales
    state = _RunState(project, dry_run, max_chars, make_progress(progress, quiet), shard, jobs)
    rows: list[EngineLocaleReport] = []
    if not dry_run:
        qa_memo.load(project.state_dir)  # pairs judged by earlier runs are not judged again
    try:
        memo = None if dry_run else NoopMemo(project, state.store, shard, (refresh_stale, retry_failed))
        idle = {locale.posix for locale in targets if memo is not None
                and memo.unchanged(locale, project.settings.engine_for(locale, engine_override))}
        state.snapshot([locale for locale in targets if locale.posix not in idle])
        for locale in targets:
            if locale.posix in idle:
                rows.append(_idle_row(state, locale, engine_override))
                continue
            rows.append(
                _translate_locale(state, locale, engine_override, refresh_stale, retry_failed, memo)
            )
    finally:
        state.close()
        if save_verdicts and not dry_run:
            qa_memo.save(project.state_dir)  # so a check after this run judges nothing again
        save_project_digests(project.state_dir)
    return TranslateReport(
        dry_run=dry_run,
        engines=tuple(rows),
        elapsed_s=time.monotonic() - started,
        max_chars_reached=state.budget.refused,
    )


def _translate_locale(
    state: _RunState,
    locale: LocaleInfo,
    engine_override: str | None,
    refresh_stale: bool,
    retry_failed: bool,
    memo: NoopMemo | None = None,
) -> EngineLocaleReport:
    """The locale's catalogs group by group (see ``GROUP_ENTRIES``), then its report row."""
    groups, entries = state.catalog_groups(locale, refresh_stale)
    # Lent to check and build in memory only when all of it can be: a share of a large locale
    # would cost more memory than the parses it saves; within a run, it is spilled instead.
    run = _LocaleRun(state, locale, state.project.settings.engine_for(locale, engine_override),
                     FailureLog.load(state.store, locale), (refresh_stale, retry_failed),
                     lend=entries <= lending.BUDGET)
    if run.settings.name == "llm":  # its pass plans requests over the whole locale's articles
        groups = [[catalog for group in groups for catalog in group]]
    skipping = UntouchedCatalogs(state.project, locale, run.memory, memo) if (
        run.settings.name == MEMORY_ENGINE and memo is not None and not state.dry_run) else None
    try:
        for number, group in enumerate(groups):
            if skipping is not None:
                group = skipping.to_fill(group)
            run.translate(state.parse(locale, group), f"{number + 1}/{len(groups)}" if len(groups) > 1 else "")
            if skipping is not None:
                skipping.filled(group)
    finally:
        run.flush()  # the last group's save, or the one an error came before
    if skipping is not None:
        skipping.save()
    state.facts[locale.posix].parsed.clear()  # another shard's catalogs: not ours to keep
    if memo is not None and not state.dry_run:
        memo.record(locale, run.settled)
    return run.row()


class _LocaleRun:
    """One locale's pass over its groups of catalogs: what each group adds up to."""

    def __init__(self, state: _RunState, locale: LocaleInfo, settings: EngineSettings, failures: FailureLog,
                 flags: tuple[bool, bool], lend: bool) -> None:
        self.state, self.locale, self.settings, self.failures = state, locale, settings, failures
        self.flags = flags  # (refresh_stale, retry_failed)
        self.lend = lend  # whether to lend the catalogs it saves (see ``catalog.parsed``)
        self.memory = state.memory(locale)
        self.tally = RoundTally()
        self.tm_hits = 0
        self.offset = 0  # items of the groups before: keeps the tallies' item numbers apart
        self.settled = True
        self.context: PassContext | None = None
        self.llm: ModuleType | None = None
        self.locale_pass: LocalePass | None = None
        self.pending = CallOnce(None)  # the last group's save, when it waits for the next group

    def translate(self, catalogs: list[Catalog], part: str) -> None:
        state, project = self.state, self.state.project
        filled = 0
        if not state.dry_run:
            filled = fill_from_memory(project, self.locale, catalogs=by_slug(catalogs), memory=self.memory).hits
            self.tm_hits += filled
        items, _ = select_work(catalogs, self.failures, *self.flags)
        if state.dry_run:
            items, hits = _without_memory_matches(self.memory, project.settings.fuzzy_threshold, items)
            self.tm_hits += hits
        if self.settings.name == MEMORY_ENGINE:
            # The memory alone gives the same catalogs the same answers: a pass that filled
            # nothing left the locale as it found it, so the next one may skip it too.
            self.settled = self.settled and (filled == 0 or settled([c.po for c in catalogs], self.flags[0]))
            if not state.dry_run:
                digests = project_digests(project.state_dir)
                self._count([(c, digests(c.path)) for c in catalogs])  # as the memory pass saved them
                self._lend(catalogs)
            return
        context = replace(self._context(), part=part)
        llm = self.llm
        locale_pass: LocalePass = (
            llm.LLMLocalePass(context, items, catalogs)
            if llm is not None and llm.uses_llm_pass(context.engine) else LocalePass(context, items)
        )
        self.locale_pass = locale_pass
        if state.dry_run:
            self._add(locale_pass.estimate(), len(items))
            return
        self._add(self._run(context, locale_pass, catalogs, items), len(items))

    def _run(self, context: PassContext, locale_pass: LocalePass, catalogs: list[Catalog],
             items: list[WorkItem]) -> RoundTally:
        """The pass, then every catalog saved and handed on (counts, parse, TM pairs).

        With ``--jobs`` processes, the group is saved while the next group's processes work
        (or when the locale ends: :meth:`flush`); on any error, before it propagates.
        """
        touched = {item.catalog for item in items}  # the TM pass saved what it filled itself
        workers = 1 if self.llm is not None else fan_out_workers(context, items, self.state.jobs)
        save = CallOnce(lambda: self._save(catalogs, touched))
        previous = self.pending  # made at most once: here, or before an error propagates
        try:
            if workers > 1:
                tally = run_fanned_out(context, items, workers, meanwhile=previous)
            else:
                previous()
                tally = locale_pass.run()
        except BaseException:
            try:
                previous()
            finally:
                save()
            raise
        if workers > 1 or locale_pass.started:
            self.state.progress.finish(f"{tally.translated} translated, {len(tally.failures)} failed")
        if workers > 1:
            self.pending = save
        else:
            save()
        return tally

    def flush(self) -> None:
        """Save the group whose save waits for the next group's processes, if any."""
        self.pending()

    def _save(self, catalogs: list[Catalog], touched: set[int]) -> None:
        project, saved = self.state.project, []
        try:
            save_catalogs([c for i, c in enumerate(catalogs) if i in touched], saved)
        finally:
            self.failures.save()
        digests = project_digests(project.state_dir)  # what it wrote is recorded as written
        known = [(c, digests.remember(c.path, data)) for c, data in saved]
        known += [(c, digests(c.path)) for i, c in enumerate(catalogs) if i not in touched]  # saved by the TM pass, if at all
        self._count(known)
        self._lend(catalogs)
        remember_facts(project, self.locale, [(c.path, digest, catalog_pairs(c.po)) for c, digest in known])
        self.settled = self.settled and settled([c.po for c in catalogs], self.flags[0])

    def _count(self, known: list[tuple[Catalog, str]]) -> None:
        """Counts of each catalog (with the digest of the bytes it was saved as) for ``status``:
        the table ``run`` prints next need not parse them all again."""
        self.state.counted += [(c.path, digest, reasons, catalog_counts(c.po, reasons))
                               for c, digest in known for reasons in (self.failures.for_slug(c.slug),)]

    def _lend(self, catalogs: list[Catalog]) -> None:
        """Hand the catalogs, as saved, to check and build, which read them next (``catalog.parsed``)."""
        for catalog in catalogs:
            if self.lend:
                lending.keep(catalog.path, catalog.po)
            elif lending.spilling():
                lending.spill(catalog.path, catalog.po)

    def _context(self) -> PassContext:
        """The engine and what its passes share, made when the first group needs them."""
        if self.context is None:
            state = self.state
            engine = get_engine(self.settings)
            limits = DriverLimits.for_engine(engine)
            self.llm = _llm_pass(engine)
            self.context = PassContext(
                engine=engine,
                source=state.project.settings.source_locale,
                target=self.locale,
                glossary=state.glossary(),
                cache=None if engine.is_offline else state.cache(),
                bucket=state.bucket(engine, limits),
                budget=state.budget,
                progress=state.progress,
                failures=self.failures,
                limits=limits,
            )
        return self.context

    def _add(self, tally: RoundTally, items: int) -> None:
        total, offset = self.tally, self.offset
        total.segments |= {offset + index for index in tally.segments}
        total.capped |= {offset + index for index in tally.capped}
        total.cache_hits += tally.cache_hits
        total.characters += tally.characters
        total.requests += tally.requests
        total.retries += tally.retries
        total.translated += tally.translated
        total.failures += tally.failures
        self.offset += items

    def row(self) -> EngineLocaleReport:
        if self.settings.name == MEMORY_ENGINE:
            return EngineLocaleReport(MEMORY_ENGINE, self.locale.bcp47, tm_hits=self.tm_hits)
        context = self._context()  # a locale with no catalog to translate still names its engine
        row = _row(context.engine.name, self.locale, self.tally, self.tm_hits,
                   self.settings.price_per_million_chars)
        if self.llm is None:
            return row
        return self.llm.llm_row(row, context.engine, self.locale_pass, self.state.dry_run,
                                self.state.project.settings.source_locale)


def _idle_row(state: _RunState, locale: LocaleInfo, engine_override: str | None) -> EngineLocaleReport:
    """The report of a locale the no-op memo skipped: what a pass with nothing to do reports."""
    settings = state.project.settings.engine_for(locale, engine_override)
    if settings.name == MEMORY_ENGINE:
        return EngineLocaleReport(MEMORY_ENGINE, locale.bcp47)
    state.glossary()  # read (so checked) as a pass would: a broken glossary is an error here too
    engine = get_engine(settings)
    row = _row(engine.name, locale, RoundTally(), 0, settings.price_per_million_chars)
    llm = _llm_pass(engine)
    if llm is None:
        return row
    return llm.llm_row(row, engine, None, False, state.project.settings.source_locale)


def _llm_pass(engine: Engine) -> ModuleType | None:
    """The llm pass's module for the llm engine, else None: only its runs pay for importing it
    (and the prompt templating it brings)."""
    if engine.name != "llm":
        return None
    from localize.translate import llm_pass

    return llm_pass


def _row(
    engine: str, locale: LocaleInfo, tally: RoundTally, tm_hits: int, price: float | None
) -> EngineLocaleReport:
    return EngineLocaleReport(
        engine=engine,
        locale=locale.bcp47,
        segments=len(tally.segments - tally.capped),
        characters=tally.characters,
        cache_hits=tally.cache_hits,
        tm_hits=tm_hits,
        requests=tally.requests,
        retries=tally.retries,
        failed=len(tally.failures),
        estimated_cost=estimate_cost(tally.characters, price),
        translated=tally.translated,
        capped=len(tally.capped),
        failures=tuple(tally.failures),
    )


def _without_memory_matches(
    memory: TranslationMemory, threshold: float, items: list[WorkItem]
) -> tuple[list[WorkItem], int]:
    """Dry run: what the TM pass would fill (exact or near), computed without writing."""
    kept: list[WorkItem] = []
    hits = 0
    for item in items:
        if entry_state(item.entry) == "missing" and (
            memory.exact(item.msgid) is not None or memory.near(item.msgid, threshold) is not None
        ):
            hits += 1
        else:
            kept.append(item)
    return kept, hits
