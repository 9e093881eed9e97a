"""A catalog parsed by one stage is lent to the next while its bytes are unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from localize.catalog import parsed
from localize.catalog.pofile import new_catalog, po_bytes
from localize.errors import InputError


@pytest.fixture(autouse=True)
def _empty() -> Iterator[None]:
    parsed.forget()
    yield
    parsed.forget()


def _catalog(path: Path, texts: list[str]) -> tuple[bytes, polib.POFile]:
    po = new_catalog({"Content-Type": "text/plain; charset=UTF-8"})
    for text in texts:
        po.append(polib.POEntry(msgid=text, msgstr=text.upper()))
    data = po_bytes(po)
    path.write_bytes(data)
    return data, po


def test_a_kept_catalog_is_handed_over_while_its_file_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "a.po"
    data, po = _catalog(path, ["one", "two"])
    parsed.keep(path, po)
    assert parsed.read_shared(path) is po


def test_a_changed_file_is_parsed_again(tmp_path: Path) -> None:
    path = tmp_path / "a.po"
    data, po = _catalog(path, ["one"])
    parsed.keep(path, po)
    _catalog(path, ["one", "three"])
    fresh = parsed.read_shared(path)
    assert fresh is not po
    assert [e.msgid for e in fresh] == ["one", "three"]


def test_a_catalog_never_kept_is_parsed_with_load_pos_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.po"
    path.write_text('msgid "open\n', "utf-8")
    with pytest.raises(InputError) as raised:
        parsed.read_shared(path)
    assert "bad.po" in str(raised.value)


def test_the_oldest_catalogs_go_first_past_the_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsed, "BUDGET", 3)
    kept = {}
    for name in ("a", "b", "c"):
        path = tmp_path / f"{name}.po"
        data, po = _catalog(path, [f"{name}1", f"{name}2"])
        parsed.keep(path, po)
        kept[name] = (path, po)
    assert parsed.read_shared(kept["c"][0]) is kept["c"][1]
    assert parsed.read_shared(kept["a"][0]) is not kept["a"][1]  # dropped: 6 entries > 3
    assert parsed.read_shared(kept["b"][0]) is not kept["b"][1]


def test_check_reports_the_files_own_line_numbers_for_a_lent_catalog(tmp_path: Path) -> None:
    from localize.project import Project
    from localize.qa import check_project

    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    (root / "localize.toml").write_text('source_locale = "zh-Hant"\ntarget_locales = ["en"]\n', "utf-8")
    path = root / "locales/en/LC_MESSAGES/a.po"
    path.parent.mkdir(parents=True)
    po = new_catalog({"Content-Type": "text/plain; charset=UTF-8", "Language": "en"})
    for number in range(1, 6):
        po.append(polib.POEntry(msgid=f"第 {number} 句見[{number}]。", msgstr=f"Sentence {number} [{number}].",
                                occurrences=[("content/a.md", str(number))]))
    po[-1].msgstr = "Sentence 5."  # the citation [5] is lost: a QA error on this entry
    data = po_bytes(po)
    path.write_bytes(data)
    for entry in po:
        entry.linenum = 1  # as a parse of some other (older) version of the file would have them
    parsed.keep(path, po)
    findings = [f for f in check_project(Project.open(root)).findings if f.msgid == "第 5 句見[5]。"]
    line = data.decode().splitlines().index("#: content/a.md:5") + 1  # where the entry starts
    assert findings and {f.line for f in findings} == {line}
