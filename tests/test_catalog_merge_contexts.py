"""Merging keys on (msgctxt, msgid, msgid_plural) (issue 12, point 8; SPEC section 8).

A real-world catalog dropped where a project keeps its catalogs holds entries
that share a msgid in different contexts, plural entries and translator
comments. ``extract`` (run twice) must keep every translation, flag and
comment, and leave a catalog ``msgfmt -c`` accepts.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib

from conftest import require_tool
from localize.catalog.merge import SourceEntry, merge_catalog
from localize.catalog.pofile import load_po, parse_po_text
from workflow_support import run_cli

REAL_WORLD_PO = r'''# French translation of a file manager.
msgid ""
msgstr ""
"Project-Id-Version: files 3.2\n"
"Language: fr\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\n"

# Keep it short: it is a button.
msgctxt "menu"
msgid "Open"
msgstr "Ouvrir"

# The state of a file, not the action.
msgctxt "state"
msgid "Open"
msgstr "Ouvert"

#, fuzzy
msgctxt "tooltip"
msgid "Open"
msgstr "Ouvrir le fichier"

msgid "Open"
msgstr "Ouvrir"

# Files, not folders.
#, c-format
msgid "%d file was copied."
msgid_plural "%d files were copied."
msgstr[0] "%d fichier a été copié."
msgstr[1] "%d fichiers ont été copiés."

#, c-format
msgctxt "trash"
msgid "%d file was copied."
msgid_plural "%d files were copied."
msgstr[0] "%d fichier a été mis à la corbeille."
msgstr[1] "%d fichiers ont été mis à la corbeille."

# Reviewed by the team.
msgid "The archive is ready."
msgstr "L’archive est prête."

#~ msgctxt "old-menu"
#~ msgid "Open"
#~ msgstr "Ouvrir (ancien)"
'''

ARTICLE = "# The archive\n\nThe archive is ready. Open it from the menu.\n"


def _work(po: polib.POFile) -> dict[tuple[str | None, str, str | None], tuple[object, ...]]:
    """Every translated entry's key and the translator's parts of it."""
    work = {}
    for entry in po:
        if not (entry.msgstr or any(entry.msgstr_plural.values())):
            continue
        key = (entry.msgctxt, entry.msgid, entry.msgid_plural or None)
        work[key] = (
            entry.msgstr,
            tuple(sorted(entry.msgstr_plural.items())),
            entry.tcomment,
            tuple(f for f in entry.flags),
        )
    return work


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "p"
    assert run_cli(tmp_path, "init", str(project), "--source", "en", "--target", "fr").code == 0
    (project / "content" / "archive.md").write_text(ARTICLE, encoding="utf-8")
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "archive.po"
    catalog.parent.mkdir(parents=True, exist_ok=True)
    catalog.write_text(REAL_WORLD_PO, encoding="utf-8")
    return project


def test_extract_twice_keeps_contexts_plurals_comments_and_flags(tmp_path: Path) -> None:
    msgfmt = require_tool("msgfmt")
    project = _project(tmp_path)
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "archive.po"
    before = _work(parse_po_text(REAL_WORLD_PO))
    assert len(before) == 8
    for _ in range(2):
        result = run_cli(project, "extract")
        assert result.code == 0, result.err
        after = _work(load_po(catalog))
        for key, parts in before.items():
            if key == (None, "The archive is ready.", None):
                continue  # the live sentence: its parts are checked below
            assert after.get(key) == parts, f"lost or changed: {key}"
        checked = subprocess.run(
            [msgfmt, "-c", "-o", "/dev/null", str(catalog)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stderr
    live = {e.msgid: e for e in load_po(catalog) if not e.obsolete}
    assert live["The archive is ready."].msgstr == "L’archive est prête."
    assert live["The archive is ready."].tcomment == "Reviewed by the team."
    assert "fuzzy" not in live["The archive is ready."].flags
    assert all(e.msgctxt is None and not e.msgid_plural for e in live.values())


def test_merge_never_matches_a_source_sentence_to_a_context_or_plural_entry() -> None:
    old = parse_po_text(REAL_WORLD_PO)
    po, stats = merge_catalog(old, [SourceEntry("Open")], 0.75, {"Language": "fr"})
    live = [e for e in po if not e.obsolete]
    assert [(e.msgctxt, e.msgid, e.msgstr) for e in live] == [(None, "Open", "Ouvrir")]
    assert stats.kept == 1
    obsolete = {(e.msgctxt, e.msgid, e.msgid_plural or None) for e in po if e.obsolete}
    assert ("menu", "Open", None) in obsolete and ("state", "Open", None) in obsolete
    assert ("trash", "%d file was copied.", "%d files were copied.") in obsolete
    assert (None, "%d file was copied.", "%d files were copied.") in obsolete
