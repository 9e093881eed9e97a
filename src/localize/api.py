"""The library's short list for build scripts: one function per pipeline stage.

    from localize.api import Project, extract_project, translate_project, build_site
    project = Project.open("path/to/project")
    extract_project(project)
    translate_project(project, engine_override="memory")
    build_site(project)

Each function lives in its stage's module; this module only gathers them and
adds the two compositions the CLI needs (``segment_file`` and ``run_pipeline``).
"""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from localize.config import CONFIG_NAME, load_settings
from localize.errors import EXIT_NEEDS_ATTENTION, InputError
from localize.locales import LocaleInfo, parse_locale
from localize.model import Segment
from localize.project import Project
from localize.shard import Shard

_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def __getattr__(name: str) -> Any:
    """Stage functions are imported on first use so ``import localize.api`` stays cheap."""
    modules = {
        "read_document": "localize.readers",
        "segment_document": "localize.segmentation",
        "extract_project": "localize.catalog.extract",
        "project_status": "localize.catalog.status",
        "translate_project": "localize.translate",
        "check_project": "localize.qa",
        "build_site": "localize.site",
        "build_markdown": "localize.mdout",
        "check_site": "localize.site",
    }
    if name in modules:
        import importlib

        return getattr(importlib.import_module(modules[name]), name)
    raise AttributeError(name)


def guess_language(text: str) -> LocaleInfo:
    """A best guess for a file outside any project: kana -> ja, Han -> zh-Hant, else en."""
    if _KANA.search(text):
        return parse_locale("ja")
    if _HAN.search(text):
        return parse_locale("zh-Hant")
    return parse_locale("en")


def segment_file(file: Path, locale_code: str | None, project_dir: Path) -> tuple[Segment, ...]:
    """Read and segment one file in the given locale, the project's source locale, or a guess."""
    if not file.is_file():
        raise InputError("no such file", file)
    from localize.readers import read_document
    from localize.segmentation import segment_document

    settings = load_settings(project_dir.resolve()) if (project_dir / CONFIG_NAME).is_file() else None
    keys = settings.front_matter_keys if settings is not None else ()
    document = read_document(file, source_path=str(file), front_matter_keys=keys)
    if locale_code:
        locale = parse_locale(locale_code)
    elif settings is not None:
        locale = settings.source_locale
    else:
        locale = guess_language(document.text)
    return segment_document(document, locale)


@dataclass
class PipelineOutcome:
    """What ``localize run`` did, stage by stage."""

    project: Project
    reports: dict[str, Any] = field(default_factory=dict)
    exit_code: int = 0
    elapsed_s: float = 0.0
    #: the ``status --json`` document as the run left the catalogs
    status: dict[str, Any] | None = None

    def to_text(self) -> str:
        from localize.catalog.status import project_status, render_status

        site = self.reports.get("build")
        markdown = self.reports.get("markdown")
        lines = [f"Site built in {site.out} ({self.elapsed_s:.1f} s)."] if site is not None else []
        if markdown is not None:
            lines.append(f"Markdown ({markdown.layout} layout) written in {markdown.out} "
                         f"({self.elapsed_s:.1f} s).")
        lines.append(render_status(self.status if self.status is not None else project_status(self.project)))
        return "\n".join(lines)

    @property
    def warnings(self) -> list[str]:
        """What needs a person, for standard error."""
        found = list(self.reports["translate"].warnings) if "translate" in self.reports else []
        check = self.reports.get("check")
        if check is not None and check.errors:
            found.append(f"QA found {check.errors} error(s): run 'localize check' for the list; "
                         "those segments show their fallback on the pages.")
        if self.reports.get("markdown-skipped"):
            found.append("the Markdown output is written whole, not by a shard: "
                         "run 'localize build --finalize' once every shard is done.")
        return found


def run_pipeline(project: Project, progress: bool = True, quiet: bool = False,
                 shard: Shard | None = None, jobs: int | None = 1,
                 formats: tuple[str, ...] | None = None, layout: str | None = None) -> PipelineOutcome:
    """extract, translate, check, build (SPEC section 5); build runs even when check finds errors.

    With ``shard`` every stage takes only the shard's articles (SPEC section 11).
    ``jobs``: processes for the CPU stages (None: one per core); the output is the same for any.
    ``formats`` (default: the ``formats`` setting) picks HTML (into ``site/``) and/or
    Markdown (into ``site-md/``, in ``layout`` or ``[markdown] layout``); the Markdown
    output is written whole, so a shard leaves it to ``build --finalize``.
    """
    from localize.catalog.parsed import sharing
    from localize.catalog.status import project_status
    from localize.stamps import digests_saved_once
    from localize.statmemo import stat_memo

    # one memo across the stages: each file is stat'ed once in the run (and its digest saved
    # once); and catalogs translate holds are handed to check and the builds (spilled when
    # they do not fit)
    with stat_memo(), digests_saved_once(), sharing(project.state_dir):
        outcome = _run_stages(project, progress, quiet, shard, jobs, formats, layout)
        outcome.status = project_status(project)  # in the run's memo: nothing is stat'ed again
    return outcome


def _markdown_alongside(project: Project, formats: tuple[str, ...], shard: Shard | None,
                        layout: str | None) -> contextlib.AbstractContextManager[Any]:
    """With the HTML build first and the Markdown build next, the HTML build's readers render
    each article's Markdown files too, so the Markdown build need not read them again."""
    if shard is not None or "html" not in formats or "markdown" not in formats[formats.index("html"):]:
        return contextlib.nullcontext()
    from localize.mdout.build import MarkdownAlongside

    return MarkdownAlongside(project, layout)


def _run_stages(project: Project, progress: bool, quiet: bool, shard: Shard | None, jobs: int | None,
                formats: tuple[str, ...] | None, layout: str | None) -> PipelineOutcome:
    from localize.catalog.extract import extract_project
    from localize.catalog.hashes import ExtractState
    from localize.fileio import batched_dir_sync
    from localize.qa import check_project
    from localize.site import build_site
    from localize.translate import translate_project

    started = time.monotonic()
    outcome = PipelineOutcome(project)
    with batched_dir_sync():
        outcome.reports["extract"] = extract_project(project, shard=shard, jobs=jobs)
    extracted = ExtractState.load(project, None if shard is None else shard.state_dir(project.state_dir))
    merged = extracted.output_stamps(project)
    with batched_dir_sync():
        translated = translate_project(project, progress=progress, quiet=quiet, shard=shard, jobs=jobs,
                                       save_verdicts=False)  # check, next, saves them
        extracted.restamp(project, merged)  # translate's writes are no reason to extract again
    outcome.reports["translate"] = translated
    checked = check_project(project, None, shard=shard, jobs=jobs)
    outcome.reports["check"] = checked
    formats = tuple(formats or project.settings.formats)
    with _markdown_alongside(project, formats, shard, layout) as alongside:
        for fmt in formats:
            if fmt == "html":
                outcome.reports["build"] = build_site(project, None, None, shard=shard, jobs=jobs,
                                                      companion=alongside)
            elif shard is not None:
                outcome.reports["markdown-skipped"] = True
            else:
                from localize.mdout import build_markdown

                outcome.reports["markdown"] = build_markdown(project, None, None, layout, jobs=jobs,
                                                             alongside=alongside)
    if translated.exit_code or checked.errors:
        outcome.exit_code = EXIT_NEEDS_ATTENTION
    outcome.elapsed_s = time.monotonic() - started
    return outcome
