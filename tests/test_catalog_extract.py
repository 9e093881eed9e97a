"""``extract``: POT and PO catalogs from content/ (SPEC sections 3 and 8), and PO file handling."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import polib
import pytest

from conftest import require_tool
from localize.catalog.extract import extract_project
from localize.catalog.pofile import load_po, save_po
from localize.catalog.state import entry_state
from localize.errors import InputError
from localize.locales import parse_locale
from localize.project import Project

JA, FR = parse_locale("ja"), parse_locale("fr")
ARTICLE = """---
title: Gemma 4 arrives
slug: news/gemma
---

Gemma 4 is an open model [1][2]. It runs on phones.

## Why it matters

The license is Apache 2.0 now [3]. It runs on phones.
"""
GLOSSARY = "en,ja,fr,translate\nGemma 4,Gemma 4,Gemma 4,no\nopen model,オープンモデル,modèle ouvert,yes\n"


def make_project(root: Path, targets: str = '"ja", "fr", "en-XA"') -> Project:
    (root / "localize.toml").write_text(
        f'source_locale = "en"\ntarget_locales = [{targets}]\nfuzzy_threshold = 0.75\n'
    )
    (root / "content" / "news").mkdir(parents=True)
    (root / "content" / "news" / "gemma.md").write_text(ARTICLE, encoding="utf-8")
    (root / "content" / "plain.md").write_text("Just one sentence here.\n", encoding="utf-8")
    (root / "glossaries").mkdir()
    (root / "glossaries" / "terms.csv").write_text(GLOSSARY, encoding="utf-8")
    return Project.open(root)


def catalogs(project: Project) -> dict[str, bytes]:
    return {
        project.relative(p): p.read_bytes()
        for p in sorted(project.locales_dir.rglob("*"))
        if p.suffix in (".po", ".pot")
    }


def live(path: Path) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in load_po(path) if not e.obsolete}


def test_extract_writes_templates_and_catalogs_for_every_target(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    report = extract_project(project)
    assert report.articles == 2 and report.skipped == 0
    pot = load_po(project.pot_path("news/gemma"))
    msgids = [e.msgid for e in pot]
    assert msgids[0] == "Gemma 4 arrives"
    assert msgids.count("It runs on phones.") == 1
    assert msgids.index("Gemma 4 is an open model [1][2].") < msgids.index("Why it matters")
    repeated = next(e for e in pot if e.msgid == "It runs on phones.")
    assert len(repeated.occurrences) == 2
    assert all(path == "content/news/gemma.md" for path, _ in repeated.occurrences)
    first = next(e for e in pot if e.msgid == "Gemma 4 is an open model [1][2].")
    comment = first.comment.splitlines()
    assert comment[0] == "kind: paragraph"
    assert any(line.startswith("placeables: ") and "[1][2]" in line for line in comment)
    assert "terms: Gemma 4 (keep) · open model" in comment
    ja = project.po_path("news/gemma", JA)
    ja_comment = live(ja)["Gemma 4 is an open model [1][2]."].comment
    assert "terms: Gemma 4 (keep) · open model -> オープンモデル" in ja_comment.splitlines()
    assert load_po(ja).metadata["Language"] == "ja"
    assert load_po(ja).metadata["Plural-Forms"] == JA.plural_forms
    assert project.po_path("plain", parse_locale("en-XA")).is_file()
    assert project.po_path("plain", FR).is_file()


def test_generated_catalogs_pass_msgfmt_and_msgcat(tmp_path: Path) -> None:
    msgfmt, msgcat = require_tool("msgfmt"), require_tool("msgcat")
    project = make_project(tmp_path)
    extract_project(project)
    allowed = ("PO-Revision-Date", "Last-Translator", "Language-Team")
    written = catalogs(project)
    assert len(written) == len(project.source_files()) * (1 + len(project.settings.target_locales))
    for relative in written:
        path = project.root / relative
        result = subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        extra = ("'Language'",) if path.suffix == ".pot" else ()
        for line in result.stderr.splitlines():
            assert any(name in line for name in allowed + extra), line
        copy = subprocess.run([msgcat, "--no-wrap", str(path)], capture_output=True, check=True)
        assert copy.stdout == path.read_bytes(), relative


def test_noop_rerun_rewrites_nothing_and_skips_articles(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    extract_project(project)
    before = catalogs(project)
    stamps = {p: (project.root / p).stat().st_mtime_ns for p in before}
    report = extract_project(project)
    assert report.skipped == 2 and report.written == ()
    assert catalogs(project) == before
    assert {p: (project.root / p).stat().st_mtime_ns for p in before} == stamps


def test_catalogs_restored_with_new_stamps_but_the_same_bytes_are_not_merged_again(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    extract_project(project)
    before = catalogs(project)
    for relative, data in before.items():  # as a cache restore or a fresh copy leaves them
        path = project.root / relative
        copy = path.with_name(path.name + ".copy")
        copy.write_bytes(data)
        copy.replace(path)
        os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    assert extract_project(project).skipped == 2
    (project.root / "locales/ja/LC_MESSAGES/plain.po").write_bytes(before["locales/ja/LC_MESSAGES/plain.po"] + b"\n")
    assert extract_project(project).skipped == 1  # other bytes: merged (and so validated) again
    assert catalogs(project) == before


def test_source_edits_merge_and_translator_work_survives(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    extract_project(project)
    ja = project.po_path("news/gemma", JA)
    po = load_po(ja)
    po.metadata["Last-Translator"] = "Aoi <aoi@example.com>"
    for entry in po:
        if entry.msgid == "Gemma 4 is an open model [1][2].":
            entry.msgstr = "Gemma 4 はオープンモデルです [1][2]。"
        if entry.msgid == "The license is Apache 2.0 now [3].":
            entry.msgstr = "ライセンスは今 Apache 2.0 です [3]。"
            entry.tcomment = "legal checked"
            entry.flags.append("ignore-numbers")
    save_po(po, ja)
    pot_date = load_po(project.pot_path("news/gemma")).metadata["POT-Creation-Date"]
    source = project.content_dir / "news" / "gemma.md"
    text = source.read_text("utf-8").replace("[1][2]", "[2][4]").replace("is Apache 2.0 now", "is Apache 2.0 today")
    source.write_text(text, encoding="utf-8")
    report = extract_project(project)
    # the renumbered sentence follows in every target catalog; only ja had a translation to keep stale
    assert (report.renumbered, report.fuzzy) == (len(project.settings.target_locales), 1)
    entries = live(ja)
    renumbered = entries["Gemma 4 is an open model [2][4]."]
    assert renumbered.msgstr == "Gemma 4 はオープンモデルです [2][4]。"
    assert entry_state(renumbered) == "reviewed"
    stale = entries["The license is Apache 2.0 today [3]."]
    assert entry_state(stale) == "stale"
    assert stale.previous_msgid == "The license is Apache 2.0 now [3]."
    assert stale.tcomment == "legal checked" and "ignore-numbers" in stale.flags
    assert load_po(ja).metadata["Last-Translator"] == "Aoi <aoi@example.com>"
    pot = load_po(project.pot_path("news/gemma"))
    assert pot.metadata["POT-Creation-Date"] >= pot_date
    assert {e.msgid for e in pot} >= {"The license is Apache 2.0 today [3].", "Gemma 4 is an open model [2][4]."}


def test_glossary_change_refreshes_terms_comments(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    extract_project(project)
    terms = project.root / "glossaries" / "terms.csv"
    terms.write_text(GLOSSARY + "phones,スマホ,téléphones,yes\n", encoding="utf-8")
    report = extract_project(project)
    assert report.skipped == 0
    entry = live(project.po_path("news/gemma", JA))["It runs on phones."]
    assert "terms: phones -> スマホ" in entry.comment.splitlines()


def test_malformed_po_stops_extract_before_any_write(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    extract_project(project)
    bad = project.po_path("plain", FR)
    bad.write_text(bad.read_text("utf-8") + '\nmsgid "x"\nmsgstr "unterminated\n', encoding="utf-8")
    source = project.content_dir / "news" / "gemma.md"
    source.write_text(ARTICLE.replace("It runs on phones.", "It runs on laptops."), encoding="utf-8")
    before = catalogs(project)
    with pytest.raises(InputError) as caught:
        extract_project(project)
    assert caught.value.file == str(bad)
    assert caught.value.line == len(before[project.relative(bad)].decode().splitlines())
    assert catalogs(project) == before


def test_load_po_reports_invalid_utf8_and_duplicates_with_line(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    path.write_bytes(b'msgid "a"\nmsgstr "ok"\n\nmsgid "b"\nmsgstr "\xff"\n')
    with pytest.raises(InputError) as caught:
        load_po(path)
    assert (caught.value.file, caught.value.line) == (str(path), 5)
    path.write_text('msgid "a"\nmsgstr "1"\n\nmsgid "a"\nmsgstr "2"\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_po(path)
    assert caught.value.line == 4 and "duplicate" in caught.value.message


def test_save_po_writes_only_changed_bytes(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    po = polib.POFile()
    po.append(polib.POEntry(msgid="a", msgstr="b"))
    assert save_po(po, path) is True
    assert save_po(load_po(path), path) is False
    assert list(tmp_path.iterdir()) == [path]


def test_slug_filter_extracts_only_named_articles(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    report = extract_project(project, slugs=["plain"])
    assert report.articles == 1
    assert project.pot_path("plain").is_file() and not project.pot_path("news/gemma").exists()
    with pytest.raises(InputError):
        extract_project(project, slugs=["nope"])


@pytest.mark.parametrize("escaped", ["C:\\\\Users is fine", "tab\\there \\\"q\\\""])
def test_load_po_keeps_the_escapes_polib_round_trips(tmp_path: Path, escaped: str) -> None:
    path = tmp_path / "x.po"
    text = f'msgid "a"\nmsgstr "{escaped}"\n'
    path.write_text(text, encoding="utf-8")
    assert load_po(path)[0].msgstr == polib.unescape(escaped)


@pytest.mark.parametrize("escaped", ["C:\\Users", "\\101 octal", "bell\\a"])
def test_load_po_refuses_escapes_it_would_silently_rewrite(tmp_path: Path, escaped: str) -> None:
    """polib keeps an unknown escape as a backslash and writes it back as ``\\\\``: the
    translator's text would change on the next save, so the file is refused instead."""
    path = tmp_path / "x.po"
    path.write_text(f'msgid "a"\nmsgstr "ok"\n\nmsgid "b"\nmsgstr "{escaped}"\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_po(path)
    assert (caught.value.file, caught.value.line) == (str(path), 5)
    assert "escape" in caught.value.message


@pytest.mark.parametrize(
    "entry",
    ['msgid "a"\nmsgid_plural "as"\nmsgstr "b"\n', 'msgid "a"\nmsgstr[0] "b"\n'],
)
def test_load_po_refuses_plural_forms_that_do_not_match(tmp_path: Path, entry: str) -> None:
    """msgfmt rejects these; accepting them would make the tool write a PO gettext refuses."""
    path = tmp_path / "x.po"
    path.write_text(f'msgid ""\nmsgstr ""\n"Language: ja\\n"\n\n{entry}', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_po(path)
    assert (caught.value.file, caught.value.line) == (str(path), 5)
    assert "plural" in caught.value.message


def test_empty_po_stops_extract_instead_of_being_regenerated(tmp_path: Path) -> None:
    """SPEC section 9: a file with no text is bad input (a truncated catalog must be noticed)."""
    project = make_project(tmp_path)
    extract_project(project)
    empty = project.po_path("plain", JA)
    empty.write_bytes(b"\n")
    (project.content_dir / "plain.md").write_text("Another sentence now.\n", encoding="utf-8")
    before = catalogs(project)
    with pytest.raises(InputError) as caught:
        extract_project(project)
    assert caught.value.file == str(empty) and "empty" in caught.value.message
    assert catalogs(project) == before
