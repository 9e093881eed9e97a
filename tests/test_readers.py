"""Readers: bad input (SPEC section 9), format dispatch, read_project and slugs, text helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from localize.errors import InputError, UnsafeSlugError
from localize.project import Project
from localize.readers import read_document, read_project
from localize.readers.text import collapse_whitespace, join_source_lines
from localize.scaffold import init_project

GOOD_BODY = "# 標題\n\n內文。\n"


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def error_of(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        read_document(path, f"content/{path.name}")
    assert caught.value.file == f"content/{path.name}"
    assert str(caught.value).startswith(f"content/{path.name}")
    return caught.value


@pytest.mark.parametrize(
    ("name", "data", "line", "words"),
    [
        ("latin1.md", "# 標題\n\n".encode() + b"caf\xe9\n", 3, "UTF-8"),
        ("nul.md", b"# a\nb\x00c\n", 2, "NUL"),
        ("nul.html", b"<p>a</p>\n\n<p>\x00</p>", 3, "NUL"),
        ("bad-yaml.md", "---\ntitle: 標題\ndescription: a: b\n---\n" + GOOD_BODY, 3, "YAML"),
        ("bad-yaml-flow.md", "---\ntitle: 標題\ntags: [a, b\n---\n" + GOOD_BODY, None, "YAML"),
        ("list.md", "---\n- 一\n- 二\n---\n" + GOOD_BODY, 2, "mapping"),
        ("unclosed.md", "---\ntitle: 標題\n\n" + GOOD_BODY, 1, "never closed"),
        ("slug.md", "---\ntitle: 標題\nslug: ../../etc/passwd\n---\n" + GOOD_BODY, 3, "unsafe slug"),
        ("number-slug.md", "---\n\nslug: 2026\n---\n" + GOOD_BODY, 3, "unsafe slug"),
        ("title-list.md", "---\ntitle: [一, 二]\n---\n" + GOOD_BODY, 2, "must be text"),
    ],
)
def test_bad_input_names_file_and_line(tmp_path: Path, name: str, data: bytes, line: int | None,
                                       words: str) -> None:
    error = error_of(write(tmp_path, name, data))
    assert words in error.message
    if line is not None:
        assert error.line == line
        assert str(error).startswith(f"content/{name}:{line}: ")
    else:
        assert error.line is not None and error.line >= 2


def test_unsafe_slug_is_an_unsafe_slug_error(tmp_path: Path) -> None:
    path = write(tmp_path, "s.md", "---\nslug: News/Gemma\n---\n" + GOOD_BODY)
    with pytest.raises(UnsafeSlugError):
        read_document(path)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.md", b""),
        ("blank.md", b"  \n\t\n\r\n"),
        ("bom-only.html", b"\xef\xbb\xbf \n"),
        ("no-text.html", b"<html><head><script>x()</script></head><body><pre>code</pre>\n"
                         b"<div translate='no'>brand</div><p class='notranslate'>n</p><p> </p></body></html>"),
        ("only-code.md", b"```\ncode\n```\n\n<!-- note -->\n"),
        ("only-front-matter.md", b"---\ndate: 2026-01-01\n---\n"),
    ],
)
def test_files_without_text_are_rejected(tmp_path: Path, name: str, data: bytes) -> None:
    error = error_of(write(tmp_path, name, data))
    assert "empty" in error.message or "no " in error.message


def test_missing_file_and_unknown_suffix(tmp_path: Path) -> None:
    assert error_of(tmp_path / "gone.md").message == "no such file"
    assert "unsupported file type" in error_of(write(tmp_path, "notes.txt", "文字")).message


def test_crlf_bom_and_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, "crlf.md", b"\xef\xbb\xbf---\r\ntitle: \xe6\xa8\x99\xe9\xa1\x8c\r\n---\r\n\r\npara\r\n")
    document = read_document(path)
    assert [(b.kind, b.line, b.text) for b in document.blocks] == [("title", 2, "標題"), ("paragraph", 5, "para")]
    assert "\r" not in document.text


def test_source_path_defaults_to_the_given_path(tmp_path: Path) -> None:
    path = write(tmp_path, "a.html", "<p>段落</p>")
    assert read_document(path).source_path == path.as_posix()


def make_project(tmp_path: Path) -> Project:
    init_project(tmp_path, "zh-Hant-TW", ["en"])
    return Project.open(tmp_path)


def test_read_project_fills_slugs_in_source_order(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    write(project.content_dir, "news/gemma-4.md", GOOD_BODY)
    write(project.content_dir, "about.html", "<title>關於</title><p>我們是誰。</p>")
    write(project.content_dir, "guides/x.md", "---\nslug: guides/setup\n---\n" + GOOD_BODY)
    documents = read_project(project)
    assert [(d.source_path, d.slug) for d in documents] == [
        ("content/about.html", "about"),
        ("content/guides/x.md", "guides/setup"),
        ("content/news/gemma-4.md", "news/gemma-4"),
    ]


def test_read_project_rejects_a_slug_used_twice(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    write(project.content_dir, "a.md", "---\nslug: same\n---\n" + GOOD_BODY)
    write(project.content_dir, "same.html", "<p>段落</p>")
    with pytest.raises(InputError) as caught:
        read_project(project)
    assert "content/a.md" in str(caught.value) and "content/same.html" in str(caught.value)


def test_read_project_derives_slugs_from_any_file_name(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    write(project.content_dir, "Bad Name.md", GOOD_BODY)
    assert [d.slug for d in read_project(project)] == ["bad-name"]
    write(project.content_dir, "文章.md", GOOD_BODY)  # nothing a slug can hold
    with pytest.raises(UnsafeSlugError, match="文章"):
        read_project(project)


def test_sample_project_reads() -> None:
    root = Path(__file__).resolve().parent.parent
    documents = read_project(Project.open(root))
    assert documents and all(d.slug for d in documents)
    for document in documents:
        assert document.blocks[0].kind == "title" and document.blocks[0].line == 2


@pytest.mark.parametrize(
    ("source", "joined"),
    [
        ("第一行\n第二行", "第一行第二行"),
        ("English line\nnext line", "English line next line"),
        ("中文結尾\nEnglish start", "中文結尾 English start"),
        ("中文**粗體**\n[連結](u)接著", "中文**粗體**[連結](u)接著"),
        ("中文\n`code`", "中文 `code`"),
        ("  leading\n    indented  ", "leading indented"),
        ("한국어\n문장", "한국어 문장"),
    ],
)
def test_join_source_lines(source: str, joined: str) -> None:
    assert join_source_lines(source) == joined


def test_collapse_whitespace() -> None:
    assert collapse_whitespace("開放\n  模型 與\tGemma  4") == "開放模型 與 Gemma 4"
