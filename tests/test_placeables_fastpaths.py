"""The shortcuts of placeable search find exactly what the full search finds.

``_collect`` skips a pattern when the text lacks a character every match of it
needs; the same search with ``everything=True`` runs every pattern. Texts are
built from the pieces the patterns care about, so they often hold placeables,
near misses, and the fill character that hides claimed spans.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from localize.glossary import Glossary, Term
from localize.protect.placeables import (
    _FILL,
    _collect,
    _markup_problems,
    find_spans,
    markup_problems,
)

PIECES = [
    "`", "``", "$", "$x$", ":", ":rocket:", "<", ">", "<b>", "</b>", "<a href='x'>", "<code>",
    "</code>", "<!--", "-->", "<https://x.org>", "<a@b.org>", "[", "]", "(", ")", "](", "](x)",
    "![", "{", "}", "{.c}", "{ #id }", "{name}", "{{ v }}", "{0}", "https://", "http://a.b/c",
    "ftp://x", "www.", "WwW.", "ex.com", ".", "@", "a@b.co", "mailto:", "%", "%s", "%(n)s", "%d",
    "*", "**", "_", "__", "~", "~~", "［", "］", "^", "[^n]", "3", "1-3", "，", ",", " ", "\n",
    "a", "Z", "字", "。", "\\", "!", _FILL, "é",
]  # fmt: skip

texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=24).map("".join),
    st.text(alphabet=st.sampled_from("".join(PIECES)), max_size=40),
    st.text(max_size=30),
)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.sampled_from(["markdown", "html"]))
def test_skipping_patterns_finds_the_same_spans(text: str, fmt: str) -> None:
    fast, full = _collect(text, fmt), _collect(text, fmt, everything=True)
    assert fast.found == full.found
    assert fast.view == full.view


GLOSSARY = Glossary([Term("Gemma 4", keep=True), Term("a", targets={"en": "A"}), Term("字", keep=True)])


@settings(max_examples=300, deadline=None)
@given(texts, st.sampled_from(["markdown", "html"]))
def test_remembered_spans_are_the_spans_of_a_fresh_search(text: str, fmt: str) -> None:
    """A second ask (served from the memo) answers as the first; terms claim as before."""
    first = find_spans(text, fmt, GLOSSARY, include_term=lambda term: True)
    again = find_spans(text, fmt, GLOSSARY, include_term=lambda term: True)
    assert again == first
    claims = _collect(text, fmt, everything=True)
    assert [p for p, term in first if term is None] == sorted(claims.found, key=lambda p: p.start)
    for placeable, term in first:
        assert text[placeable.start : placeable.end] == placeable.text
        assert (placeable.kind == "term") == (term is not None)


@settings(max_examples=400, deadline=None)
@given(texts, texts, st.sampled_from(["markdown", "html"]))
def test_markup_shortcut_reports_what_the_full_check_reports(source: str, translation: str, fmt: str) -> None:
    assert markup_problems(source, translation, fmt) == _markup_problems(source, translation, fmt)
    assert markup_problems(translation, source, fmt) == _markup_problems(translation, source, fmt)


def test_a_letter_for_masking_is_a_unicode_letter() -> None:
    """Masking sends a run when it holds a letter, tested with ``str.isalpha``: exactly the
    characters of general category L*, every code point checked."""
    import sys
    import unicodedata

    from localize.protect.masking import _translatable

    differ = [
        code for code in range(sys.maxunicode + 1)
        if chr(code).isalpha() != unicodedata.category(chr(code)).startswith("L")
    ]
    assert differ == []
    assert _translatable("12 [3] 。") is False
    assert _translatable("12 個") is True


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("ZzＺｚXxＸｘQqＱｑ0１二十 \u3000⟦⟧〚〛【】［］[]字a"), max_size=30))
def test_a_text_without_a_token_mark_has_no_token(text: str) -> None:
    from localize.protect.tokens import TOKEN_STYLES

    for style in TOKEN_STYLES:
        assert style.blank(text) == style.tolerant.sub(" ", text)
        for match in style.tolerant.finditer(text):
            assert any(mark in match.group() for mark in style.marks)
