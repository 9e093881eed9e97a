"""Placeables per kind, translator comments and markup safety."""

from __future__ import annotations

import pytest

from localize.glossary import Glossary, Term
from localize.locales import parse_locale
from localize.protect.placeables import (
    find_placeables,
    is_markup_safe,
    markup_signature,
    placeable_key,
    placeables_comment,
    terms_comment,
)

GLOSSARY = Glossary(
    [
        Term("Gemma 4", keep=True),
        Term("開放模型", targets={"en": "open model"}, forbidden={"en": ("open-source model",)}),
        Term("權重", targets={"ja": "重み"}),
    ]
)


def kinds(text: str, fmt: str = "markdown", glossary: Glossary | None = None) -> list[tuple[str, str]]:
    return [(p.kind, p.text) for p in find_placeables(text, fmt, glossary)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("見[3]。", [("citation", "[3]")]),
        ("見[3][5]。", [("citation", "[3]"), ("citation", "[5]")]),
        ("見[1-3]與[1, 2]。", [("citation", "[1-3]"), ("citation", "[1, 2]")]),
        ("見［3］。", [("citation", "［3］")]),
        ("note[^a] here", [("citation", "[^a]")]),
    ],
)
def test_citation_markers(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


def test_offsets_index_the_original_text() -> None:
    text = "Run `pip install x` at https://example.com/a."
    found = find_placeables(text)
    assert [p.kind for p in found] == ["code", "url"]
    for placeable in found:
        assert text[placeable.start : placeable.end] == placeable.text


def test_urls_stop_at_sentence_punctuation_and_cjk() -> None:
    assert kinds("See https://example.com/a_(b).") == [("url", "https://example.com/a_(b)")]
    assert kinds("(see https://example.com/a)") == [("url", "https://example.com/a")]
    assert kinds("請見https://example.com/x了解。") == [("url", "https://example.com/x")]


def test_email_and_mailto() -> None:
    assert kinds("Write to team@example.org.") == [("email", "team@example.org")]
    assert kinds("Write to mailto:a.b@example.co.jp") == [("email", "mailto:a.b@example.co.jp")]


def test_inline_code_markdown_and_html() -> None:
    assert kinds("Use `a [3] b` and ``x ` y``.") == [("code", "`a [3] b`"), ("code", "``x ` y``")]
    assert kinds("Use <code>a &lt; [3]</code> now.", "html") == [("code", "<code>a &lt; [3]</code>")]


def test_markdown_emphasis_and_links() -> None:
    text = "**Bold** _em_ ~~x~~ [the docs](https://e.com/d \"T\") ![alt](i.png) snake_case_name"
    assert kinds(text) == [
        ("markup", "**"), ("markup", "**"), ("markup", "_"), ("markup", "_"),
        ("markup", "~~"), ("markup", "~~"),
        ("markup", "["), ("markup", '](https://e.com/d "T")'),
        ("markup", "!["), ("markup", "](i.png)"),
    ]


def test_link_text_is_translatable_and_citations_inside_are_found() -> None:
    assert kinds("[see [3]](https://e.com)") == [
        ("markup", "["), ("citation", "[3]"), ("markup", "](https://e.com)")
    ]


def test_html_inline_tags_with_attributes() -> None:
    text = 'Read <a href="https://e.com/x" class="k">this <b>now</b></a><br/>.'
    assert kinds(text, "html") == [
        ("markup", '<a href="https://e.com/x" class="k">'), ("markup", "<b>"),
        ("markup", "</b>"), ("markup", "</a>"), ("markup", "<br/>"),
    ]


def test_html_format_has_no_markdown_syntax() -> None:
    assert kinds("a *b* `c` [d](e)", "html") == []


def test_variables() -> None:
    text = "%s and %(name)s and %1$d and {name} and {0} and {{ x }}; 50% of it"
    assert kinds(text) == [
        ("variable", "%s"), ("variable", "%(name)s"), ("variable", "%1$d"),
        ("variable", "{name}"), ("variable", "{0}"), ("variable", "{{ x }}"),
    ]


def test_numbers_are_not_placeables() -> None:
    assert kinds("In 2026, 1,000 people and 3.5% more.") == []


def test_keep_terms_are_placeables_but_translatable_terms_are_not() -> None:
    assert kinds("Gemma 4 是開放模型。", glossary=GLOSSARY) == [("term", "Gemma 4")]


def test_term_inside_code_or_url_is_not_a_term() -> None:
    assert kinds("`Gemma 4` 在 https://e.com/Gemma", glossary=GLOSSARY) == [
        ("code", "`Gemma 4`"), ("url", "https://e.com/Gemma")
    ]


def test_placeable_keys_ignore_width_and_spacing_of_citations() -> None:
    [wide] = find_placeables("［1，2］")
    [narrow] = find_placeables("[1, 2]")
    assert placeable_key(wide) == placeable_key(narrow)
    [one] = find_placeables('<a class="k" href="x">', "html")
    [two] = find_placeables("<A HREF='x' class=k>", "html")
    assert placeable_key(one) == placeable_key(two)


# -- comments -------------------------------------------------------------------------------------------
def test_placeables_comment_matches_spec_form() -> None:
    text = "見[3][5]與 https://example.com/x，執行 `pip install` 與 **重點**。"
    assert placeables_comment(text, "markdown", GLOSSARY) == "[3][5] · https://example.com/x · `pip install`"


def test_placeables_comment_shows_link_urls_not_delimiters() -> None:
    text = 'See <a href="https://e.com/a">here</a> and <b>this</b>.'
    assert placeables_comment(text, "html", None) == "https://e.com/a"
    assert placeables_comment("[docs](https://e.com/d) and [3]", "markdown") == "https://e.com/d · [3]"


def test_no_comment_without_placeables() -> None:
    assert placeables_comment("Plain *words*.", "markdown", None) is None
    assert terms_comment("沒有術語。", GLOSSARY, None) is None


def test_terms_comment_pot_and_po_forms() -> None:
    text = "Gemma 4 是開放模型，也是開放模型。"
    assert terms_comment(text, GLOSSARY, None) == "Gemma 4 (keep) · 開放模型"
    assert terms_comment(text, GLOSSARY, parse_locale("en")) == (
        "Gemma 4 (keep) · 開放模型 -> open model (not: open-source model)"
    )
    assert terms_comment("權重", GLOSSARY, parse_locale("en")) == "權重"
    assert terms_comment("權重", GLOSSARY, parse_locale("ja")) == "權重 -> 重み"


# -- markup safety -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "translation", "fmt", "safe"),
    [
        ('<a href="x">a</a> b', '<a href="x">A</a> B', "html", True),
        ('<a href="x">a</a> b', 'B <a href="x">A</a>', "html", True),
        ("<b>a</b>", "<b>a</b><script>alert(1)</script>", "html", False),
        ('<a href="x">a</a>', '<a href="x" onclick="e()">a</a>', "html", False),
        ('<a href="x">a</a>', '<a href="javascript:alert(1)">a</a>', "html", False),
        ('<a href="x">a</a>', '<a href="java&#115;cript:alert(1)">a</a>', "html", False),
        ("<b>a</b> c", "<i>a</i> c", "html", False),
        ("<b>a</b> c", "</b>a<b> c", "html", False),
        ("<b>a</b> c", "a c", "html", True),
        ("[a](https://e.com)", "[A](https://e.com)", "markdown", True),
        ("[a](https://e.com)", "[A](javascript:alert(1))", "markdown", False),
        ("[a](https://e.com)", "[A](https://evil.example)", "markdown", False),
        ("plain", "plain <img src=x onerror=alert(1)>", "markdown", False),
        ("plain", "plain `<script>` code", "markdown", True),
        ("plain", "a <scr", "html", False),
    ],
)
def test_is_markup_safe(source: str, translation: str, fmt: str, safe: bool) -> None:
    assert is_markup_safe(source, translation, fmt) is safe


def test_markup_signature_counts_tags_and_links() -> None:
    signature = markup_signature('<a class="k" href="x">a</a> <b>b</b> <b>c</b>', "html")
    assert signature["<b>"] == 2 and signature["<a class=k href=x>"] == 1
    assert markup_signature("[a](u) ![b](v)", "markdown") == {"link:u": 1, "link:v": 1}
