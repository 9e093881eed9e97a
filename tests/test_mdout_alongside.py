"""Markdown rendered alongside the HTML build (``run`` with both formats): the Markdown build
takes what the HTML build's readers rendered instead of reading each article again, and its
files are the same bytes as a Markdown build on its own."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "data" / "mdout"))

from mdkit import md_project, write_catalog  # noqa: E402

from localize.mdout import build_markdown  # noqa: E402
from localize.mdout.build import MarkdownAlongside  # noqa: E402
from localize.project import Project  # noqa: E402
from localize.site import build as site_build  # noqa: E402

LINKING = "# 開放模型上路\n\n新一代模型採用 Apache 2.0 授權。詳見[另一篇](../guides/g0.md)。\n"


def guide(number: int) -> str:
    return f"---\ntitle: 第 {number} 篇指南\n---\n\n# 裝置端部署 {number}\n\n在手機上執行模型。\n"


def make(root: Path, guides: int = 2, rewrite_links: bool = False) -> Project:
    files = {"news/open.md": LINKING, **{f"guides/g{n}.md": guide(n) for n in range(guides)}}
    project = md_project(root, files, source="zh-Hant-TW", targets=("en", "en-XA"),
                         markdown={"layout": "hugo", "rewrite_links": rewrite_links},
                         formats=["html", "markdown"])
    for rel in files:
        slug = rel.removesuffix(".md")
        write_catalog(project, slug, "en", lambda s: f"EN {s.text}", content_rel=rel)
        write_catalog(project, slug, "en-XA", lambda s: f"[{s.text}]", state="machine", content_rel=rel)
    return project


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The articles read while the list is switched on (``reads.append("on")``)."""
    seen: list[str] = []
    real = site_build.read_article

    def counting(project: Project, path: Path):  # type: ignore[no-untyped-def]
        if seen[:1] == ["on"]:
            seen.append(path.name)
        return real(project, path)

    monkeypatch.setattr(site_build, "read_article", counting)
    return seen


@pytest.mark.parametrize(("jobs", "rewrite_links"), [(1, False), (1, True), (2, False), (2, True)])
def test_the_markdown_build_takes_what_the_html_build_rendered_and_writes_the_same_bytes(
        tmp_path: Path, reads: list[str], jobs: int, rewrite_links: bool) -> None:
    guides = 9 if jobs == 2 else 2  # enough articles for two worker processes
    alone = build_markdown(make(tmp_path / "alone", guides, rewrite_links), jobs=jobs).out
    project = make(tmp_path / "along", guides, rewrite_links)
    with MarkdownAlongside(project, None) as alongside:
        site_build.build_site(project, jobs=jobs, companion=alongside)
        reads.append("on")
        along = build_markdown(project, jobs=jobs, alongside=alongside).out
    # with links rewritten, news/open.md depends on the guide's files: rendered after every plan
    assert reads == (["on", "open.md"] if rewrite_links else ["on"])
    assert tree(along) == tree(alone) and "content/en/guides/g1.md" in tree(along)


def test_an_article_changed_after_the_html_build_is_read_again(tmp_path: Path, reads: list[str]) -> None:
    project = make(tmp_path / "proj")
    with MarkdownAlongside(project, None) as alongside:
        site_build.build_site(project, companion=alongside)
        source = project.content_dir / "guides/g1.md"
        source.write_text(guide(1).replace("在手機上執行模型。", "在筆電上執行模型。"), "utf-8")
        reads.append("on")
        out = build_markdown(project, alongside=alongside).out
    assert sorted(reads) == ["g1.md", "on"]
    assert "在筆電上執行模型。" in (out / "content/zh-tw/guides/g1.md").read_text("utf-8")


def test_a_markdown_build_of_another_layout_reads_for_itself(tmp_path: Path, reads: list[str]) -> None:
    project = make(tmp_path / "proj")
    with MarkdownAlongside(project, None) as alongside:
        site_build.build_site(project, companion=alongside)
        reads.append("on")
        out = build_markdown(project, layout="mkdocs", alongside=alongside).out
    assert sorted(reads) == ["g0.md", "g1.md", "on", "open.md"]
    assert (out / "docs/guides/g1.en.md").is_file()


def test_run_with_both_formats_writes_what_the_two_builds_write_apart(tmp_path: Path) -> None:
    from localize.api import run_pipeline
    from localize.site import build_site

    project = make(tmp_path / "run")
    shutil.copytree(project.root, tmp_path / "apart")
    apart = Project.open(tmp_path / "apart")
    run_pipeline(project, progress=False, quiet=True)
    run_pipeline(apart, progress=False, quiet=True, formats=("html",))
    build_site(apart)
    build_markdown(apart)
    assert tree(project.root / "site-md") == tree(apart.root / "site-md")
    assert tree(project.root / "site") == tree(apart.root / "site")
