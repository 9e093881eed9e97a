"""Markdown reader and renderer: blocks, kinds, lines, verbatim parts and render round trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html

from localize.model import Block, Document
from localize.readers import read_document, render_body, render_inline

DATA = Path(__file__).resolve().parent / "data" / "readers"
ARTICLE = DATA / "article.md"


@pytest.fixture(scope="module")
def article() -> Document:
    return read_document(ARTICLE, "content/article.md")


def file_line(text: str) -> int:
    """1-based line of the fixture where ``text`` first occurs."""
    for number, line in enumerate(ARTICLE.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(text)


def by_text(document: Document, fragment: str) -> Block:
    return next(b for b in document.blocks[2:] if fragment in b.text)


def test_front_matter_blocks_come_first_with_the_key_line(article: Document) -> None:
    first, second = article.blocks[:2]
    assert (first.index, first.kind, first.line) == (0, "title", file_line("title:"))
    assert first.text == "裝置端 AI 入門：從模型到應用程式"
    assert (second.index, second.kind, second.line) == (1, "description", file_line("description:"))
    assert second.text == "說明如何在手機上執行小型語言模型，以及需要注意的限制。"  # folded, no CJK space
    assert article.slug == "guides/on-device-intro"
    assert article.metadata["tags"] == ["AI", "Android"]
    assert article.format == "markdown" and article.source_path == "content/article.md"


def test_block_indices_follow_reading_order(article: Document) -> None:
    assert [b.index for b in article.blocks] == list(range(len(article.blocks)))
    assert [b.line for b in article.blocks] == sorted(b.line for b in article.blocks)


def test_kinds_and_lines_count_the_front_matter(article: Document) -> None:
    expected = {
        "裝置端 AI 入門": ("heading", "# 裝置端 AI 入門"),
        "準備工作": ("heading", "## 準備工作"),
        "一支支援": ("list_item", "一支支援"),
        "執行 `adb devices`": ("list_item", "adb devices"),
        "記憶體": ("table_cell", "| 記憶體"),
        "約 `4 GB`": ("table_cell", "| 儲存空間"),
        "官方建議": ("quote", "> 官方建議"),
        "模型架構示意圖": ("alt", "![模型架構示意圖]"),
        "第二步：執行。": ("list_item", "2. 第二步"),
    }
    for fragment, (kind, line_text) in expected.items():
        block = by_text(article, fragment)
        assert (block.kind, block.line) == (kind, file_line(line_text)), fragment


def test_inline_markdown_is_kept_in_source_syntax(article: Document) -> None:
    assert by_text(article, "一支支援").text == "一支支援 **Android 14** 的手機"
    link = by_text(article, "開發工具").text
    assert link == '安裝 [開發工具](https://example.com/sdk "SDK 下載") 與模擬器'
    inline_image = by_text(article, "下圖說明流程")
    assert inline_image.kind == "paragraph"
    assert inline_image.text == "下圖說明流程：![流程圖](images/flow.png) 請參考[官方文件](docs/setup.md#install)。"


def test_wrapped_lines_join_without_space_between_cjk_and_with_one_otherwise(article: Document) -> None:
    paragraph = by_text(article, "新一代晶片")
    assert paragraph.kind == "paragraph"
    assert "新一代晶片讓*小型模型*也能即時回應" in paragraph.text and "\n" not in paragraph.text
    assert by_text(article, "官方建議").text == "官方建議先在模擬器上測試。確認沒問題後再部署到實機。"


def test_latin_wrapped_lines_join_with_a_space(tmp_path: Path) -> None:
    path = tmp_path / "en.md"
    path.write_text("Open models are\n   *not* free of cost.  \nHard break here.\n", encoding="utf-8")
    (block,) = read_document(path).blocks
    assert block.text == "Open models are *not* free of cost.\\\nHard break here."
    assert "<br />" in render_inline(block.text, "markdown")


def test_code_and_comments_are_not_blocks_and_html_block_text_is(article: Document) -> None:
    texts = " ".join(b.text for b in article.blocks)
    for verbatim in ("adb install", "不翻譯", "編輯備註", "indented code", "only_code", "<div"):
        assert verbatim not in texts, verbatim
    assert [b.text for b in article.blocks if b.kind == "html"] == ["HTML 區塊保持原樣"]
    assert not any(b.kind == "paragraph" and b.text.startswith("`") for b in article.blocks)


def test_source_rendering_keeps_structure_and_verbatim_parts(article: Document) -> None:
    rendered = render_body(article, lambda block: None)
    tree = lxml_html.fragment_fromstring(rendered, create_parent="div")
    assert [h.text_content() for h in tree.iter("h1", "h2")] == ["裝置端 AI 入門", "準備工作"]
    assert len(tree.findall(".//ul/li")) == 3 and len(tree.findall(".//ol/li")) == 2
    assert len(tree.findall(".//table//td")) == 4 and len(tree.findall(".//table//th")) == 2
    assert tree.find(".//blockquote/p").text_content().startswith("官方建議")
    assert 'print("不翻譯")' in tree.find(".//pre/code[@class='language-python']").text
    assert "<!-- 編輯備註：此段不翻譯 -->" in rendered
    assert '<div class="note">HTML 區塊保持原樣</div>' in rendered
    assert "裝置端 AI 入門：從模型到應用程式" not in rendered  # the title is not in the body
    assert "新一代晶片讓<em>小型模型</em>也能" in rendered  # no space shown between CJK lines


def test_render_is_deterministic(article: Document) -> None:
    assert render_body(article, lambda b: None) == render_body(article, lambda b: None)


def test_substituted_blocks_land_in_their_elements(article: Document) -> None:
    replacements = {
        "heading": "<em>Intro</em>",
        "list_item": "ITEM &amp; <code>x</code>",
        "table_cell": "CELL",
        "quote": "QUOTE",
        "alt": 'Diagram "A" <b>',
        "paragraph": "PARA",
    }
    rendered = render_body(article, lambda block: replacements.get(block.kind))
    tree = lxml_html.fragment_fromstring(rendered, create_parent="div")
    assert tree.find("h1").text_content() == "Intro" and tree.find("h1/em") is not None
    assert [li.text_content().strip()[:8] for li in tree.findall("ol/li")] == ["ITEM & x"] * 2
    assert all(td.text == "CELL" for td in tree.iter("td", "th"))
    assert tree.find("blockquote/p").text == "QUOTE"
    image = tree.find(".//img[@src='images/arch.png']")
    assert image.get("alt") == 'Diagram "A" <b>'  # plain text, escaped into the attribute
    assert 'alt="Diagram &quot;A&quot; &lt;b&gt;"' in rendered
    assert "adb install demo.apk" in tree.find(".//pre/code").text  # code in a list item kept
    assert "HTML 區塊保持原樣" in rendered and "裝置端" not in tree.find("h1").text_content()


def test_rewrite_url_applies_to_links_images_and_raw_html(tmp_path: Path) -> None:
    path = tmp_path / "links.md"
    path.write_text(
        "見[指南](guide.md#setup)與![圖](img/a.png)。\n\n<p><a href=\"raw.md\">原始</a></p>\n",
        encoding="utf-8",
    )
    document = read_document(path)
    rendered = render_body(document, lambda b: None, lambda url: "/site/" + url)
    assert 'href="/site/guide.md#setup"' in rendered and 'src="/site/img/a.png"' in rendered
    assert 'href="/site/raw.md"' in rendered
    substituted = render_body(document, lambda b: '<a href="already.html">x</a>', lambda u: "/s/" + u)
    assert 'href="already.html"' in substituted  # the builder's HTML is not rewritten twice


def test_render_inline_escapes_and_rewrites() -> None:
    html = render_inline("見 [指南](guide.md) 與 `a<b>` & ![圖](i.png)", "markdown", str.upper)
    assert '<a href="GUIDE.MD">指南</a>' in html and "<code>a&lt;b&gt;</code>" in html
    assert "&amp;" in html and 'src="I.PNG"' in html
    hostile = render_inline('<script>alert(1)</script>[x](javascript:alert(2))<b onclick="y">', "markdown")
    tree = lxml_html.fragment_fromstring(hostile, create_parent="div")
    assert [element.tag for element in tree.iter()] == ["div"]  # everything stayed text
    assert "<script>alert(1)</script>" in tree.text_content()
    assert render_inline("<kbd>Ctrl</kbd>", "markdown") == "<kbd>Ctrl</kbd>"


def test_empty_cells_and_code_only_paragraphs_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "t.md"
    path.write_text("| 甲 | |\n|---|---|\n| | `x` |\n\n`only()`\n\n#\n", encoding="utf-8")
    document = read_document(path)
    assert [(b.kind, b.text, b.line) for b in document.blocks] == [("table_cell", "甲", 1)]
    assert document.slug is None and document.title is None


def test_link_wrapped_lone_image_is_an_alt_block(tmp_path: Path) -> None:
    path = tmp_path / "i.md"
    path.write_text("[![示意圖](a.png)](big.png)\n", encoding="utf-8")
    (block,) = read_document(path).blocks
    assert (block.kind, block.text) == ("alt", "示意圖")
    rendered = render_body(read_document(path), lambda b: "Figure")
    assert '<a href="big.png"><img src="a.png" alt="Figure" /></a>' in rendered


def test_reference_links_become_self_contained_inline_links(tmp_path: Path) -> None:
    path = tmp_path / "refs.md"
    path.write_text(
        "見[官方文件][Doc Ref]與[doc ref]，圖：![圖][pic]，程式 `a[doc ref]`，未定義[nope]。\n\n"
        '[doc ref]: <https://example.com/a b(c)> "說明 \\"q\\""\n[pic]: p.png\n',
        encoding="utf-8",
    )
    document = read_document(path)
    (block,) = document.blocks
    link = '(<https://example.com/a%20b(c)> "說明 \\"q\\"")'
    assert block.text == f"見[官方文件]{link}與[doc ref]{link}，圖：![圖](p.png)，程式 `a[doc ref]`，未定義[nope]。"
    source = render_body(document, lambda b: None)
    assert render_inline(block.text, "markdown") == source.strip().removeprefix("<p>").removesuffix("</p>")


def test_multi_line_front_matter_values_unwrap_like_markdown(tmp_path: Path) -> None:
    path = tmp_path / "fm.md"
    path.write_text(
        "---\ntitle: 開放模型\n  比較 with\n  English words\ndescription: |\n  保留\n  換行\n---\n段落\n",
        encoding="utf-8",
    )
    title, description, paragraph = read_document(path).blocks
    assert (title.text, title.line) == ("開放模型比較 with English words", 2)
    assert (description.text, description.line) == ("保留換行", 5)  # literal block: a line break between CJK shows as nothing
    assert (paragraph.kind, paragraph.line) == ("paragraph", 9)


def test_rewrite_url_reaches_unquoted_attributes_in_raw_html(tmp_path: Path) -> None:
    path = tmp_path / "raw.md"
    path.write_text("<p><a href=guide.md>指南</a> <img src=img/a.png alt=圖></p>\n\n看<a href=b.md>這</a>。\n",
                    encoding="utf-8")
    rendered = render_body(read_document(path), lambda b: None, lambda url: "/site/" + url)
    for url in ("guide.md", "img/a.png", "b.md"):
        assert f'"/site/{url}"' in rendered, rendered


MARKDOWN_FIXTURES = sorted(Path(__file__).resolve().parent.joinpath("data").rglob("*.md"))


@pytest.mark.parametrize("path", MARKDOWN_FIXTURES, ids=lambda p: p.name)
def test_pages_render_from_the_kept_parse_as_from_a_fresh_one(path: Path) -> None:
    """The site renders every page of an article from the reader's one parse: the same HTML as
    parsing again, page after page (rendering a page leaves the kept parse as it was)."""
    from localize.errors import InputError
    from localize.readers import read_document_body

    try:
        document, parsed = read_document_body(path, path.name)
    except InputError:
        pytest.skip("a fixture of bad input")
    assert parsed is not None and len(parsed.slots) == sum(
        b.kind not in ("title", "description", "front_matter") for b in document.blocks)
    pages = [(lambda block: None, None), (lambda block: f"T{block.index}", lambda url: "/site/" + url)]
    for _ in range(2):
        for block_html, rewrite in pages:
            assert render_body(document, block_html, rewrite, parsed) == render_body(document, block_html, rewrite)


@pytest.mark.parametrize("with_parse", [True, False])
def test_a_body_that_no_longer_matches_its_blocks_is_an_error_before_any_block_is_asked(
    tmp_path: Path, with_parse: bool
) -> None:
    from dataclasses import replace

    from localize.errors import InputError
    from localize.readers import read_document_body

    source = tmp_path / "a.md"
    source.write_text("# Gemma 4\n\nOne paragraph.\n", encoding="utf-8")
    document, parsed = read_document_body(source, "content/a.md")
    source.write_text("# Gemma 4\n\nOne paragraph.\n\nAnd a new one.\n", encoding="utf-8")
    grown, grown_parse = read_document_body(source, "content/a.md")
    asked: list[Block] = []
    stale = replace(document, text=grown.text) if not with_parse else document
    with pytest.raises(InputError, match="document changed since it was read") as raised:
        render_body(stale, asked.append, parsed=grown_parse if with_parse else None)
    assert raised.value.file == "content/a.md" and asked == []
