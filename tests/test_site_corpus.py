"""The fixture corpus end to end: documents modelled on real docs, in English and Traditional Chinese.

tests/data/corpus/<lang>/ holds a MkDocs-style guide (admonitions, pymdown blocks,
``{ #anchor }`` headings, math, definition lists, abbreviations), a GitHub README
(alerts, footnotes, reference links, inline HTML), a long command-line cheat sheet
(hundreds of inline code spans) and a system-design article (numbers and units).
Each is extracted, translated and built with the real CLI:

- identity translations (msgstr = msgid) give pages whose rendered text is the
  source page's, whitespace included;
- the pseudo engine changes no structure (ids, classes, links, math, code);
- QA flags an engine that breaks structure; ``check --site`` finds no dead anchor
  on these pages and reports one that leads nowhere.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polib
import pytest
from lxml import html as lxml_html

from workflow_support import run_cli

CORPUS = Path(__file__).parent / "data" / "corpus"
SLUGS = ("cheat-sheet", "github-readme", "mkdocs-guide", "system-design")
IDENTITY = {"en": "fr", "zh-Hant": "ja"}
SITE_DIRS = {"en": "en", "zh-Hant": "zh-hant", "fr": "fr", "ja": "ja", "en-XA": "en-xa"}


def _make(root: Path, language: str) -> Path:
    (root / "content").mkdir(parents=True)
    for path in (CORPUS / language).glob("*.md"):
        shutil.copy(path, root / "content" / path.name)
    (root / "localize.toml").write_text(
        f'source_locale = "{language}"\n'
        f'target_locales = ["{IDENTITY[language]}", "en-XA"]\n'
        'base_url = "https://example.com/docs"\n',
        encoding="utf-8",
    )
    return root


def _identity(root: Path, locale: str) -> int:
    """Every entry of the locale's catalogs translated as itself, reviewed."""
    count = 0
    for path in (root / "locales" / locale.replace("-", "_")).glob("LC_MESSAGES/*.po"):
        catalog = polib.pofile(str(path), wrapwidth=0)
        for entry in catalog:
            entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            count += 1
        catalog.save(str(path))
    return count


@pytest.fixture(scope="module", params=["en", "zh-Hant"])
def built(request, tmp_path_factory):  # type: ignore[no-untyped-def]
    language = request.param
    root = _make(tmp_path_factory.mktemp(f"corpus-{language}"), language)
    assert run_cli(root, "extract").code == 0
    assert _identity(root, IDENTITY[language]) > 150
    translated = run_cli(root, "translate", "--locale", "en-XA")
    assert translated.code == 0, translated.err
    result = run_cli(root, "build")
    assert result.code == 0, result.err
    return language, root


def _main(root: Path, locale: str, slug: str) -> lxml_html.HtmlElement:
    document = lxml_html.document_fromstring((root / "site" / SITE_DIRS[locale] / slug / "index.html").read_bytes())
    return document


def test_the_corpus_is_what_it_claims() -> None:
    for language in IDENTITY:
        cheat = (CORPUS / language / "cheat-sheet.md").read_text(encoding="utf-8")
        assert cheat.count("`") // 2 >= 200  # hundreds of inline code spans
        guide = (CORPUS / language / "mkdocs-guide.md").read_text(encoding="utf-8")
        assert all(mark in guide for mark in ("!!! tip", "???", "/// note", "//// tab", ":::", "{ #", "$$"))
        readme = (CORPUS / language / "github-readme.md").read_text(encoding="utf-8")
        assert all(mark in readme for mark in ("> [!NOTE]", "[^1]:", "[api]:", "<abbr"))


def test_identity_translations_reproduce_every_page_exactly(built) -> None:  # type: ignore[no-untyped-def]
    language, root = built
    for slug in SLUGS:
        source = _main(root, language, slug)
        identity = _main(root, IDENTITY[language], slug)
        assert identity.find(".//main").text_content() == source.find(".//main").text_content(), slug
        assert identity.findtext(".//title") == source.findtext(".//title")


def _structure(page: lxml_html.HtmlElement) -> dict[str, list[str]]:
    main = page.find(".//main")
    elements = [e for e in main.iter() if isinstance(e.tag, str)]
    return {
        "ids": [e.get("id") for e in elements if e.get("id")],
        "classes": [e.get("class") for e in elements if e.get("class")],
        "links": [e.get("href") for e in elements if e.tag == "a"],
        "math": [e.text_content() for e in elements if "math" in (e.get("class") or "").split()],
        "code": [e.text_content() for e in elements if e.tag == "code"],
        "tags": [e.tag for e in elements if e.tag != "span"],
    }


def test_the_pseudo_engine_changes_no_structure(built) -> None:  # type: ignore[no-untyped-def]
    language, root = built
    for slug in SLUGS:
        source = _structure(_main(root, language, slug))
        pseudo = _structure(_main(root, "en-XA", slug))
        assert pseudo == source, slug
    guide = _structure(_main(root, "en-XA", "mkdocs-guide"))
    assert {"deploying", "settings", "scaling", "monitoring"} <= set(guide["ids"])
    assert "#settings" in guide["links"] and "#monitoring" in guide["links"]
    assert {"T = n \\cdot t_0", "n"} <= set(guide["math"])  # the same math in every language
    if language == "en":
        assert guide["math"][:2] == ["T = n \\cdot t_0", "n"]


def test_titles_never_carry_heading_attributes_and_anchors_all_lead_somewhere(built) -> None:  # type: ignore[no-untyped-def]
    language, root = built
    for locale in (language, IDENTITY[language], "en-XA"):
        for slug in SLUGS:
            title = _main(root, locale, slug).findtext(".//title")
            assert "{" not in title and "#" not in title
    site = run_cli(root, "check", "--site")
    assert site.code == 0, site.out + site.err
    assert "0 error(s), 0 warning(s)" in site.out


def test_qa_flags_structure_an_engine_breaks(built) -> None:  # type: ignore[no-untyped-def]
    language, root = built
    assert run_cli(root, "check").code == 0
    target = IDENTITY[language]
    path = root / "locales" / target / "LC_MESSAGES" / "mkdocs-guide.po"
    original = path.read_bytes()
    catalog = polib.pofile(str(path), wrapwidth=0)
    broken = 0
    for entry in catalog:
        if "$k$" in entry.msgid:
            entry.msgstr = entry.msgid.replace("$k$", "k")  # math lost
            broken += 1
        elif "`8080`" in entry.msgid:
            entry.msgstr = entry.msgid.replace("`8080`", "8080")  # code lost
            broken += 1
        elif "](#settings)" in entry.msgid:
            entry.msgstr = entry.msgid.replace("](#settings)", "](#einstellungen)")  # anchor changed
            broken += 1
    assert broken == 3
    catalog.save(str(path))
    try:
        result = run_cli(root, "check", "--json")
        assert result.code != 0
        findings = [f for f in json.loads(result.out)["findings"] if f["severity"] == "error"]
        assert {f["check"] for f in findings} >= {"placeables", "unsafe-markup"}
        assert len({f["msgid"] for f in findings}) == 3
    finally:
        path.write_bytes(original)


def test_check_site_reports_an_in_page_link_that_leads_nowhere(tmp_path: Path) -> None:
    root = _make(tmp_path / "dead", "en")
    readme = root / "content" / "github-readme.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nJump to [the FAQ](#faq).\n", encoding="utf-8")
    assert run_cli(root, "extract").code == 0
    assert run_cli(root, "build").code == 0
    result = run_cli(root, "check", "--site")
    assert "[anchors]" in result.out and "'#faq'" in result.out
    assert "mkdocs-guide" not in result.out  # its own TOC links (#settings, #monitoring) resolve
