"""``--jobs`` for an offline engine: one locale's rounds in several processes.

An offline engine (OpenCC, pseudo) translates on this machine's CPU, as do the
masking and the verification around every entry, so one process leaves the
other cores idle. Here the work items are split into groups, every entry of one
source text in the same group (so no text is masked, translated and verified by
two processes); each worker (forked, so it reads the parent's parsed catalogs
without copying them) runs an ordinary :class:`LocalePass` over its group and
returns each entry's outcome. The parent applies the outcomes in item order,
exactly as the pass would have, so the catalogs and failure records written are
the same as with one process. ``characters`` counts each distinct text once, as one process
sends it; ``requests`` is the sum of the workers' batches.

Not used for engines that send requests (the driver's threads already keep a
service busy, and the cache, the in-flight locks and ``--max-chars`` are
shared between requests), nor for the llm pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from localize.catalog.pofile import mark_machine
from localize.parallel import default_jobs, parallel_map
from localize.qa.memo import memo as qa_memo
from localize.translate.progress import Progress
from localize.translate.report import Failure
from localize.translate.rounds import LocalePass, PassContext, RoundTally
from localize.translate.work import WorkItem

#: Fewer items than this per process are not worth a process.
MIN_ITEMS_PER_WORKER = 1000


@dataclass(frozen=True)
class GroupOutcome:
    """What one worker's pass did to its group (indices are positions in the group)."""

    translations: dict[int, str]
    failures: dict[int, str]  # index -> why the entry failed
    segments: frozenset[int]
    sent: frozenset[str]  # distinct texts handed to the engine
    requests: int
    retries: int
    verdicts: dict[str, tuple]  # QA verdicts the worker reached, for the parent's memo


def fan_out_workers(context: PassContext, items: Sequence[WorkItem], jobs: int | None) -> int:
    """How many processes the pass would use (1: run it here, as usual)."""
    if not context.engine.is_offline or context.budget.limit is not None:
        return 1
    wanted = default_jobs() if jobs is None else jobs
    return max(1, min(wanted, len(items) // MIN_ITEMS_PER_WORKER))


def run_fanned_out(context: PassContext, items: Sequence[WorkItem], workers: int,
                   meanwhile: Callable[[], None] | None = None) -> RoundTally:
    """The pass over ``items`` in ``workers`` processes; entries and failures written here.
    ``meanwhile`` runs here while the processes work (the save of the group before)."""
    groups = text_groups(items, workers * 4)  # a few per process, so a slow one does not hold the rest
    context.progress.start(context.label, len(items))
    if context.glossary is not None:
        context.glossary.prepare()
    quiet = replace(context, progress=Progress())
    outcomes = parallel_map(_run_group, groups, workers, (quiet, list(items)), meanwhile)
    tally = RoundTally()
    sent: set[str] = set()
    _apply(context, items, groups, outcomes, tally)
    for outcome in outcomes:
        for key, results in outcome.verdicts.items():  # check and build need not judge them again
            qa_memo.put(key, results)
        sent |= outcome.sent
        tally.requests += outcome.requests
        tally.retries += outcome.retries
    tally.characters = sum(len(text) for text in sent)
    context.budget.reserve(tally.characters)
    context.progress.advance(len(items))
    return tally


def text_groups(items: Sequence[WorkItem], count: int) -> list[list[int]]:
    """Item indices in about ``count`` groups of as many distinct texts each (texts in the
    order they first occur), every item of a text in its group, each group in item order."""
    by_text: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        by_text.setdefault(item.msgid, []).append(index)
    texts = list(by_text.values())
    bounds = [len(texts) * k // count for k in range(count + 1)]
    groups = [sorted(i for indices in texts[bounds[k]:bounds[k + 1]] for i in indices) for k in range(count)]
    return [group for group in groups if group]


def _apply(context: PassContext, items: Sequence[WorkItem], groups: Sequence[Sequence[int]],
           outcomes: Sequence[GroupOutcome], tally: RoundTally) -> None:
    """Write every group's results in item order, as ``LocalePass._succeed`` and ``_fail`` would have."""
    translated: dict[int, str] = {}
    failed: dict[int, str] = {}
    for group, outcome in zip(groups, outcomes, strict=True):
        tally.segments.update(group[position] for position in outcome.segments)
        translated.update((group[position], text) for position, text in outcome.translations.items())
        failed.update((group[position], reason) for position, reason in outcome.failures.items())
    for index in sorted(translated.keys() | failed.keys()):
        item = items[index]
        if index in translated:
            mark_machine(item.entry, translated[index], context.engine.provenance)
            context.failures.clear(item.slug, item.msgid)
            tally.translated += 1
        else:
            context.failures.record(item.slug, item.msgid, failed[index])
            tally.failures.append(Failure(item.slug, item.msgid, failed[index]))


class _RecordingPass(LocalePass):
    """A pass that also notes each entry's translation and failure, for the parent."""

    def __init__(self, context: PassContext, items: Sequence[WorkItem]):
        super().__init__(context, items)
        self.translations: dict[int, str] = {}
        self.failed: dict[int, str] = {}

    def _succeed(self, index: int, translation: str) -> None:
        self.translations[index] = translation
        super()._succeed(index, translation)

    def _fail(self, index: int, reason: str) -> None:
        self.failed[index] = reason
        super()._fail(index, reason)


def _run_group(shared: tuple[PassContext, list[WorkItem]], group: list[int]) -> GroupOutcome:
    """Worker: an ordinary pass over the group's items (its entries are this process's copies)."""
    context, items = shared
    qa_memo.added.clear()
    locale_pass = _RecordingPass(context, [items[index] for index in group])
    tally = locale_pass.run()
    return GroupOutcome(
        translations=locale_pass.translations,
        failures=locale_pass.failed,
        segments=frozenset(tally.segments),
        sent=frozenset(locale_pass.answers) | frozenset(locale_pass.failed_texts),
        requests=tally.requests,
        retries=tally.retries,
        verdicts={key: qa_memo.results[key] for key in qa_memo.added if key in qa_memo.results},
    )
