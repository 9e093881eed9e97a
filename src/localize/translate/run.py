"""``localize translate``: translation memory, then cache, then an engine, locale by locale.

For each target locale: the TM pass (SPEC section 7) fills what the project's
own catalogs already know; the entries still missing (plus stale ones with
--refresh-stale, and failed ones with --retry-failed) are masked, looked up
in the cache and sent to the locale's engine; results are written as fuzzy
machine entries and each catalog is saved atomically after its locale, or
on Ctrl-C with whatever finished. The project lock is the caller's job (the
CLI takes it), so build scripts may compose stages under one lock.

With a shard (SPEC section 11) only the shard's own articles' catalogs are
translated and written. The translation memory of every locale is taken when
the run starts, from all catalogs, in every mode: what a run writes never
depends on another run's (or shard's) timing.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from types import ModuleType

from localize.catalog.parsed import keep as keep_parsed
from localize.catalog.pofile import load_po
from localize.catalog.state import entry_state
from localize.catalog.status import catalog_counts, remember_counts
from localize.catalog.tm import (
    MEMORY_ENGINE,
    CatalogFacts,
    TranslationMemory,
    fill_from_memory,
    load_imported_pairs,
    remember_pairs,
)
from localize.engines import get_engine
from localize.engines.base import Engine
from localize.failures import FailureLog
from localize.glossary import Glossary, load_project_glossary
from localize.locales import LocaleInfo
from localize.project import Project
from localize.qa.memo import memo as qa_memo
from localize.shard import Shard
from localize.stamps import save_project_digests
from localize.store import Store, open_store
from localize.translate.cache import TranslationCache
from localize.translate.driver import CharBudget, DriverLimits, TokenBucket
from localize.translate.fanout import fan_out_workers, run_fanned_out
from localize.translate.noop import NoopMemo
from localize.translate.progress import Progress, make_progress
from localize.translate.report import EngineLocaleReport, TranslateReport, estimate_cost
from localize.translate.rounds import LocalePass, PassContext, RoundTally
from localize.translate.work import (
    Catalog,
    WorkItem,
    by_slug,
    save_catalogs,
    select_work,
)


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
        self.memories: dict[str, TranslationMemory] = {}
        self.facts: dict[str, CatalogFacts] = {}
        self.jobs = jobs

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
            self.memories[locale.posix] = TranslationMemory.from_facts(
                facts, load_imported_pairs(self.project, locale)
            )

    def catalogs(self, locale: LocaleInfo, refresh_stale: bool) -> list[Catalog]:
        """This run's catalogs of ``locale`` that have work (the shard's own), parsed.

        A catalog with no missing entry has nothing for the TM pass or an engine, so it is
        not parsed at all (unless --refresh-stale, which needs its stale entries).
        """
        facts = self.facts[locale.posix]
        catalogs = []
        for slug, path in facts.paths.items():
            relative = self.project.relative(path)
            if (self.shard is None or self.shard.owns(slug)) and (
                refresh_stale or facts.pairs[relative]["missing"]
            ):
                parsed = facts.parsed.pop(relative, None)
                catalogs.append(Catalog(slug, path, parsed if parsed is not None else load_po(path)))
        facts.parsed.clear()  # another shard's catalogs: not ours to keep
        return catalogs

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
    project = state.project
    settings = project.settings.engine_for(locale, engine_override)
    catalogs = state.catalogs(locale, refresh_stale)  # parsed once: the TM pass fills these
    memory = state.memories[locale.posix]
    tm_hits = 0
    if not state.dry_run:
        tm_hits = fill_from_memory(project, locale, catalogs=by_slug(catalogs), memory=memory).hits
    failures = FailureLog.load(state.store, locale)
    items, _ = select_work(catalogs, failures, refresh_stale, retry_failed)
    if state.dry_run:
        items, tm_hits = _without_memory_matches(memory, project.settings.fuzzy_threshold, items)
    if settings.name == MEMORY_ENGINE:
        if memo is not None:
            memo.record(locale, [catalog.po for catalog in catalogs])
        return EngineLocaleReport(MEMORY_ENGINE, locale.bcp47, tm_hits=tm_hits)
    engine = get_engine(settings)
    limits = DriverLimits.for_engine(engine)
    context = PassContext(
        engine=engine,
        source=project.settings.source_locale,
        target=locale,
        glossary=state.glossary(),
        cache=None if engine.is_offline else state.cache(),
        bucket=state.bucket(engine, limits),
        budget=state.budget,
        progress=state.progress,
        failures=failures,
        limits=limits,
    )
    llm = _llm_pass(engine)
    locale_pass: LocalePass = (
        llm.LLMLocalePass(context, items, catalogs)
        if llm is not None and llm.uses_llm_pass(engine) else LocalePass(context, items)
    )
    if state.dry_run:
        tally = locale_pass.estimate()
    else:
        saved: list[tuple[Catalog, bytes]] = []
        touched = {item.catalog for item in items}  # the TM pass saved what it filled itself
        workers = 1 if llm is not None else fan_out_workers(context, items, state.jobs)
        try:
            tally = run_fanned_out(context, items, workers) if workers > 1 else locale_pass.run()
        finally:
            save_catalogs([c for i, c in enumerate(catalogs) if i in touched], saved)
            failures.save()
        saved += [(c, c.path.read_bytes()) for i, c in enumerate(catalogs) if i not in touched]
        remember_counts(project, [
            (c.path, data, reasons, catalog_counts(c.po, reasons))
            for c, data in saved
            for reasons in (failures.for_slug(c.slug),)
        ])
        for catalog, data in saved:  # check and build read these next: lend them the parse
            keep_parsed(catalog.path, data, catalog.po)
        remember_pairs(project, locale, [(c.path, data, c.po) for c, data in saved])
        if memo is not None:
            memo.record(locale, [catalog.po for catalog in catalogs])
        if workers > 1 or locale_pass.started:
            state.progress.finish(f"{tally.translated} translated, {len(tally.failures)} failed")
    row = _row(engine.name, locale, tally, tm_hits, settings.price_per_million_chars)
    if llm is None:
        return row
    return llm.llm_row(row, engine, locale_pass, state.dry_run, project.settings.source_locale)


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
