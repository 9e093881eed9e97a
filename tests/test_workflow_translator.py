"""Translator workflow end to end through the CLI (SPEC sections 1 and 8).

extract -> translate -> a translator edits the PO by hand -> the article
changes -> extract -> translate -> translate --refresh-stale: a reviewed
translation is never reworded, nothing is ever lost, the translator's
comment, flag and header survive, and the file stays valid for gettext.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from conftest import require_tool
from workflow_support import DATA, run_cli

FIXTURE = DATA / "translator"
PO = Path("locales/en/LC_MESSAGES/a.po")
OWNED_HEADER_WARNING = re.compile(r"header field '(PO-Revision-Date|Last-Translator|Language-Team)'")

REVIEWED_V1 = "模型在 2026 年推出[3]。"
REVIEWED_V2 = "模型在 2026 年推出[4]。"
SLIGHT_V1 = "開發者可以自由修改模型。"
SLIGHT_V2 = "開發者可以自由地修改模型。"
REWORDED_V1 = "官方表示速度提升了兩倍。"
REWORDED_V2 = "天氣晴朗的午後大家一起去公園散步吃冰淇淋。"
REMOVED = "這句話會被刪掉。"
ADDED = "新加入的一句話在這裡。"


def _ok(result) -> None:  # noqa: ANN001 - CliResult
    assert result.code == 0, result.err


def _edit_entry(text: str, msgid: str, *, msgstr: str, comment: str = "", flags: str = "") -> str:
    """Edit one entry the way a person does in an editor: drop fuzzy, retype msgstr."""
    pattern = re.compile(
        r"((?:^#.*\n)*?)(^#, .*\n)?(^msgid \"" + re.escape(msgid) + r"\"\n)^msgstr \".*\"$",
        re.M,
    )
    match = pattern.search(text)
    assert match, f"entry {msgid!r} not found"
    head = (f"# {comment}\n" if comment else "") + match.group(1)
    flag_line = f"#, {flags}\n" if flags else ""
    new = f'{head}{flag_line}{match.group(3)}msgstr "{msgstr}"'
    return text[: match.start()] + new + text[match.end() :]


def _hand_edit(po_path: Path) -> None:
    text = po_path.read_text(encoding="utf-8")
    text = _edit_entry(
        text,
        REVIEWED_V1,
        msgstr="The model launched in 2026.[3]",
        comment="Checked against the press release.",
        flags="ignore-numbers",
    )
    text = _edit_entry(text, SLIGHT_V1, msgstr="Developers may modify the model freely.")
    text = _edit_entry(text, REWORDED_V1, msgstr="Officially, speed doubled.")
    text = text.replace('"Language: en\\n"\n', '"Language: en\\n"\n"Last-Translator: Ann Lee <ann@example.com>\\n"\n')
    po_path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def edited_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project after extract, translate, a hand edit and a changed article."""
    project = tmp_path_factory.mktemp("translator") / "project"
    (project / "content").mkdir(parents=True)
    shutil.copy(FIXTURE / "localize.toml", project / "localize.toml")
    shutil.copy(FIXTURE / "article_v1.md", project / "content" / "a.md")
    _ok(run_cli(project, "extract"))
    _ok(run_cli(project, "translate"))
    _hand_edit(project / PO)
    shutil.copy(FIXTURE / "article_v2.md", project / "content" / "a.md")
    _ok(run_cli(project, "extract"))
    return project


@pytest.fixture()
def edited_project(edited_once: Path, tmp_path: Path) -> Path:
    """A private copy of ``edited_once`` (mtimes kept) that a test may change."""
    return Path(shutil.copytree(edited_once, tmp_path / "project"))


def _entries(project: Path) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in polib.pofile(str(project / PO)) if not e.obsolete}


def _obsolete(project: Path) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in polib.pofile(str(project / PO)).obsolete_entries()}


def test_reviewed_translation_follows_renumbered_citation_and_keeps_comment_and_flag(
    edited_project: Path,
) -> None:
    entry = _entries(edited_project)[REVIEWED_V2]
    assert entry.msgstr == "The model launched in 2026.[4]"
    assert not entry.fuzzy
    assert "ignore-numbers" in entry.flags
    assert "Checked against the press release." in entry.tcomment
    assert REVIEWED_V1 not in _entries(edited_project)


def test_slightly_reworded_sentence_keeps_old_translation_as_stale(edited_project: Path) -> None:
    entry = _entries(edited_project)[SLIGHT_V2]
    assert entry.fuzzy
    assert entry.previous_msgid == SLIGHT_V1
    assert entry.msgstr == "Developers may modify the model freely."


def test_rewritten_and_removed_sentences_become_obsolete_and_new_one_starts_empty(
    edited_project: Path,
) -> None:
    obsolete = _obsolete(edited_project)
    assert obsolete[REWORDED_V1].msgstr == "Officially, speed doubled."
    assert REMOVED in obsolete and obsolete[REMOVED].msgstr
    live = _entries(edited_project)
    assert live[REWORDED_V2].msgstr == "" and live[ADDED].msgstr == ""
    assert REWORDED_V1 not in live and REMOVED not in live


def test_header_field_kept_and_file_valid_for_gettext(edited_project: Path) -> None:
    msgfmt = require_tool("msgfmt")
    po = polib.pofile(str(edited_project / PO))
    assert po.metadata["Last-Translator"] == "Ann Lee <ann@example.com>"
    check = subprocess.run(
        [msgfmt, "-c", "-o", "/dev/null", str(edited_project / PO)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    other = [line for line in check.stderr.splitlines() if not OWNED_HEADER_WARNING.search(line)]
    assert other == []


def test_extract_again_rewrites_nothing(edited_project: Path) -> None:
    before = (edited_project / PO).read_bytes()
    mtime = (edited_project / PO).stat().st_mtime_ns
    _ok(run_cli(edited_project, "extract"))
    assert (edited_project / PO).read_bytes() == before
    assert (edited_project / PO).stat().st_mtime_ns == mtime


def test_translate_fills_only_what_is_missing_and_never_touches_reviewed(
    edited_project: Path,
) -> None:
    before = _entries(edited_project)
    _ok(run_cli(edited_project, "translate"))
    after = _entries(edited_project)
    reviewed = after[REVIEWED_V2]
    assert (reviewed.msgstr, reviewed.flags, reviewed.tcomment) == (
        before[REVIEWED_V2].msgstr,
        before[REVIEWED_V2].flags,
        before[REVIEWED_V2].tcomment,
    )
    stale = after[SLIGHT_V2]
    assert stale.msgstr == "Developers may modify the model freely."
    assert stale.previous_msgid == SLIGHT_V1
    for msgid in (REWORDED_V2, ADDED):
        assert after[msgid].msgstr and after[msgid].fuzzy
        assert "machine translation: pseudo" in after[msgid].tcomment
    assert _obsolete(edited_project)[REWORDED_V1].msgstr == "Officially, speed doubled."


def test_refresh_stale_keeps_previous_translation_in_a_comment(edited_project: Path) -> None:
    _ok(run_cli(edited_project, "translate"))
    _ok(run_cli(edited_project, "translate", "--refresh-stale"))
    after = _entries(edited_project)
    refreshed = after[SLIGHT_V2]
    assert refreshed.fuzzy and not refreshed.previous_msgid
    assert refreshed.msgstr != "Developers may modify the model freely."
    assert "previous translation: Developers may modify the model freely." in refreshed.tcomment
    reviewed = after[REVIEWED_V2]
    assert reviewed.msgstr == "The model launched in 2026.[4]" and not reviewed.fuzzy
    status = run_cli(edited_project, "status", "--json")
    counts = json.loads(status.out)["totals"]["en"]
    assert counts["reviewed"] == 1 and counts["stale"] == 0 and counts["missing"] == 0
    assert counts["obsolete"] == 2
