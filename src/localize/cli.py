"""The ``localize`` command: a thin click layer over the library (SPEC section 5).

Each command parses options, calls one library function and turns the result
into output and an exit status. Library errors become one line on standard
error and SPEC's exit codes; no traceback reaches the user.
"""

from __future__ import annotations

import gc
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from localize import __version__
from localize.errors import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    EXIT_NEEDS_ATTENTION,
    InputError,
    LocaleError,
    LocalizeError,
)
from localize.locales import LocaleInfo, parse_locale
from localize.lock import project_lock
from localize.project import Project
from localize.shard import Shard

log = logging.getLogger("localize")


class Context:
    """What every command needs: the project directory and the verbosity."""

    def __init__(self, project_dir: Path, quiet: bool):
        self.project_dir = project_dir
        self.quiet = quiet
        self._project: Project | None = None

    @property
    def project(self) -> Project:
        """Opened on first use, so ``init`` and ``segments`` work outside a project."""
        if self._project is None:
            self._project = Project.open(self.project_dir)
        return self._project

    def locales(self, codes: tuple[str, ...]) -> list[LocaleInfo] | None:
        """``--locale`` values, each one of the project's target locales."""
        if not codes:
            return None
        targets = self.project.settings.target_locales
        chosen = []
        for code in codes:
            locale = parse_locale(code)
            if locale not in targets:  # a typo or a missing locale must not pass as "nothing to do"
                names = ", ".join(t.bcp47 for t in targets)
                raise LocaleError(
                    f"{code!r} is not one of the project's target_locales ({names})",
                    self.project.config_path,
                )
            chosen.append(locale)
        return chosen


pass_context = click.make_pass_decorator(Context)
jobs_option = click.option(
    "--jobs", type=click.IntRange(min=1), default=None,
    help="Processes for reading, extracting, checking and building, and for an offline engine's "
         "translating (default: the number of cores).",
)


class ShardType(click.ParamType):
    """``--shard K/N`` (SPEC section 11); a bad value is a usage error (exit 2)."""

    name = "K/N"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Shard:
        if isinstance(value, Shard):
            return value
        try:
            return Shard.parse(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


shard_option = click.option(
    "--shard", type=ShardType(), default=None,
    help="Only the articles whose slug falls to shard K of N (1 <= K <= N); see docs/scaling.md.",
)


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--project",
    "project_dir",
    default=".",
    type=click.Path(file_okay=False, path_type=Path),
    help="The content project (default: the current directory).",
)
@click.option("--quiet", is_flag=True, help="Silence logs and progress on standard error.")
@click.version_option(__version__, prog_name="localize")
@click.pass_context
def cli(click_ctx: click.Context, project_dir: Path, quiet: bool) -> None:
    """Translate articles into parallel locale pages through reviewed gettext catalogs.

    \b
    Exit status: 0 success; 1 done, but a person must look (QA errors,
    failed entries, --max-chars reached); 2 bad usage or bad input;
    130 interrupted after saving what finished.
    """
    logging.basicConfig(format="%(message)s", stream=sys.stderr, force=True)
    log.setLevel(logging.WARNING if quiet else logging.INFO)
    click_ctx.obj = Context(project_dir, quiet)


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--source", "source", default="en", show_default=True, help="The source locale.")
@click.option("--target", "targets", multiple=True, help="A target locale (repeatable).")
@pass_context
def init(ctx: Context, directory: Path | None, source: str, targets: tuple[str, ...]) -> None:
    """Create localize.toml, content/, glossaries/ and locales/ in DIRECTORY.

    DIRECTORY defaults to the --project directory. An existing localize.toml is
    never overwritten.
    """
    from localize.scaffold import init_project

    root = init_project(directory or ctx.project_dir, source, list(targets))
    log.info("created a localize project in %s", root)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--locale", "locale_code", help="The language of FILE (default: the project's source locale).")
@click.option("--json", "as_json", is_flag=True, help="Print the segments as one JSON array.")
@pass_context
def segments(ctx: Context, file: Path, locale_code: str | None, as_json: bool) -> None:
    """Show how FILE is read and segmented: one line per sentence (line, block, kind, text).

    Works outside a project too; the language is then guessed from the text.
    """
    from localize.api import segment_file

    result = segment_file(file, locale_code, ctx.project_dir)
    if as_json:
        _emit_json([segment.to_json() for segment in result])
        return
    for segment in result:
        click.echo(f"{segment.line:>5}  {segment.block:>3}  {segment.kind:<11} {segment.text}")


@cli.command()
@shard_option
@jobs_option
@pass_context
def extract(ctx: Context, shard: Shard | None, jobs: int | None) -> None:
    """Write and merge POT and PO catalogs from content/.

    Unchanged articles are skipped. Reviewed translations are never changed;
    a changed sentence keeps its old translation as a stale (fuzzy) entry,
    a removed one becomes obsolete.
    """
    from localize.catalog.extract import extract_project

    with project_lock(ctx.project, shard):
        report = extract_project(ctx.project, shard=shard, jobs=jobs)
    log.info("%s", report)


@cli.command()
@click.option("--locale", "locale_codes", multiple=True, help="Only this target locale (repeatable).")
@click.option("--engine", "engine_name", help="Use this engine for every locale of the run (pseudo-locales keep theirs).")
@click.option("--dry-run", is_flag=True, help="Send nothing; report what would be sent and its cost.")
@click.option("--max-chars", type=click.IntRange(min=0), help="Hard cap on characters sent; no request starts that would pass it.")
@click.option("--refresh-stale", is_flag=True, help="Retranslate stale entries; the old translation is kept in a comment.")
@click.option("--retry-failed", is_flag=True, help="Try entries whose last attempt failed again.")
@click.option("--json", "as_json", is_flag=True, help="Print the run's figures as one JSON document.")
@shard_option
@jobs_option
@pass_context
def translate(
    ctx: Context,
    locale_codes: tuple[str, ...],
    engine_name: str | None,
    dry_run: bool,
    max_chars: int | None,
    refresh_stale: bool,
    retry_failed: bool,
    as_json: bool,
    shard: Shard | None,
    jobs: int | None,
) -> None:
    """Fill catalogs from translation memory, cache and machine translation.

    Only entries without a translation are sent; results are written as
    fuzzy machine entries. Every answer is cached, so a re-run never pays
    twice and an interrupted run resumes where it stopped.
    """
    from localize.translate import translate_project

    try:
        with project_lock(ctx.project, shard):
            report = translate_project(
                ctx.project,
                locales=ctx.locales(locale_codes),
                engine_override=engine_name,
                dry_run=dry_run,
                max_chars=max_chars,
                refresh_stale=refresh_stale,
                retry_failed=retry_failed,
                progress=not ctx.quiet,
                quiet=ctx.quiet,
                shard=shard,
                jobs=jobs,
            )
    except LocalizeError as exc:  # --json promises one JSON document, also on exit 2
        if as_json:
            _emit_json({"dry_run": dry_run, "engines": [], "elapsed_s": 0.0, "error": str(exc)})
        raise
    _emit_json(report.to_json()) if as_json else click.echo(report.to_text())
    for warning in report.warnings:
        log.warning("%s", warning)
    if report.exit_code:
        raise SystemExit(report.exit_code)


@cli.command()
@click.argument("site_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--locale", "locale_codes", multiple=True, help="Only this target locale (repeatable; catalogs only).")
@click.option("--site", is_flag=True, help="Validate a built site instead of the catalogs.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as one JSON document.")
@shard_option
@jobs_option
@pass_context
def check(
    ctx: Context, site_dir: Path | None, locale_codes: tuple[str, ...], site: bool, as_json: bool,
    shard: Shard | None, jobs: int | None,
) -> None:
    """QA of the catalogs, or with --site [SITE_DIR] of a built site.

    SITE_DIR defaults to <project>/site. Exit status 1 when there are errors;
    warnings alone exit 0.
    """
    if site_dir is not None and not site:
        raise click.UsageError("a directory is only taken with --site")
    if site and shard is not None:
        raise click.UsageError("--shard checks catalogs; check --site the finalized site")
    if site:
        from localize.site import check_site

        report = check_site(ctx.project, site_dir)
    else:
        from localize.qa import check_project

        report = check_project(ctx.project, ctx.locales(locale_codes), shard=shard, jobs=jobs)
    _emit_json(report.to_json()) if as_json else click.echo(report.to_text())
    if report.errors:
        raise SystemExit(EXIT_NEEDS_ATTENTION)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON document.")
@pass_context
def status(ctx: Context, as_json: bool) -> None:
    """Per article and locale: reviewed, machine, stale, missing, failed, obsolete."""
    from localize.catalog.status import project_status, render_status

    data = project_status(ctx.project)
    _emit_json(data) if as_json else click.echo(render_status(data))


_FORMAT = click.Choice(["html", "markdown"])
_LAYOUT_HELP = "Markdown layout: hugo, hugo-suffix, mkdocs, mkdocs-folder, docusaurus, starlight."


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output directory (default: <project>/site, or <project>/site-md for Markdown).")
@click.option("--publish", type=click.Choice(["reviewed", "machine"]), help="Override the publish setting.")
@click.option("--format", "fmt", type=_FORMAT, help="What to build (default: the formats setting).")
@click.option("--layout", help=_LAYOUT_HELP)
@click.option("--finalize", is_flag=True, help="Write what spans articles from the shards' records.")
@shard_option
@jobs_option
@pass_context
def build(ctx: Context, out: Path | None, publish: str | None, fmt: str | None, layout: str | None,
          finalize: bool, shard: Shard | None, jobs: int | None) -> None:
    """Build the locale pages, sitemap.xml and manifest.json, or the localized Markdown tree.

    Only files whose bytes change are written; pages no longer published
    are removed only if this tool wrote them and they are unchanged since.
    """
    formats = (fmt,) if fmt else ctx.project.settings.formats
    if out is not None and len(formats) > 1:
        raise click.UsageError("--out applies to one format: add --format html or --format markdown")
    if finalize and shard is not None:
        raise click.UsageError("--finalize runs once, after every --shard build")
    if shard is not None and fmt == "markdown":
        raise click.UsageError("the Markdown output is written whole: build it without --shard "
                               "(or with --finalize) once the shards are done")
    with project_lock(ctx.project, shard):
        for one in formats:
            if one == "html":
                from localize.site import build_site

                log.info("%s", build_site(ctx.project, out, publish, shard=shard, finalize=finalize,
                                          jobs=jobs))
            elif shard is None:
                from localize.mdout import build_markdown

                log.info("%s", build_markdown(ctx.project, out, publish, layout, jobs=jobs))


@cli.command()
@click.option("--format", "formats", type=_FORMAT, multiple=True,
              help="What to build (repeatable; default: the formats setting).")
@click.option("--layout", help=_LAYOUT_HELP)
@shard_option
@jobs_option
@pass_context
def run(ctx: Context, formats: tuple[str, ...], layout: str | None, shard: Shard | None,
        jobs: int | None) -> None:
    """Run extract, translate, check and build; exit 1 when something needs a person.

    The site is built even when check finds errors: those segments show
    their fallback (another locale's translation or the source text).
    """
    from localize.api import run_pipeline
    from localize.statmemo import stat_memo

    with project_lock(ctx.project, shard), stat_memo():  # the summary looks at the files the run did
        outcome = run_pipeline(ctx.project, progress=not ctx.quiet, quiet=ctx.quiet, shard=shard, jobs=jobs,
                               formats=tuple(dict.fromkeys(formats)) or None, layout=layout)
        summary = outcome.to_text()
    click.echo(summary)
    for warning in outcome.warnings:
        log.warning("%s", warning)
    if outcome.exit_code:
        raise SystemExit(outcome.exit_code)


@cli.group()
def tm() -> None:
    """Translation memory in and out as TMX 1.4b."""


@tm.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--locale", "locale_codes", multiple=True, help="Only this locale (repeatable).")
@pass_context
def tm_export(ctx: Context, file: Path, locale_codes: tuple[str, ...]) -> None:
    """Write the reviewed translations to FILE (TMX 1.4b)."""
    from localize.catalog.tmx import export_tmx

    count = export_tmx(ctx.project, file, ctx.locales(locale_codes))
    log.info("exported %d translation units to %s", count, file)


@tm.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_context
def tm_import(ctx: Context, file: Path) -> None:
    """Read pairs from FILE (TMX) into the translation memory, as reviewed matches."""
    from localize.catalog.tmx import import_tmx

    if not file.is_file():
        raise InputError("no such file", file)
    with project_lock(ctx.project):
        count = import_tmx(ctx.project, file)
    log.info("imported %d translation units from %s", count, file)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the click group, mapping errors to SPEC's exit codes."""
    # A run holds tens of thousands of parsed entries and tokens, none in reference cycles
    # that matter: the default thresholds walk them all again and again (~10% of a run).
    gc.set_threshold(100_000, 50, 100)
    status = invoke(cli.main, argv)
    # What is still alive now (caches, modules) is only freed at exit, where the interpreter
    # walks it again in several full collections: about half a second after a cold run of
    # 1,000 articles. Frozen, it is freed as the modules are torn down, without the walks;
    # only cycles are left to the system, and every file was closed (stdout is flushed).
    gc.freeze()
    sys.exit(status)


def invoke(command: Callable[..., Any], argv: list[str] | None) -> int:
    try:
        command(args=argv, prog_name="localize", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return EXIT_BAD_INPUT
    except click.exceptions.Abort:
        click.echo("localize: interrupted", err=True)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        click.echo("localize: interrupted; what finished was saved", err=True)
        return EXIT_INTERRUPTED
    except LocalizeError as exc:
        click.echo(f"localize: error: {exc}", err=True)
        return exc.exit_code
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"localize: error: {where}{exc.strerror or exc}", err=True)
        return EXIT_BAD_INPUT
    return 0


if __name__ == "__main__":
    main()
