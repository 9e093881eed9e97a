"""Hostile translations in catalogs never become markup on a page (SPEC section 9)."""

from __future__ import annotations

import sys
from pathlib import Path

from lxml import html as lxml_html

sys.path.insert(0, str(Path(__file__).resolve().parent / "data" / "site"))

from sitekit import make_project, write_catalog  # noqa: E402

from localize.site import build_site  # noqa: E402

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    '<a href="javascript:alert(3)">x</a>',
    "[click](javascript:alert(4))",
    "<b>unbalanced",
    "</p><div onclick=alert(5)>x</div>",
    '" onerror="alert(6)',
    "<svg/onload=alert(7)>",
    "<iframe src=//evil.example></iframe>",
    '<a href="guide.md" onmouseover="alert(8)">x</a>',
]
ALLOWED_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "img", "span", "em",
                "strong", "code", "br", "article", "main", "nav", "blockquote", "table", "thead",
                "tbody", "tr", "th", "td", "figure", "figcaption", "pre", "hr"}


def hostile_translator():  # type: ignore[no-untyped-def]
    counter = iter(range(10_000))

    def translate(segment):  # type: ignore[no-untyped-def]
        return f"{HOSTILE[next(counter) % len(HOSTILE)]} {segment.text}"

    return translate


def assert_no_active_markup(path: Path) -> None:
    doc = lxml_html.document_fromstring(path.read_bytes())
    assert doc.find(".//script") is None, path
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (path, element.tag, name)
            assert "javascript:" not in value.lower().replace(" ", ""), (path, name, value)
    body_tags = {el.tag for el in doc.find("body").iter() if isinstance(el.tag, str)}
    assert body_tags <= ALLOWED_TAGS | {"body"}, (path, body_tags - ALLOWED_TAGS)


def test_hostile_msgstrs_in_catalogs_never_become_markup(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", min_completion=0.0)
    for slug in ("gemma", "guide"):
        for code, state in (("en", "reviewed"), ("ja", "machine"), ("ar-XB", "machine")):
            write_catalog(project, slug, code, hostile_translator(), state=state)
    out = build_site(project).out
    pages = sorted(out.rglob("index.html"))
    assert len(pages) >= 6
    for path in pages:
        assert_no_active_markup(path)


def test_unsafe_segment_takes_the_fallback_and_safe_ones_render(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", min_completion=0.0)

    def translate(segment):  # type: ignore[no-untyped-def]
        if "安裝指南" in segment.text and "[" in segment.text:
            return "Read [the guide](javascript:alert(1))."  # a changed URL: not the source's markup
        if "第一項" in segment.text:
            return "<script>alert(2)</script>Step one: download the model."
        return f"EN {segment.text}"

    write_catalog(project, "gemma", "en", translate)
    out = build_site(project).out
    doc = lxml_html.document_fromstring((out / "en/gemma/index.html").read_bytes())
    main = doc.find(".//main")
    text = main.text_content()
    assert "Read the guide" not in text and "Step one" not in text and "alert" not in text
    source_spans = " ".join(s.text_content() for s in main.iterfind(".//span[@lang='zh-Hant-TW']"))
    assert "安裝指南" in source_spans and "第一項" in source_spans
    assert "EN " in text  # safe translations still show
    assert_no_active_markup(out / "en/gemma/index.html")


def test_plain_text_kinds_are_escaped_and_hostile_ones_take_the_fallback(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", min_completion=0.0)

    def translate(segment):  # type: ignore[no-untyped-def]
        if segment.kind == "title":
            return f"<script>x</script>{segment.text}\"'><b>"  # new markup: a QA error
        if segment.kind == "description":
            return "Gemma 4 & Apache: \"quoted\" <3"  # odd but markup-free: shown, escaped
        return f"EN {segment.text}"

    write_catalog(project, "gemma", "en", translate)
    path = build_site(project).out / "en/gemma/index.html"
    doc = lxml_html.document_fromstring(path.read_bytes())
    assert "<script>" not in doc.findtext(".//title")  # the source title, as the fallback
    assert doc.find(".//meta[@name='description']").get("content") == 'Gemma 4 & Apache: "quoted" <3'
    assert_no_active_markup(path)


def test_hostile_engine_answers_never_become_markup(tmp_path: Path) -> None:
    from fakeservers.mt_servers import LibreServer
    from localize.translate import translate_project

    answers = iter(range(10_000))

    def hostile(text: str, source: str, target: str) -> str:
        return f"{HOSTILE[next(answers) % len(HOSTILE)]}{text}<a href=javascript:alert(9)>x</a>"

    with LibreServer(hostile) as server:
        project = make_project(tmp_path / "p", target_locales=["en"], min_completion=0.0,
                               engine={"name": "libre", "url": server.url, "retries": 0})
        for slug in ("gemma", "guide"):
            write_catalog(project, slug, "en", lambda segment: None)
        translate_project(project, progress=False)
    out = build_site(project).out
    for path in sorted(out.rglob("index.html")):
        assert_no_active_markup(path)


def test_waiving_unsafe_markup_in_qa_never_lets_it_onto_a_page() -> None:
    """A translator may waive QA's markup checks (flags or ``[qa] ignore``); the page still
    refuses the unsafe translation, while the same waivers leave safe markup publishable."""
    from types import MappingProxyType

    from localize.locales import parse_locale
    from localize.model import Segment
    from localize.site.translations import CatalogText, SegmentChooser

    en = parse_locale("en")
    segment = Segment("s1", 0, "paragraph", 1, "見[說明](https://e.com)。")
    hostile = "See [docs](javascript:alert(1))."
    safe = "See [docs](https://e.com)."
    waiver = frozenset({"ignore-markup", "ignore-unsafe-markup"})
    for qa_ignore in (frozenset(), frozenset({"markup", "unsafe-markup"})):
        for flags in (frozenset(), waiver):
            catalog = CatalogText(en, MappingProxyType({segment.text: (hostile, "machine", flags)}))
            chooser = SegmentChooser("markdown", [catalog], "machine", "machine", None, qa_ignore)
            assert chooser.choose(segment).locale is None  # the source text shows
            assert not chooser.is_safe(segment, hostile, en, flags)
            assert chooser.is_safe(segment, safe, en, flags)
