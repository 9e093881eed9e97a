"""Project paths and slugs: nothing a slug or locale says can leave the project (SPEC sections 3, 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from localize.errors import UnsafeSlugError
from localize.locales import parse_locale
from localize.project import Project, check_slug
from localize.scaffold import init_project


@pytest.mark.parametrize("slug", ["news/gemma-4", "a", "x_y/z-1", "2026/04/gemma"])
def test_safe_slugs(slug: str) -> None:
    assert check_slug(slug) == slug


@pytest.mark.parametrize(
    "slug", ["../etc/passwd", "/abs", "News/Gemma", "a//b", "a/", "with space", "a/../b", "", "é"]
)
def test_unsafe_slugs(slug: str) -> None:
    with pytest.raises(UnsafeSlugError, match="unsafe slug"):
        check_slug(slug, "content/x.md", 3)


def test_paths_follow_spec_layout(tmp_path: Path) -> None:
    init_project(tmp_path, "zh-Hant-TW", ["en", "zh-Hans-CN"])
    project = Project.open(tmp_path)
    ja = parse_locale("zh-Hans-CN")
    assert project.po_path("news/gemma-4", ja) == tmp_path / "locales/zh_Hans_CN/LC_MESSAGES/news/gemma-4.po"
    assert project.pot_path("news/gemma-4") == tmp_path / "locales/templates/news/gemma-4.pot"
    with pytest.raises(UnsafeSlugError):
        project.po_path("../../x", ja)


def test_source_files_and_default_slug(tmp_path: Path) -> None:
    init_project(tmp_path, "en", [])
    (tmp_path / "content/news").mkdir(parents=True)
    (tmp_path / "content/news/b.md").write_text("# B\n", encoding="utf-8")
    (tmp_path / "content/a.html").write_text("<p>A</p>", encoding="utf-8")
    (tmp_path / "content/notes.txt").write_text("not an article", encoding="utf-8")
    (tmp_path / "content/Bad Name.md").write_text("# x\n", encoding="utf-8")
    project = Project.open(tmp_path)
    files = project.source_files()
    assert [project.relative(f) for f in files] == [
        "content/Bad Name.md", "content/a.html", "content/news/b.md",
    ]
    assert project.default_slug(files[2]) == "news/b"
    with pytest.raises(UnsafeSlugError, match="content/Bad Name.md"):
        project.default_slug(files[0])


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    init_project(tmp_path, "en", ["ja"])
    with pytest.raises(Exception, match="already exists"):
        init_project(tmp_path, "en", ["ja"])
