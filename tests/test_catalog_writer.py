"""``po_bytes`` writes exactly what polib's own writer writes at wrap width 0 (SPEC section 8).

The tool serialises catalogs with its own copy of polib's writer (polib spends most of its
time on wrapping, which is off); any catalog polib can hold must come out byte for byte
as ``str(po)``, or tracked catalogs would churn.
"""

from __future__ import annotations

import os
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from localize.catalog.pofile import new_catalog, parse_po_text, po_bytes

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", 300))
# Every character polib escapes, every one splitlines() breaks at, CJK and plain text.
ALPHABET = st.sampled_from(
    list('ab 字。\\"\t\r\n\v\b\f\x1c\x1d\x1e\x85\u2028\u2029#:,~|') + ["msgid ", "[1]", "é"]
)
TEXT = st.lists(ALPHABET, max_size=12).map("".join)
LINE = TEXT.map(lambda text: text.replace("\n", " "))


@st.composite
def entries(draw: st.DrawFn) -> polib.POEntry:
    plural = draw(st.booleans())
    entry = polib.POEntry(
        msgid=draw(TEXT),
        msgctxt=draw(st.none() | TEXT),
        comment=draw(TEXT),
        tcomment=draw(TEXT),
        occurrences=draw(st.lists(st.tuples(st.sampled_from(["content/a.md", "b c.html"]),
                                            st.sampled_from(["", "3", "12"])), max_size=3)),
        flags=draw(st.lists(st.sampled_from(["fuzzy", "ignore-numbers", "python-format"]), max_size=2)),
        previous_msgid=draw(st.none() | TEXT),
        previous_msgctxt=draw(st.none() | TEXT),
        previous_msgid_plural=draw(st.none() | TEXT),
        obsolete=draw(st.booleans()),
    )
    if plural:
        entry.msgid_plural = draw(TEXT)
        entry.msgstr_plural = dict(enumerate(draw(st.lists(TEXT, min_size=1, max_size=3))))
    else:
        entry.msgstr = draw(TEXT)
    return entry


@st.composite
def catalogs(draw: st.DrawFn) -> polib.POFile:
    metadata = {"Project-Id-Version": draw(LINE), "Content-Type": "text/plain; charset=UTF-8"}
    metadata.update(draw(st.dictionaries(st.sampled_from(["X-Generator", "Language", "Zz"]), LINE)))
    po = new_catalog(metadata, header_comment=draw(st.sampled_from(["", "Title", ", flag", ":x\n\nnext"])))
    po.metadata_is_fuzzy = draw(st.sampled_from([[], ["fuzzy"]]))
    for entry in draw(st.lists(entries(), max_size=6)):
        po.append(entry)
    return po


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs())
def test_po_bytes_are_polibs_own_serialisation(po: polib.POFile) -> None:
    po.wrapwidth = 0
    assert po_bytes(po) == str(po).encode("utf-8")


def test_a_parsed_catalog_with_every_field_is_written_as_polib_writes_it() -> None:
    text = (
        '# Title\n#, fuzzy\nmsgid ""\nmsgstr ""\n"Project-Id-Version: a\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '# translator\n#. kind: paragraph\n#: content/a.md:3 content/a.md:9\n#, fuzzy, ignore-numbers\n'
        '#| msgid "Old \\"one\\""\nmsgid "Two\\nlines\\tand a tab"\nmsgstr "兩行"\n\n'
        'msgctxt "menu"\nmsgid "file"\nmsgid_plural "files"\nmsgstr[0] "檔案"\nmsgstr[1] ""\n\n'
        '#~ msgid "gone"\n#~ msgstr "走了"\n'
    )
    po = parse_po_text(text)
    assert len(po) == 3 and po[0].previous_msgid == 'Old "one"'  # the fixture holds what it claims
    assert po_bytes(po) == str(po).encode("utf-8")


# -- reading: the one-regex proof of well-quoted lines never vouches for a line the
# line-by-line check refuses (which alone words errors, with their line numbers) ------------
PIECES = st.sampled_from(
    ["", " ", "\t", "#", "#~", "#~|", "#|", "#,", "msgid", "msgid_plural", "msgstr", "msgstr[0]",
     "msgctxt", "msgidx", '"', '\\"', "\\\\", "\\n", "\\q", "\\1", "a", "字", "\u3000", "\ufeff",
     "\r", "\x85", "\u2028", "\x0c"]
)
LINES = st.lists(st.lists(PIECES, max_size=6).map("".join), max_size=6).map("\n".join)


@settings(max_examples=EXAMPLES * 3, deadline=None)
@given(LINES)
def test_text_proven_well_quoted_passes_the_line_by_line_check(text: str) -> None:
    from localize.catalog.pofile import _check_lines, proven_well_quoted

    if proven_well_quoted(text):
        _check_lines(text, Path("x.po"))  # must not raise


@pytest.mark.parametrize(
    "text",
    ['msgid "a"\nmsgstr "b"\n', '# c\n#, fuzzy\n#| msgid "o"\nmsgid ""\n"x\\"y\\n"\nmsgstr "z"\n',
     '#~ msgid "gone"\n#~ msgstr "走了"\n', 'msgctxt "m"\nmsgid "f"\nmsgid_plural "fs"\nmsgstr[0] ""\n'],
)
def test_ordinary_catalog_text_is_proven_without_going_line_by_line(text: str) -> None:
    from localize.catalog.pofile import proven_well_quoted

    assert proven_well_quoted(text)


@pytest.mark.parametrize("text", ['msgid "a\nmsgstr ""\n', 'msgid "a\\q"\n', 'msgstr "x" y\n'])
def test_a_bad_line_is_never_proven(text: str) -> None:
    from localize.catalog.pofile import proven_well_quoted

    assert not proven_well_quoted(text)
