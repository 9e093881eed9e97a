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
    with pytest.raises(UnsafeSlugError, match="unsafe slug") as caught:
        check_slug(slug, "content/x.md", 3)
    assert "a `slug:` in the front matter is how to choose" in caught.value.message
    assert (caught.value.file, caught.value.line) == ("content/x.md", 3)


def test_unsafe_slug_message_suggests_a_safe_one() -> None:
    with pytest.raises(UnsafeSlugError, match=r"`slug: news/gemma-4`"):
        check_slug("News/Gemma 4")


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
    assert project.default_slug(files[0]) == "bad-name"



def test_source_files_come_in_path_order_by_component(tmp_path: Path) -> None:
    # by path component, as pathlib sorts paths ("a/x.md" before "a b.md" and "a-b/x.md",
    # although " " and "-" sort before "/" as characters): runs list articles, and so write
    # their catalogs and site pages, in this order
    init_project(tmp_path, "en", [])
    names = ["a-b/x.md", "a/x.md", "a/b/y.md", "a.md", "a b.md", "ab/z.md", "a/c.md"]
    for name in names:
        (tmp_path / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "content" / name).write_text("# x\n", encoding="utf-8")
    files = Project.open(tmp_path).source_files()
    assert files == sorted(files)
    assert [f.relative_to(tmp_path / "content").as_posix() for f in files] == [
        "a/b/y.md", "a/c.md", "a/x.md", "a b.md", "a-b/x.md", "a.md", "ab/z.md",
    ]


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("README.md", "readme"),
        ("README-zh-Hant.md", "readme-zh-hant"),
        ("my.article.md", "my-article"),
        ("docs/Getting Started/index.md", "docs/getting-started/index"),
        ("Café (draft).html", "cafe-draft"),
        ("a--b_c.md", "a--b_c"),  # already a slug: unchanged, so its catalogs stay put
        ("ＦＡＱ.markdown", "faq"),
        ("2026/04/gemma-4.md", "2026/04/gemma-4"),
    ],
)
def test_slug_derived_from_any_file_name(tmp_path: Path, name: str, slug: str) -> None:
    init_project(tmp_path, "en", [])
    path = tmp_path / "content" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# x\n", encoding="utf-8")
    assert Project.open(tmp_path).default_slug(path) == slug


@pytest.mark.parametrize("name", ["文章.md", "新聞/gemma.md", "(!).md"])
def test_file_name_without_slug_characters_says_how_to_choose_one(tmp_path: Path, name: str) -> None:
    init_project(tmp_path, "zh-Hant-TW", [])
    path = tmp_path / "content" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# x\n", encoding="utf-8")
    with pytest.raises(UnsafeSlugError) as caught:
        Project.open(tmp_path).default_slug(path)
    assert caught.value.file == f"content/{name}"
    assert "`slug:` in the front matter" in caught.value.message


def test_derived_slugs_that_collide_are_an_error_naming_both_files(tmp_path: Path) -> None:
    import subprocess
    import sys

    init_project(tmp_path, "en", ["ja"])
    (tmp_path / "content/README.md").write_text("# Read me\n\nOne.\n", encoding="utf-8")
    (tmp_path / "content/readme.html").write_text("<p>Two.</p>", encoding="utf-8")
    (tmp_path / "content/README-zh-Hant.md").write_text("# 讀我\n\n一。\n", encoding="utf-8")
    for command in ("extract", "build"):
        result = subprocess.run(
            [sys.executable, "-m", "localize", command], cwd=tmp_path,
            capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 2, result.stderr
        assert "content/README.md" in result.stderr and "content/readme.html" in result.stderr
        assert "'readme'" in result.stderr and "Traceback" not in result.stderr
    assert not list((tmp_path / "locales").rglob("*.po*"))  # nothing half-written
    (tmp_path / "content/readme.html").unlink()
    result = subprocess.run(
        [sys.executable, "-m", "localize", "extract"], cwd=tmp_path,
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "locales/ja/LC_MESSAGES/readme.po").is_file()
    assert (tmp_path / "locales/ja/LC_MESSAGES/readme-zh-hant.po").is_file()


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    init_project(tmp_path, "en", ["ja"])
    with pytest.raises(Exception, match="already exists"):
        init_project(tmp_path, "en", ["ja"])
