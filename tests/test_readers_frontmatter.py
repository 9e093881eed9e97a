"""Front matter is read alike whether PyYAML parses it on libyaml or in Python.

libyaml is several times faster, so the reader takes it for text both read alike and
leaves the rest (tabs, byte-order marks, ``|#`` headers, empty tags, flow collections
over several lines, anything not a mapping) to PyYAML, whose error messages users see.
"""

from __future__ import annotations

import sys

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from localize.errors import InputError
from localize.readers import frontmatter

_VALUES = [
    "plain text", "中文 標題", "😀 emoji", "'single ''quoted'''", '"double \\" quoted"',
    '"escaped \\u00e9 \\n"', "|\n  literal 中\n  two", ">\n  folded 中\n  文", "|-\n  x\n\n  y\n",
    "[a, b, 中]", "{k: v}", "\n  - x\n  - 中", "\n  - [a\n  - b", "2026-04-21", "2026-02-30", "12",
    "1e3", "yes", "null", "&anchor v", "*anchor", "*missing", "&anchor {x: 1}",
    "wrapped\n  plain 中\n  文", "'wrapped\n  quoted'", '"wrapped\n  double"', "a: b", "x #comment",
    "-", "?", "value\t", "中 \u3000 x", "a\u2028b", "a\x85b", "\ufeffmark", "!!binary aGk=", "!tag x",
    "!", "|#x", "%", "@x", "`x", "[" * 40 + "]" * 40, "{a: [b, {c: d}]}", "'unterminated",
    '"bad \\q escape"', "a\n b: c", "123456789012345678901234567890",
]  # fmt: skip
_KEYS = ["title", "description", "slug", "date", "tags", "<<", "k", "中", "? complex", "[a]", '"q"']


@st.composite
def _front_matter(draw: st.DrawFn) -> str:
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        indent = draw(st.sampled_from(["", "", " ", "- "]))
        separator = draw(st.sampled_from([" ", " ", "  ", "\t", ""]))
        value = draw(st.sampled_from(_VALUES)).replace("\n", newline)
        lines.append(indent + draw(st.sampled_from(_KEYS)) + ":" + separator + value)
    return newline.join(lines) + draw(st.sampled_from(["", newline, newline + "# end"]))


def _read(yaml_text: str, with_libyaml: bool) -> object:
    libyaml = frontmatter._CSafeLoader
    frontmatter._CSafeLoader = libyaml if with_libyaml else None
    try:
        return frontmatter._parse_yaml(yaml_text, "news/a.md", 4)
    except InputError as error:
        return ("InputError", str(error))
    finally:
        frontmatter._CSafeLoader = libyaml


def test_pyyaml_has_libyaml() -> None:
    assert frontmatter._CSafeLoader is not None, "PyYAML was installed without libyaml"


@settings(max_examples=400, deadline=None)
@given(yaml_text=_front_matter())
@example("title: Gemma 4\ntags: [Android AICore, Apache 2.0]\nk: !\n")
@example("title: |#x\n")
@example("{a\n  -\u2028\"?a}")
@example("title:\tAndroid\n")
def test_libyaml_and_pyyaml_read_alike(yaml_text: str) -> None:
    assert _read(yaml_text, True) == _read(yaml_text, False)


@pytest.mark.parametrize("yaml_text", [
    "tags: " + "[" * 900 + "]" * 900 + "\n",
    "k:\n" + "".join("  " * depth + f"k{depth}:\n" for depth in range(1, 900)) + "  " * 900 + "v\n",
])
def test_nesting_too_deep_is_worded_alike(yaml_text: str) -> None:
    """(Outside hypothesis, which raises the recursion limit while it runs a test.)"""
    assert sys.getrecursionlimit() <= 1000
    assert _read(yaml_text, True) == _read(yaml_text, False)
    assert "nested too deep" in str(_read(yaml_text, False))


def test_an_ordinary_front_matter_is_parsed_on_libyaml() -> None:
    text = "title: 第 1 篇：Gemma 4\ndescription: >\n  摘要，\n  談 Apache 2.0。\ntags: [AI, 模型]\n"
    fast = frontmatter._fast_parse(text)
    assert fast is not None
    fast[0].dispose()


@pytest.mark.parametrize(
    "text",
    ["title:\tGemma\n", "\ufefftitle: x\n", "title: |#\n  x\n", "k: !\n", "tags: [a,\n  b]\n", "- a\n"],
)
def test_what_libyaml_reads_otherwise_goes_to_pyyaml(text: str) -> None:
    assert frontmatter._fast_parse(text) is None


def test_pyyaml_words_the_error_of_a_tab_libyaml_would_accept() -> None:
    with pytest.raises(InputError) as raised:
        frontmatter.split_front_matter("---\ntitle: x\nslug:\t\tnews/a\n---\nbody\n", "news/a.md")
    assert "front matter is not valid YAML" in str(raised.value)
    assert raised.value.line == 3
