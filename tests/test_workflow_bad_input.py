"""Bad input through the CLI (SPEC sections 5 and 9): exit 2, one line naming file and
line, no traceback, and nothing written (the tree compared before and after)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from workflow_support import copy_sample, run_cli, snapshot

NEWS_MD = Path("content/news/gemma-4-open-model.md")
EN_PO = Path("locales/en/LC_MESSAGES/news/gemma-4-open-model.po")
ZH_PO = Path("locales/zh_Hans_CN/LC_MESSAGES/news/gemma-4-open-model.po")
TREE = ("localize.toml", "content", "glossaries", "locales", "site")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _change_article(root: Path) -> None:
    """A citation renumbered: extract would rewrite every catalog of the article."""
    _replace(root / NEWS_MD, "20 個詞元。[4]", "20 個詞元。[7]")


def _bad_po(root: Path) -> None:
    _change_article(root)
    _replace(root / ZH_PO, "\nmsgstr \"", "\nmsgstr ")  # the first msgstr loses its quote


def _bad_csv(root: Path) -> None:
    (root / "glossaries/extra.csv").write_text('zh-Hant-TW,en\nGemma 4,Gemma 4\n"open,x\n', "utf-8")


def _bad_tbx(root: Path) -> None:
    (root / "glossaries/extra.tbx").write_text(
        '<?xml version="1.0"?>\n<martif type="TBX"><text><body>\n'
        '<termEntry><langSet xml:lang="en"><tig><term>x</term></tig>\n</body></text></martif>\n',
        "utf-8",
    )


def _entity_tbx(root: Path) -> None:
    (root / "glossaries/extra.tbx").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE martif [<!ENTITY x "boom">]>\n<martif type="TBX">'
        "<text><body></body></text></martif>\n",
        "utf-8",
    )


def _bad_toml(root: Path) -> None:
    _replace(root / "localize.toml", 'x_default      = "en"', 'x_default      = "en')


def _bad_yaml(root: Path) -> None:
    _replace(root / NEWS_MD, "date: 2026-04-18", "date: [2026-04-18")


def _unsafe_slug(root: Path) -> None:
    _replace(root / NEWS_MD, "slug: news/gemma-4-open-model", "slug: ../../outside")


def _bad_utf8(root: Path) -> None:
    (root / "content/broken.md").write_bytes(b"---\ntitle: x\n---\n\nabc \xff\xfe def\n")


Case = tuple[Callable[[Path], None], tuple[str, ...], str]
CASES: dict[str, Case] = {
    "malformed PO, extract": (_bad_po, ("extract",), f"{ZH_PO.name}:"),
    "malformed PO, run": (_bad_po, ("run",), f"{ZH_PO.name}:"),
    "malformed PO, status": (_bad_po, ("status", "--json"), f"{ZH_PO.name}:"),
    "malformed CSV": (_bad_csv, ("extract",), "extra.csv:3"),
    "malformed CSV, translate": (_bad_csv, ("translate",), "extra.csv:3"),
    "malformed TBX": (_bad_tbx, ("extract",), "extra.tbx:4"),
    "TBX declaring entities": (_entity_tbx, ("extract",), "extra.tbx:2"),
    "TOML error": (_bad_toml, ("run",), "localize.toml:"),
    "front matter YAML": (_bad_yaml, ("extract",), "gemma-4-open-model.md:"),
    "unsafe slug": (_unsafe_slug, ("run",), "gemma-4-open-model.md:4"),
    "invalid UTF-8": (_bad_utf8, ("extract",), "broken.md:5"),
    "unknown locale": (lambda root: None, ("translate", "--locale", "xx-Bogus-99"), "xx-Bogus-99"),
    "locale outside the project": (lambda root: None, ("translate", "--locale", "fr"), "fr"),
    "unknown locale, check": (lambda root: None, ("check", "--locale", "klingon"), "klingon"),
}


@pytest.fixture(scope="module")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_sample(tmp_path_factory.mktemp("bad") / "project")
    assert run_cli(project, "--quiet", "run").code == 0
    return project


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_exits_2_in_one_line_and_writes_nothing(
    name: str, built_sample: Path, tmp_path: Path
) -> None:
    break_it, command, where = CASES[name]
    project = Path(shutil.copytree(built_sample, tmp_path / "project"))
    break_it(project)
    before = snapshot(project, *TREE)
    result = run_cli(project, *command)
    assert result.code == 2, (result.out, result.err)
    assert len(result.err_lines) == 1, result.err
    assert where in result.err
    assert "Traceback" not in result.err
    assert result.out == ""
    assert snapshot(project, *TREE) == before
