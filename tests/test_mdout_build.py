"""build_markdown on a small project: layouts and locale names, translated content in place,
front matter, provenance, publishing rules, manifest, no-op builds, removal and links."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib
import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent / "data" / "mdout"))

from mdkit import md_project, write_catalog  # noqa: E402

from localize.catalog.extract import extract_project  # noqa: E402
from localize.errors import ConfigError, InputError  # noqa: E402
from localize.mdout import build_markdown  # noqa: E402

ARTICLE = """\
---
title: 開放模型上路
description: 授權才是重點。
tags: [人工智慧, 開放原始碼]
weight: 3
---

# 開放模型上路

新一代模型採用 Apache 2.0 授權。企業法務終於可以
用熟悉的方式評估風險。

詳見[授權指南][guide]與[另一篇](../guides/devices.md)。

> 授權改變的影響很大。\\
> 一位工程師這樣說。

| 版本 | 說明 |
| --- | --- |
| 1B | 手機 |

[guide]: https://example.com/license "License guide"
"""
GUIDE = """\
# 裝置端部署

在手機上執行模型。
"""
EN = {
    "開放模型上路": "Open models arrive",
    "授權才是重點。": "Licensing is what matters: really # not a comment",
    "人工智慧": "AI, machine learning",
    "開放原始碼": "open source",
    "新一代模型採用 Apache 2.0 授權。": "The new models use the Apache 2.0 license.",
    "企業法務終於可以用熟悉的方式評估風險。": "Legal teams can finally assess the risk.",
    "詳見[授權指南](https://example.com/license \"License guide\")與[另一篇](../guides/devices.md)。":
        "See the [license guide](https://example.com/license \"License guide\") and "
        "[the other article](../guides/devices.md).",
    "授權改變的影響很大。": "The license change matters a lot.",
    "\\\n一位工程師這樣說。": "\\\n- said an engineer.",
    "版本": "Version",
    "說明": "Notes | remarks",
    "1B": "1B",
    "手機": "1. Phones",
    "裝置端部署": "On-device deployment",
    "在手機上執行模型。": "Run the model on a phone.",
}
JA = {"開放模型上路": "オープンモデル登場", "新一代模型採用 Apache 2.0 授權。": "新モデルは Apache 2.0 を採用。",
      "企業法務終於可以用熟悉的方式評估風險。": "法務はリスクを評価できる。"}


def english(segment):  # type: ignore[no-untyped-def]
    return EN.get(segment.text)


def japanese(segment):  # type: ignore[no-untyped-def]
    return JA.get(segment.text)


def make(tmp_path: Path, layout: str = "hugo", **settings):  # type: ignore[no-untyped-def]
    markdown = {"layout": layout, **settings.pop("markdown", {})}
    project = md_project(tmp_path / "proj", {"news/open.md": ARTICLE, "guides/devices.md": GUIDE},
                         source="zh-Hant-TW", targets=("en", "ja", "en-XA"), markdown=markdown,
                         front_matter_keys=["tags"], **settings)
    for slug, rel in (("news/open", "news/open.md"), ("guides/devices", "guides/devices.md")):
        write_catalog(project, slug, "en", english, content_rel=rel)
        write_catalog(project, slug, "ja", japanese, state="machine", content_rel=rel)
        write_catalog(project, slug, "en-XA", lambda s: f"[{s.text}]", state="machine", content_rel=rel)
    return project


def front(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


LAYOUTS = {
    "hugo": ("content/zh-tw/news/open.md", "content/en/news/open.md", "content/ja/news/open.md"),
    "hugo-suffix": ("content/news/open.md", "content/news/open.en.md", "content/news/open.ja.md"),
    "mkdocs": ("docs/news/open.md", "docs/news/open.en.md", "docs/news/open.ja.md"),
    "mkdocs-folder": ("docs/zh_TW/news/open.md", "docs/en/news/open.md", "docs/ja/news/open.md"),
    "docusaurus": ("docs/news/open.md", "i18n/en/docusaurus-plugin-content-docs/current/news/open.md",
                   "i18n/ja/docusaurus-plugin-content-docs/current/news/open.md"),
    "starlight": ("src/content/docs/news/open.md", "src/content/docs/en/news/open.md",
                  "src/content/docs/ja/news/open.md"),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_each_layout_puts_every_built_locale_where_its_generator_looks(tmp_path: Path, layout: str) -> None:
    project = make(tmp_path, layout, min_completion=0.0)
    report = build_markdown(project)
    assert report.out == project.root / "site-md"
    source, en, ja = LAYOUTS[layout]
    files = sorted(p.relative_to(report.out).as_posix() for p in report.out.rglob("*") if p.is_file())
    assert {source, en, ja} <= set(files)
    assert not [f for f in files if "XA" in f or "xa" in f]  # pseudo-locales are not written
    assert (report.out / source).read_text(encoding="utf-8").startswith(ARTICLE.split("---\n")[0] + "---\n")
    keys = front(report.out / en)
    assert ("translationKey" in keys) == layout.startswith("hugo")
    if layout.startswith("hugo"):
        assert keys["translationKey"] == "news/open"
    manifest = json.loads((report.out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "markdown" and manifest["layout"] == layout
    paths = {p["locale"]: p["path"] for a in manifest["articles"] if a["slug"] == "news/open" for p in a["pages"]}
    assert paths == {"zh-Hant-TW": source, "en": en, "ja": ja}


def test_translated_blocks_land_in_place_and_the_rest_stays_as_written(tmp_path: Path) -> None:
    out = build_markdown(make(tmp_path)).out
    english_file = (out / "content/en/news/open.md").read_text(encoding="utf-8")
    body = english_file.split("---\n", 2)[2]
    assert body == """
# Open models arrive

The new models use the Apache 2.0 license. Legal teams can finally assess the risk.

See the [license guide][guide] and [the other article](../guides/devices.md).

> The license change matters a lot. \\
> \\- said an engineer.

| Version | Notes \\| remarks |
| --- | --- |
| 1B | 1. Phones |

[guide]: https://example.com/license "License guide"
"""
    data = front(out / "content/en/news/open.md")
    assert data["title"] == "Open models arrive"
    assert data["description"] == "Licensing is what matters: really # not a comment"
    assert data["tags"] == ["AI, machine learning", "open source"]
    assert data["weight"] == 3
    assert data["localize"] == {"source": "content/news/open.md", "source_sha256": data["localize"]["source_sha256"],
                                "total": 13, "reviewed": 13, "machine": 0, "machine_translated": False}
    assert 'tags: ["AI, machine learning", open source]\nweight: 3\n' in english_file  # edited in place


def test_untranslated_segments_fall_back_and_cjk_sentences_join_without_spaces(tmp_path: Path) -> None:
    out = build_markdown(make(tmp_path, min_completion=0.0, fallbacks={"ja": ["en"]})).out
    text = (out / "content/ja/news/open.md").read_text(encoding="utf-8")
    assert "\n# オープンモデル登場\n" in text
    assert "\n新モデルは Apache 2.0 を採用。法務はリスクを評価できる。\n" in text  # one line, no space
    assert "| Version | Notes \\| remarks |" in text  # en fallback where ja has nothing
    data = front(out / "content/ja/news/open.md")
    assert data["localize"]["machine_translated"] is True and data["localize"]["machine"] == 3


def test_publishing_rules_decide_which_locales_are_written(tmp_path: Path) -> None:
    project = make(tmp_path, min_completion=0.5)  # ja has 3 of 14 segments: below
    report = build_markdown(project)
    assert ("news/open", "ja") in report.left_out
    assert not (report.out / "content/ja/news/open.md").exists()
    assert (report.out / "content/en/news/open.md").exists()
    reviewed_only = build_markdown(project, publish="reviewed")
    assert ("news/open", "en") not in reviewed_only.left_out


def test_a_build_that_changes_nothing_rewrites_nothing(tmp_path: Path) -> None:
    project = make(tmp_path)
    first = build_markdown(project)
    stamps = {p: p.stat().st_mtime_ns for p in first.out.rglob("*") if p.is_file()}
    second = build_markdown(project)
    assert second.written == () and second.removed == ()
    assert {p: p.stat().st_mtime_ns for p in second.out.rglob("*") if p.is_file()} == stamps


def test_files_no_longer_built_are_removed_and_foreign_files_are_never_touched(tmp_path: Path) -> None:
    project = make(tmp_path)
    out = build_markdown(project).out
    foreign = out / "content/en/news/notes.md"
    foreign.write_text("mine\n", encoding="utf-8")
    (project.root / "locales/en/LC_MESSAGES/news/open.po").unlink()
    report = build_markdown(project)
    assert "content/en/news/open.md" in report.removed
    assert not (out / "content/en/news/open.md").exists()
    assert foreign.read_text(encoding="utf-8") == "mine\n"


def test_a_foreign_file_where_a_file_would_go_stops_the_build_before_any_write(tmp_path: Path) -> None:
    project = make(tmp_path)
    out = project.root / "site-md"
    theirs = out / "content/ja/news/open.md"
    theirs.parent.mkdir(parents=True)
    theirs.write_text("their own translation\n", encoding="utf-8")
    with pytest.raises(InputError, match="not written by localize"):
        build_markdown(project)
    assert theirs.read_text(encoding="utf-8") == "their own translation\n"
    assert not (out / "manifest.json").exists() and not (out / "content/en").exists()
    assert [p for p in out.rglob("*") if p.is_file()] == [theirs]  # no staged file left behind


def test_locale_names_rename_and_must_be_valid_and_distinct(tmp_path: Path) -> None:
    project = make(tmp_path, "mkdocs-folder", markdown={"locale_names": {"zh-TW": "zh-hant"}})
    out = build_markdown(project).out
    assert (out / "docs/zh-hant/news/open.md").exists()
    clash = make(tmp_path / "b", "hugo", markdown={"locale_names": {"ja": "en"}})
    with pytest.raises(ConfigError, match="ja and en|en and ja"):
        build_markdown(clash)


def test_a_script_only_locale_needs_a_name_for_mkdocs(tmp_path: Path) -> None:
    project = md_project(tmp_path, {"a.md": GUIDE}, source="zh-Hant", targets=("en",),
                         markdown={"layout": "mkdocs"})
    with pytest.raises(ConfigError, match="zh-Hant") as error:
        build_markdown(project)
    assert "locale_names" in str(error.value)
    named = md_project(tmp_path / "b", {"a.md": GUIDE}, source="zh-Hant", targets=("en",),
                       markdown={"layout": "mkdocs", "locale_names": {"zh-Hant": "zh_Hant"}})
    assert build_markdown(named).files


def test_rewrite_links_points_at_the_same_locales_file_where_it_is_built(tmp_path: Path) -> None:
    kept = build_markdown(make(tmp_path / "a", "mkdocs")).out
    assert "[the other article](../guides/devices.md)" in (kept / "docs/news/open.en.md").read_text("utf-8")
    project = make(tmp_path / "b", "mkdocs", min_completion=0.5, markdown={"rewrite_links": True})
    out = build_markdown(project).out
    assert "[the other article](../guides/devices.en.md)" in (out / "docs/news/open.en.md").read_text("utf-8")
    assert "[另一篇](../guides/devices.md)" in (out / "docs/news/open.md").read_text("utf-8")


def test_a_link_to_an_article_read_later_points_at_its_file_too(tmp_path: Path) -> None:
    """a/open.md is read before the guide it links to: its files wait for the guide's plan."""
    project = md_project(tmp_path / "proj", {"a/open.md": ARTICLE, "guides/devices.md": GUIDE},
                         source="zh-Hant-TW", targets=("en",), front_matter_keys=["tags"],
                         markdown={"layout": "mkdocs", "rewrite_links": True}, min_completion=0.5)
    for slug, rel in (("a/open", "a/open.md"), ("guides/devices", "guides/devices.md")):
        write_catalog(project, slug, "en", english, content_rel=rel)
    report = build_markdown(project)
    assert "[the other article](../guides/devices.en.md)" in (report.out / "docs/a/open.en.md").read_text("utf-8")
    assert [slug for slug, _, _ in report.files] == ["a/open", "a/open", "guides/devices", "guides/devices"]


def test_front_matter_keys_are_extracted_with_their_key_named(tmp_path: Path) -> None:
    project = make(tmp_path)
    extract_project(project)
    pot = polib.pofile(str(project.root / "locales/templates/news/open.pot"))
    entry = pot.find("人工智慧")
    assert entry is not None
    assert "kind: front_matter" in entry.comment and "key: tags" in entry.comment
    assert pot.find("3") is None  # weight is not listed


def test_a_source_without_front_matter_gets_one(tmp_path: Path) -> None:
    out = build_markdown(make(tmp_path)).out
    text = (out / "content/en/guides/devices.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntranslationKey: guides/devices\nlocalize:\n")
    assert text.endswith("---\n# On-device deployment\n\nRun the model on a phone.\n")


def test_html_sources_are_written_as_translated_html(tmp_path: Path) -> None:
    html = "<html><head><title>標題</title></head><body><h1>標題</h1><p>在手機上執行模型。</p></body></html>\n"
    project = md_project(tmp_path, {"page.html": html}, source="zh-Hant-TW", targets=("en",))
    texts = {"標題": "Title", "在手機上執行模型。": "Run the model on a phone."}
    write_catalog(project, "page", "en", lambda s: texts.get(s.text), content_rel="page.html")
    out = build_markdown(project).out
    text = (out / "content/en/page.html").read_text(encoding="utf-8")
    assert "<title>Title</title>" in text and "Run the model on a phone." in text
    assert '<html lang="en"' in text


def test_a_block_the_reader_could_not_locate_keeps_its_source_and_says_so(tmp_path: Path, monkeypatch,
                                                                            caplog) -> None:
    from localize.readers.spans import SpanLocator

    monkeypatch.setattr(SpanLocator, "_cell", lambda self, row, content: None)
    with caplog.at_level("WARNING", logger="localize"):
        out = build_markdown(make(tmp_path)).out
    text = (out / "content/en/news/open.md").read_text(encoding="utf-8")
    assert "| 版本 | 說明 |" in text and "# Open models arrive" in text
    assert "content/news/open.md: 3 translated block(s) could not be placed in the source (line 18, 20)" \
        in caplog.text


def test_text_and_attributes_in_html_blocks_are_translated_in_place(tmp_path: Path) -> None:
    source = '# 標題\n\n<div class="note">\n<p>注意事項。</p>\n<img src="a.png" alt="示意圖">\n</div>\n'
    project = md_project(tmp_path, {"a.md": source}, source="zh-Hant-TW", targets=("en",))
    texts = {"標題": "Title", "注意事項。": "Take care.", "示意圖": 'A "diagram" & more'}
    write_catalog(project, "a", "en", lambda s: texts.get(s.text), content_rel="a.md")
    out = build_markdown(project).out
    body = (out / "content/en/a.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    assert body == ('# Title\n\n<div class="note">\n<p>Take care.</p>\n'
                    '<img src="a.png" alt="A &quot;diagram&quot; &amp; more">\n</div>\n')


def test_a_translation_with_markup_its_source_lacks_never_reaches_the_file(tmp_path: Path) -> None:
    project = md_project(tmp_path, {"a.md": "# 標題\n\n段落。\n"}, source="zh-Hant-TW", targets=("en",))
    texts = {"標題": "Title", "段落。": "Text<script>alert(1)</script>."}
    write_catalog(project, "a", "en", lambda s: texts.get(s.text), content_rel="a.md")
    body = (build_markdown(project).out / "content/en/a.md").read_text(encoding="utf-8")
    assert "<script>" not in body and "\n段落。\n" in body and "# Title" in body


def test_a_symlink_in_out_never_leads_a_write_outside_it(tmp_path: Path) -> None:
    project = make(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project.root / "site-md/content").mkdir(parents=True)
    (project.root / "site-md/content/en").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(InputError, match="outside"):
        build_markdown(project)
    assert list(elsewhere.iterdir()) == []
    assert not (project.root / "site-md/manifest.json").exists()


def test_jobs_give_the_same_files_byte_for_byte(tmp_path: Path) -> None:
    one = build_markdown(make(tmp_path / "one"), jobs=1).out
    two = build_markdown(make(tmp_path / "two"), jobs=2).out
    files = sorted(p.relative_to(one).as_posix() for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two).as_posix() for p in two.rglob("*") if p.is_file())
    assert "manifest.json" in files
    for name in files:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
