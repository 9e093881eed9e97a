"""The documentation dialect: every construct real docs use is read, rendered, and kept from MT.

Structure (fences, types, anchors, labels, math, markers) never appears in a
block's text; the text inside it (titles, bodies, footnotes, definitions,
expansions) does, as blocks of their own kind. Rendering shows each construct.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from localize.errors import InputError
from localize.locales import parse_locale
from localize.model import Document
from localize.protect.placeables import find_placeables
from localize.qa.checks import check_translation
from localize.readers import render_body
from localize.readers.html import read_html
from localize.readers.markdown import read_markdown, render_markdown_inline
from localize.segmentation import segment_document


def read(text: str) -> Document:
    return read_markdown(text, "doc.md")


def blocks(text: str) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in read(text).blocks]


def page(text: str) -> lxml_html.HtmlElement:
    body = render_body(read(text), lambda block: None)
    return lxml_html.fragment_fromstring(body, create_parent="div")


def all_text(document: Document) -> str:
    return "\n".join(b.text for b in document.blocks)


# -- footnotes ----------------------------------------------------------------------------------
CJK_FOOTNOTE = "文本[^1]。另一句[^note]。\n\n[^1]: 這是腳註內容。\n[^note]: A named note.\n"


def test_a_footnote_definition_is_a_segment_and_its_reference_a_placeable() -> None:
    assert blocks(CJK_FOOTNOTE) == [
        ("paragraph", "文本[^1]。另一句[^note]。"),
        ("footnote", "這是腳註內容。"),
        ("footnote", "A named note."),
    ]
    kinds = [(p.kind, p.text) for p in find_placeables("文本[^1]。另一句[^note]。")]
    assert kinds == [("citation", "[^1]"), ("citation", "[^note]")]


def test_footnotes_render_as_notes_linked_both_ways() -> None:
    root = page(CJK_FOOTNOTE)
    note = root.get_element_by_id("fn-1")
    assert "這是腳註內容。" in note.text_content()
    assert root.xpath("//sup/a[@href='#fn-1']")[0].get("id") == "fnref-1"
    assert "%E9" not in lxml_html.tostring(root, encoding="unicode")  # not a link target


def test_a_msgid_rendered_alone_links_its_footnote_reference_and_adds_no_list() -> None:
    rendered = render_markdown_inline("Text[^1]. More[^note].")
    assert '<a href="#fn-1" id="fnref-1">[1]</a>' in rendered
    assert 'href="#fn-note"' in rendered
    assert "footnotes" not in rendered and "↩" not in rendered


# -- reference links -----------------------------------------------------------------------------------
def test_a_reference_link_before_a_colon_is_a_link() -> None:
    text = "Draw it using [Graphviz]:\n\n[Graphviz]: https://graphviz.org/\n"
    assert blocks(text) == [("paragraph", "Draw it using [Graphviz](https://graphviz.org/):")]
    assert page(text).xpath("//a")[0].get("href") == "https://graphviz.org/"
    rendered = render_markdown_inline("Draw it using [Graphviz](https://graphviz.org/):")
    assert "[Graphviz]" not in rendered


# -- headings ------------------------------------------------------------------------------------------
def test_heading_attributes_are_never_text_and_give_the_heading_its_id() -> None:
    text = "# About HTTPS { #about-https .intro }\n\n## 設定 {#settings}\n\nBody text.\n"
    assert blocks(text)[:2] == [("heading", "About HTTPS"), ("heading", "設定")]
    root = page(text)
    assert root.xpath("//h1")[0].attrib == {"id": "about-https", "class": "intro"}
    assert root.xpath("//h2")[0].get("id") == "settings"


def test_headings_without_an_id_get_a_unique_slug_so_toc_links_work() -> None:
    root = page("# Intro\n\nSee [meta](#meta).\n\n## Meta\n\n## Meta\n\n## 部署工作 `v2`!\n")
    assert [h.get("id") for h in root.xpath("//h2")] == ["meta", "meta-1", "部署工作-v2"]
    assert root.xpath("//a")[0].get("href") == "#meta"


# -- admonitions and blocks ----------------------------------------------------------------------
ADMONITIONS = """\
!!! tip "Before you start"
    Install the client first.

!!! note
    Body only.

??? warning "Upgrading"
    Collapsed body.

/// note | Environment variables
Every key can be set.
///

//// tab | Linux
Use systemd.
////

::: warning Shared databases
Raise the pool size.
:::
"""


def test_admonition_titles_and_bodies_are_segments_and_their_fences_are_not() -> None:
    assert blocks(ADMONITIONS) == [
        ("admonition_title", "Before you start"),
        ("admonition", "Install the client first."),
        ("admonition", "Body only."),
        ("admonition_title", "Upgrading"),
        ("admonition", "Collapsed body."),
        ("admonition_title", "Environment variables"),
        ("admonition", "Every key can be set."),
        ("admonition_title", "Linux"),
        ("admonition", "Use systemd."),
        ("admonition_title", "Shared databases"),
        ("admonition", "Raise the pool size."),
    ]
    text = all_text(read(ADMONITIONS))
    for structure in ("!!!", "???", "///", ":::", "tip", "note |", "tab |"):
        assert structure not in text


def test_admonitions_render_as_titled_boxes() -> None:
    root = page(ADMONITIONS)
    classes = [div.get("class") for div in root.xpath(".//div")]
    assert classes == [
        "admonition tip", "admonition note", "admonition warning is-collapsible collapsible-closed",
        "admonition note", "tab", "admonition warning",
    ]  # fmt: skip
    titles = [p.text_content() for p in root.xpath("//p[@class='admonition-title']")]
    assert titles == ["Before you start", "Note", "Upgrading", "Environment variables", "Linux",
                      "Shared databases"]


def test_content_tabs_titles_and_bodies_are_segments_and_code_stays_code() -> None:
    text = '=== "Python"\n\n    Install it with pip.\n\n    ```python\n    import x\n    ```\n\n=== "JavaScript"\n    Use npm.\n\nAfter.\n'
    assert blocks(text) == [
        ("admonition_title", "Python"), ("tab", "Install it with pip."),
        ("admonition_title", "JavaScript"), ("tab", "Use npm."), ("paragraph", "After."),
    ]  # fmt: skip
    root = page(text)
    assert len(root.xpath(".//div[@class='tabbed-block']")) == 2
    assert root.xpath(".//pre/code")[0].text == "import x\n"


# -- alerts ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "body"),
    [("> [!NOTE]\n> Read the notes first.\n", "Read the notes first."),
     ("> [!WARNING]\n> 預測結果不能取代官方的布告。\n", "預測結果不能取代官方的布告。"),
     ("> [!TIP]\n> キャッシュしてください。\n", "キャッシュしてください。")],
)
def test_an_alert_marker_never_reaches_translation(text: str, body: str) -> None:
    assert blocks(text) == [("alert", body)]
    segments = segment_document(read(text), parse_locale("zh-Hant"))
    assert [s.text for s in segments] == [body]
    root = page(text)
    assert root.xpath(".//div")[0].get("class").startswith("markdown-alert markdown-alert-")
    assert "[!" not in root.text_content()


# -- math ------------------------------------------------------------------------------------------
MATH = "Energy is $E = mc^2$, which costs $5 or $10.\n\n$$\nT = \\frac{N}{k}\n$$\n"


def test_math_is_a_placeable_inline_and_never_a_segment_as_a_block() -> None:
    assert blocks(MATH) == [("paragraph", "Energy is $E = mc^2$, which costs $5 or $10.")]
    code = [p.text for p in find_placeables(blocks(MATH)[0][1]) if p.kind == "code"]
    assert code == ["$E = mc^2$"]  # money is not math


def test_math_renders_as_its_source_text_in_a_math_element() -> None:
    root = page(MATH)
    assert root.xpath("//span[@class='math inline']")[0].text == "E = mc^2"
    assert root.xpath("//div[@class='math block']")[0].text.strip() == "T = \\frac{N}{k}"
    assert "$5 or $10" in root.text_content()


def test_qa_flags_an_engine_that_rewrites_math_or_a_footnote_reference() -> None:
    source = "Energy is $E = mc^2$ here[^1]."
    fr = parse_locale("fr")
    assert check_translation(source, "L'énergie est $E = mc^2$ ici[^1].", "markdown", fr, None) == []
    broken = check_translation(source, "L'énergie est $E = MC^2$ ici[^2].", "markdown", fr, None)
    assert {check for _, check, _ in broken} >= {"placeables", "citations"}


# -- definition lists, abbreviations, emoji, inline HTML ---------------------------------------------
def test_definition_terms_and_definitions_are_segments() -> None:
    text = "Worker\n:   A process that runs jobs.\n\n工作者\n:   執行工作的行程。\n"
    assert blocks(text) == [
        ("definition_term", "Worker"), ("definition", "A process that runs jobs."),
        ("definition_term", "工作者"), ("definition", "執行工作的行程。"),
    ]  # fmt: skip
    assert [e.tag for e in page(text).iter() if e.tag in ("dl", "dt", "dd")] == ["dl", "dt", "dd", "dt", "dd"]


def test_an_abbreviation_expansion_is_translatable_and_the_abbreviation_is_not() -> None:
    text = "Write HTML by hand.\n\n*[HTML]: Hyper Text Markup Language\n"
    assert blocks(text) == [("paragraph", "Write HTML by hand."), ("abbreviation", "Hyper Text Markup Language")]
    assert "*[HTML]" not in page(text).text_content()
    assert page(text).xpath("//p[@class='abbreviation']/abbr")[0].text == "HTML"


def test_abbreviations_in_text_carry_their_expansion_translated_where_it_is() -> None:
    text = "Write HTML and CSS by hand; HTMLX is no abbreviation.\n\n*[HTML]: Hyper Text Markup Language\n"
    root = page(text)
    assert [(a.text, a.get("title")) for a in root.xpath("//p[1]/abbr")] == [("HTML", "Hyper Text Markup Language")]
    document = read(text)
    body = render_body(document, lambda b: "超文本標記語言" if b.kind == "abbreviation" else None)
    assert '<abbr title="超文本標記語言">HTML</abbr>' in body


def test_attribute_lists_after_links_are_markup_and_render_safely() -> None:
    text = '[Get started](start.md){ .md-button } or ![Logo](l.png){ width="300" onclick="x()" }.'
    root = page(text)
    assert root.xpath("//a")[0].get("class") == "md-button"
    assert root.xpath("//img")[0].get("width") == "300" and root.xpath("//img")[0].get("onclick") is None
    markup = [p.text for p in find_placeables(text) if p.text.startswith("{")]
    assert markup == ["{ .md-button }", '{ width="300" onclick="x()" }']
    fr = parse_locale("fr")
    lost = check_translation(text, "[Commencer](start.md) ou ![Logo](l.png){ width=\"300\" onclick=\"x()\" }.",
                             "markdown", fr, None)
    assert "markup" in {check for _, check, _ in lost}


def test_task_list_boxes_are_not_text() -> None:
    text = "- [ ] Write the docs.\n- [x] 發布第一版。\n"
    assert blocks(text) == [("list_item", "Write the docs."), ("list_item", "發布第一版。")]
    boxes = page(text).xpath(".//li/input[@type='checkbox']")
    assert [box.get("checked") for box in boxes] == [None, ""]


def test_emoji_shortcodes_are_placeables() -> None:
    assert [(p.kind, p.text) for p in find_placeables("Ship it :rocket: at 10:30:45.")] == [
        ("code", ":rocket:")
    ]


@pytest.mark.parametrize("tag", ["abbr", "dfn"])
def test_a_translated_title_attribute_is_no_markup_error(tag: str) -> None:
    source = f'Use <{tag} title="Hyper Text Markup Language">HTML</{tag}> here.'
    translation = f'使用 <{tag} title="超文本標記語言">HTML</{tag}>。'
    assert check_translation(source, translation, "markdown", parse_locale("zh-Hant"), None) == []
    hostile = f'使用 <{tag} title="x" onclick="alert(1)">HTML</{tag}>。'
    problems = check_translation(source, hostile, "markdown", parse_locale("zh-Hant"), None)
    assert "unsafe-markup" in {check for _, check, _ in problems}
    markup = f'使用 <{tag} title="&lt;b&gt;">HTML</{tag}>。'
    assert check_translation(source, markup, "markdown", parse_locale("zh-Hant"), None)


def test_a_translated_alt_attribute_is_no_markup_error() -> None:
    source = 'See <img src="a.png" alt="The architecture"> below.'
    translation = '見下方 <img src="a.png" alt="架構圖">。'
    assert check_translation(source, translation, "markdown", parse_locale("zh-Hant"), None) == []
    moved = '見下方 <img src="b.png" alt="架構圖">。'
    assert check_translation(source, moved, "markdown", parse_locale("zh-Hant"), None)


# -- nesting: nothing dropped silently (issue 12) ---------------------------------------------------
def nested_list(depth: int) -> str:
    return "".join("  " * level + f"- Item at level {level}.\n" for level in range(depth)) + "\nAfter the list.\n"


def nested_quote(depth: int) -> str:
    lines = [">" * (level + 1) + f" Quote at level {level}.\n" + ">" * (level + 1) + "\n" for level in range(depth)]
    return "".join(lines) + "\nAfter the quote.\n"


@pytest.mark.parametrize("depth", [10, 20, 50])
@pytest.mark.parametrize("make", [nested_list, nested_quote])
def test_every_block_of_deep_nesting_reaches_the_catalogs(make, depth: int) -> None:  # type: ignore[no-untyped-def]
    document = read(make(depth))
    texts = [s.text for s in segment_document(document, parse_locale("en"))]
    word = "Item" if make is nested_list else "Quote"
    assert texts == [f"{word} at level {level}." for level in range(depth)] + [texts[-1]]
    assert texts[-1].startswith("After the")
    rendered = render_body(document, lambda block: None)
    assert all(f"at level {level}." in rendered for level in range(depth))


def test_nesting_beyond_the_parser_is_an_error_with_the_line() -> None:
    with pytest.raises(InputError) as raised:
        read(nested_list(150))
    assert raised.value.line is not None and raised.value.line > 50
    assert "nested too deep" in str(raised.value)


def nested_divs(depth: int) -> str:
    return "<html><body>\n" + "<div>\n" * depth + "<p>Deep text.</p>" + "</div>" * depth + "<p>After.</p></body></html>"


@pytest.mark.parametrize("depth", [50, 255, 300, 1000])
def test_deeply_nested_html_is_read_whole(depth: int) -> None:
    document = read_html(nested_divs(depth), "deep.html")
    assert [b.text for b in document.blocks] == ["Deep text.", "After."]
    assert "After." in render_body(document, lambda block: None)


def test_html_deeper_than_libxml2_reads_is_an_error_with_the_line() -> None:
    with pytest.raises(InputError) as raised:
        read_html(nested_divs(3000), "deep.html")
    assert raised.value.line == 2048


# -- front matter errors (issue 12) --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("front", "line", "words"),
    [
        ("title: Hi\ndate: 2026-02-30\n", 3, "impossible value"),
        ("title: Hi\nsize: " + "9" * 100_000 + "\n", 3, "impossible value"),
        ("title: Hi\ntags: " + "[" * 100_000 + "\n", 3, "nested too deep"),
        ("title: Hi\nslug: a\ntitle: Again\n", 4, "appears twice"),
    ],
    ids=["impossible-date", "huge-integer", "deep-brackets", "duplicate-key"],
)
def test_every_front_matter_error_names_file_and_line(front: str, line: int, words: str) -> None:
    with pytest.raises(InputError) as raised:
        read(f"---\n{front}---\n\n# Heading\n")
    assert raised.value.line == line
    assert words in str(raised.value) and "doc.md" in str(raised.value)


# -- raw HTML blocks ---------------------------------------------------------------------------------
HTML_BLOCKS = """\
<details>
<summary>Why another <b>tide</b> library?</summary>

Existing libraries need a network.

</details>

<div align="center"><img src="logo.png" alt="The Tidepool logo"></div>

<div translate="no">Tidepool v2</div>

<pre>
no words to translate here
</pre>
"""


def test_text_and_attributes_in_html_blocks_are_segments_and_tags_are_not() -> None:
    assert blocks(HTML_BLOCKS) == [
        ("html", "Why another <b>tide</b> library?"),
        ("paragraph", "Existing libraries need a network."),
        ("alt", "The Tidepool logo"),
    ]
    assert [b.line for b in read(HTML_BLOCKS).blocks] == [2, 4, 8]


def test_translated_html_block_text_is_put_in_place_and_the_rest_stays_byte_for_byte() -> None:
    document = read(HTML_BLOCKS)
    translations = {"html": "為什麼又一個<b>潮汐</b>函式庫？", "alt": 'Tidepool 的 "標誌"'}
    body = render_body(document, lambda block: translations.get(block.kind))
    assert "<summary>為什麼又一個<b>潮汐</b>函式庫？</summary>" in body
    assert 'alt="Tidepool 的 &quot;標誌&quot;"' in body
    assert '<div translate="no">Tidepool v2</div>' in body
    assert "<pre>\nno words to translate here\n</pre>" in body


def test_front_matter_merge_keys_still_work_and_explicit_keys_override() -> None:
    document = read("---\nbase: &b\n  author: Ann\n  lang: en\n<<: *b\nauthor: Bob\ntitle: Hi\n---\n\n# H\n")
    assert document.metadata["author"] == "Bob" and document.metadata["lang"] == "en"
    assert document.title == "Hi"


_INLINE_ALPHABET = st.sampled_from(list("ab Z09 .,;?'\"()/|%中文句子。，！？「」“”") + list("=%]{[#`^+->&*\n}\\$_~:@!<\r\0\t"))


@settings(max_examples=400, deadline=None)
@given(st.text(_INLINE_ALPHABET, max_size=30))
@example("他說 \"好\"。")
@example("Plain text, with 'quotes' and (brackets).")
@example("  leading and trailing  ")
def test_plain_inline_text_renders_as_the_parser_renders_it(text: str) -> None:
    """The shortcut for text no inline rule starts at gives the parser's bytes, and any text
    with such a character still goes through the parser."""
    from localize.readers.markdown import parse_inline_html

    assert render_markdown_inline(text) == parse_inline_html(text)


@pytest.mark.parametrize("text", [
    "See [the guide](guide.md) and ![a chart](chart.png).",
    'Raw <a href="guide.md">HTML</a> too.',
    "Gemma 4 **runs** on phones[3][5] with `pip install gemma`.",
])
def test_a_remembered_inline_rendering_still_follows_each_pages_links(text: str) -> None:
    from localize.readers.markdown import parse_inline_html

    first = parse_inline_html(text, lambda url: f"/ja/{url}")
    second = parse_inline_html(text, lambda url: f"/en/{url}")
    assert parse_inline_html(text, lambda url: f"/ja/{url}") == first
    assert (first == second) == ("guide.md" not in text)
    assert ("/en/guide.md" in second) == ("guide.md" in text)
