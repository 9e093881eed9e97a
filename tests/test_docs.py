"""The user documentation: the CLI reference is generated from the commands and kept in sync.

``docs/reference/cli.md`` is written by ``docs/generate_cli_reference.py``;
these tests fail when someone changes a command or an option without
rerunning it, when an option has no help text, or when a page under
``docs/`` is not reachable from ``docs/index.md``.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import click
import pytest

from localize.cli import cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
REGENERATE = ".venv/bin/python docs/generate_cli_reference.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_cli_reference", DOCS / "generate_cli_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _commands(group: click.Group, path: str = "localize") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = [(path, group)]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found.extend(_commands(command, f"{path} {name}"))
        else:
            found.append((f"{path} {name}", command))
    return found


def test_the_committed_cli_reference_is_what_the_generator_writes() -> None:
    committed = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    generated = _generator().render()
    assert committed == generated, (
        f"docs/reference/cli.md is out of date with src/localize/cli.py: run {REGENERATE}"
    )


def test_the_reference_lists_every_command_and_option_of_the_cli() -> None:
    page = _generator().render()
    for path, command in _commands(cli):
        assert f"\n## {path}\n" in page, f"{path} has no section"
        assert command.help, f"{path} has no help text (its docstring)"
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                for flag in param.opts:
                    assert f"`{flag}" in page, f"{path} {flag} is not in the reference"


def test_every_option_says_what_it_does() -> None:
    missing = [
        f"{path} {param.opts[0]}"
        for path, command in _commands(cli)
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden and not param.help
    ]
    assert missing == []


def test_the_generator_reads_the_commands_it_is_given() -> None:
    """A command added to a group appears with its usage, help and options, in definition order."""

    @click.group()
    def tool() -> None:
        """A tool."""

    @tool.command()
    @click.argument("file")
    @click.option("--shard", metavar="K/N", help="Only the K-th of N parts.")
    def zeta(file: str, shard: str | None) -> None:
        """Do the last thing.

        Writes to <out>/x.
        """

    @tool.command()
    def alpha() -> None:
        """Do the first thing."""

    page = _generator().render(tool, prog_name="tool")
    assert "```\ntool zeta [OPTIONS] FILE\n```" in page
    assert "- `--shard K/N`: Only the K-th of N parts." in page
    assert "Writes to \\<out>/x." in page  # not swallowed as an HTML tag
    assert page.index("## tool zeta") < page.index("## tool alpha")
    assert "- [`tool alpha`](#tool-alpha): Do the first thing." in page


def test_the_generator_check_mode_reports_a_stale_page(tmp_path: Path, monkeypatch, capsys) -> None:
    generator = _generator()
    stale = tmp_path / "cli.md"
    stale.write_text("# old\n", encoding="utf-8")
    monkeypatch.setattr(generator, "OUTPUT", stale)
    assert generator.main(["--check"]) == 1
    assert REGENERATE in capsys.readouterr().out
    assert generator.main([]) == 0
    assert generator.main(["--check"]) == 0
    assert stale.read_text(encoding="utf-8") == generator.render()


def _links(page: Path) -> set[Path]:
    text = page.read_text(encoding="utf-8")
    return {
        (page.parent / target).resolve()
        for target in re.findall(r"\]\(([^)#\s]+)", text)
        if not re.match(r"[a-z]+:", target)
    }


@pytest.mark.parametrize(
    "page", sorted(p for p in DOCS.rglob("*.md") if p.name != "index.md"), ids=lambda p: p.name
)
def test_every_docs_page_is_linked_from_the_index(page: Path) -> None:
    assert page.resolve() in _links(DOCS / "index.md"), (
        f"docs/index.md does not link {page.relative_to(ROOT)}: add it to the index"
    )


def test_the_readme_leads_into_the_docs() -> None:
    assert (DOCS / "index.md").resolve() in _links(ROOT / "README.md")
