"""HTML reader and renderer: translatable elements and attributes, verbatim parts, round trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html

from localize.errors import InputError
from localize.model import Block, Document
from localize.readers import read_document, render_body, render_inline

PAGE = Path(__file__).resolve().parent / "data" / "readers" / "page.html"


@pytest.fixture(scope="module")
def page() -> Document:
    return read_document(PAGE, "content/page.html")


def file_line(text: str) -> int:
    for number, line in enumerate(PAGE.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(text)


def block(document: Document, kind: str, fragment: str) -> Block:
    return next(b for b in document.blocks if b.kind == kind and fragment in b.text)


def test_head_blocks_come_first(page: Document) -> None:
    title, description = page.blocks[:2]
    assert (title.index, title.kind, title.text, title.line) == (0, "title", "開放模型比較表", file_line("<title>"))
    assert (description.kind, description.line) == ("description", file_line('name="description"'))
    assert description.text == "比較三種開放模型的授權與硬體需求。"
    assert page.metadata["lang"] == "zh-Hant-TW" and page.slug is None and page.format == "html"


def test_kinds_lines_and_inner_html(page: Document) -> None:
    expected = [
        ("heading", "開放模型比較", "<h1>"),
        ("paragraph", "這篇文章比較三種<strong>開放模型</strong>的授權。", "這篇文章"),
        ("title_attr", "段落提示", "段落提示"),
        ("paragraph", "執行 <code>pip install demo</code> 即可安裝。", "pip install demo"),
        ("list_item", "第一項：授權條款", "第一項"),
        ("list_item", "巢狀項目", "巢狀項目"),
        ("list_item", "第二項：硬體需求", "第二項"),
        ("caption", "模型規格一覽", "<caption>"),
        ("table_cell", "參數量", "<th>參數量"),
        ("table_cell", "270 億", "270 億"),
        ("alt", "效能比較圖", 'alt="效能比較圖"'),
        ("caption", "圖一：效能比較", "<figcaption>"),
        ("quote", "開放不等於免費。", "<blockquote>"),
        ("alt", "標誌", 'alt="標誌"'),
    ]
    for kind, text, line_text in expected:
        found = block(page, kind, text)
        assert found.line == file_line(line_text), (kind, text)
        if kind in ("paragraph", "heading", "list_item", "caption", "quote"):
            assert found.text.startswith(text) if kind == "paragraph" else found.text == text
    link = block(page, "paragraph", "詳見")
    assert link.text.endswith('詳見<a href="docs/license.html" title="授權說明">授權頁面</a>。')
    assert [b.index for b in page.blocks] == list(range(len(page.blocks)))


def test_verbatim_parts_are_not_blocks(page: Document) -> None:
    texts = " ".join(b.text for b in page.blocks)
    for verbatim in ("color: red", "不翻譯", "預先格式化", "品牌名稱", "這段也不翻譯", "註解"):
        assert verbatim not in texts, verbatim
    assert not any(b.kind == "title_attr" and b.text == "授權說明" for b in page.blocks)  # in its msgid


def test_source_rendering_is_the_body_as_written(page: Document) -> None:
    rendered = render_body(page, lambda b: None)
    source = PAGE.read_text(encoding="utf-8")
    body = source[source.index("<body>") + len("<body>") : source.index("</body>")]
    assert rendered.strip() == body.strip()
    assert render_body(page, lambda b: None) == rendered


def test_substitutions_keep_structure_and_verbatim_parts(page: Document) -> None:
    def translate(b: Block) -> str | None:
        if b.kind in ("alt", "title_attr"):
            return f'EN "{b.text}" <x>'
        return f"<em>EN</em> {b.index}"

    rendered = render_body(page, translate)
    tree = lxml_html.fragment_fromstring(rendered, create_parent="div")
    assert tree.find("h1").text_content() == "EN 2"
    outer = tree.find("ul/li")
    assert outer.text_content().startswith("EN 6") and outer.find("ul/li").text_content() == "EN 7"
    assert [td.text_content() for td in tree.iter("td")] == ["EN 12", "EN 13"]
    assert tree.find("table/caption").text_content() == "EN 9"
    assert tree.find("figure/img").get("alt") == 'EN "效能比較圖" <x>'
    assert tree.find("figure/figcaption").text_content() == "EN 15"
    assert tree.find("blockquote/p").text_content() == "EN 16"
    assert tree.find("p[@title]").get("title") == 'EN "段落提示" <x>'
    assert tree.find("pre").text == "保留原樣的\n  預先格式化文字"
    assert tree.find("div[@translate='no']/p").text == "品牌名稱不翻譯"
    assert tree.find("p[@class='lead notranslate']").text == "這段也不翻譯"
    assert 'console.log("不翻譯");' in rendered and "<!-- 註解不翻譯 -->" in rendered


def test_rewrite_url_reaches_verbatim_parts_but_not_substituted_html(tmp_path: Path) -> None:
    path = tmp_path / "p.html"
    path.write_text(
        '<p>看<a href="a.html">這裡</a></p><div translate="no"><a href="b.html">B</a></div>'
        '<p><img src="c.png" alt="圖"></p>',
        encoding="utf-8",
    )
    document = read_document(path)
    rendered = render_body(document, lambda b: None, lambda url: "/x/" + url)
    assert all(f'"/x/{name}"' in rendered for name in ("a.html", "b.html", "c.png"))
    substituted = render_body(
        document, lambda b: '<a href="done.html">OK</a>' if b.kind == "paragraph" else None,
        lambda url: "/x/" + url,
    )
    assert 'href="done.html"' in substituted and 'href="/x/b.html"' in substituted


def test_render_inline_reserialises_and_neutralises_markup() -> None:
    html = render_inline('詳見<a href="docs/x.html">文件</a> &amp; <code>a &lt; b</code>', "html", str.upper)
    assert html == '詳見<a href="DOCS/X.HTML">文件</a> &amp; <code>a &lt; b</code>'
    hostile = render_inline(
        '<script>alert(1)</script><a href="javascript:alert(2)" onclick="x">y</a><iframe src="e"></iframe>',
        "html",
    )
    tree = lxml_html.fragment_fromstring(hostile, create_parent="div")
    assert tree.find(".//script") is None and tree.find(".//iframe") is None
    anchor = tree.find("a")
    assert anchor.text == "y" and dict(anchor.attrib) == {}
    assert render_inline("a < b", "html") == "a &lt; b"


def test_text_outside_paragraphs_and_lead_text_before_nested_blocks(tmp_path: Path) -> None:
    path = tmp_path / "d.html"
    path.write_text("<div>\n  直接寫在區塊裡的文字\n  <p>段落</p>\n  結尾文字</div>", encoding="utf-8")
    document = read_document(path)
    assert [(b.kind, b.text, b.line) for b in document.blocks] == [
        ("paragraph", "直接寫在區塊裡的文字", 2),
        ("paragraph", "段落", 3),
        ("paragraph", "結尾文字", 4),
    ]
    rendered = render_body(document, lambda b: f"T{b.index}")
    assert rendered == "<div>\n  T0\n  <p>T1</p>\n  T2</div>"  # the source's layout kept


def test_a_page_marked_translate_no_has_nothing_to_translate(tmp_path: Path) -> None:
    path = tmp_path / "no.html"
    path.write_text('<html translate="no"><title>標題</title><body><p>段落</p></body></html>', encoding="utf-8")
    with pytest.raises(InputError, match="no element holds text"):
        read_document(path)


def test_lone_image_in_a_link_gives_alt_and_title_blocks(tmp_path: Path) -> None:
    path = tmp_path / "img.html"
    path.write_text('<p><a href="big.png" title="放大"><img src="s.png" alt="縮圖"></a></p>', encoding="utf-8")
    document = read_document(path)
    assert [(b.kind, b.text) for b in document.blocks] == [("title_attr", "放大"), ("alt", "縮圖")]
    rendered = render_body(document, lambda b: {"alt": "Thumb", "title_attr": "Zoom"}[b.kind])
    assert rendered == '<p><a href="big.png" title="Zoom"><img src="s.png" alt="Thumb"></a></p>'


def test_substituted_runs_keep_the_spaces_around_an_inline_comment(tmp_path: Path) -> None:
    path = tmp_path / "p.html"
    path.write_text("<p>Hello there <!-- note --> and welcome.</p>", encoding="utf-8")
    document = read_document(path)
    rendered = render_body(document, lambda b: b.text.upper())
    text = lxml_html.fragment_fromstring(rendered, create_parent="div").text_content()
    assert text == "HELLO THERE  AND WELCOME."  # not "HELLO THEREAND WELCOME."
