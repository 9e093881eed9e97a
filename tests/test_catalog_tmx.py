"""TMX 1.4b export and import (``localize tm export`` / ``tm import``)."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest
from lxml import etree

from localize.catalog.pofile import catalog_header, mark_machine, new_catalog, save_po
from localize.catalog.tm import TranslationMemory, fill_from_memory
from localize.catalog.tmx import XML_LANG, export_tmx, import_tmx
from localize.errors import InputError
from localize.locales import parse_locale
from localize.project import Project

DATA = Path(__file__).parent / "data" / "catalog"
JA = parse_locale("ja")


def make_project(root: Path) -> Project:
    root.mkdir(parents=True, exist_ok=True)
    (root / "localize.toml").write_text('source_locale = "en"\ntarget_locales = ["ja", "fr"]\n')
    return Project.open(root)


def write_po(project: Project, slug: str, entries: list[polib.POEntry]) -> Path:
    po = new_catalog(catalog_header(slug, JA, "2025-01-01 00:00+0000"))
    for entry in entries:
        po.append(entry)
    path = project.po_path(slug, JA)
    save_po(po, path)
    return path


def test_import_maps_languages_and_keeps_inline_codes(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    assert import_tmx(project, DATA / "team-memory.tmx") == 2
    stored = json.loads((project.state_dir / "tm" / "ja.json").read_text("utf-8"))
    assert stored["The phone runs the model offline."]["translation"] == "電話はオフラインでモデルを動かす。"
    assert stored["Read the <b>release notes</b>."]["translation"] == "<b>リリースノート</b>を読む。"
    assert not (project.state_dir / "tm" / "fr.json").exists()
    path = write_po(project, "a", [polib.POEntry(msgid="The phone runs the model offline.")])
    fill_from_memory(project, JA)
    assert polib.pofile(str(path))[0].msgstr == "電話はオフラインでモデルを動かす。"


def test_export_writes_reviewed_units_with_source_language(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    machine = polib.POEntry(msgid="Machine only.")
    mark_machine(machine, "機械。", "google")
    write_po(project, "a", [
        polib.POEntry(msgid="Reviewed one.", msgstr="確認済み。"),
        machine,
        polib.POEntry(msgid="Missing."),
        polib.POEntry(msgid="Gone but reviewed.", msgstr="消えた。", obsolete=True),
    ])
    out = tmp_path / "out.tmx"
    assert export_tmx(project, out, None) == 2
    root = etree.parse(str(out)).getroot()
    assert root.get("version") == "1.4"
    assert root.find("header").get("srclang") == "en"
    units = {
        tu.find("tuv/seg").text: {tuv.get(XML_LANG): tuv.find("seg").text for tuv in tu.findall("tuv")}
        for tu in root.iter("tu")
    }
    assert units["Reviewed one."] == {"en": "Reviewed one.", "ja": "確認済み。"}
    assert "Machine only." not in units
    assert export_tmx(project, out, [JA], include_machine=True) == 3
    props = [p.text for p in etree.parse(str(out)).iter("prop")]
    assert props == ["machine"]


def test_export_then_import_round_trips_into_another_project(tmp_path: Path) -> None:
    first = make_project(tmp_path / "first")
    write_po(first, "a", [polib.POEntry(msgid='Quotes " & <tags>.', msgstr='引用 " & <tags>。')])
    export_tmx(first, tmp_path / "x.tmx", None)
    second = make_project(tmp_path / "second")
    assert import_tmx(second, tmp_path / "x.tmx") == 1
    memory = TranslationMemory.for_locale(second, JA)
    match = memory.exact('Quotes " & <tags>.')
    assert match is not None and match.translation == '引用 " & <tags>。' and match.reviewed


@pytest.mark.parametrize(("name", "line"), [("entities.tmx", 3), ("broken.tmx", 6)])
def test_unsafe_or_malformed_tmx_is_refused_with_file_and_line(tmp_path: Path, name: str, line: int) -> None:
    project = make_project(tmp_path)
    with pytest.raises(InputError) as caught:
        import_tmx(project, DATA / name)
    assert caught.value.file and caught.value.file.endswith(name)
    assert caught.value.line == line
    assert not (project.state_dir / "tm").exists()


def test_import_takes_the_projects_source_language_whatever_the_tmx_srclang(
    tmp_path: Path,
) -> None:
    """A Japanese team's TMX (srclang ja) still holds en -> ja and en -> fr pairs for us."""
    project = make_project(tmp_path)
    assert import_tmx(project, DATA / "ja-source-memory.tmx") == 4
    ja = json.loads((project.state_dir / "tm" / "ja.json").read_text("utf-8"))
    fr = json.loads((project.state_dir / "tm" / "fr.json").read_text("utf-8"))
    assert {source: pair["translation"] for source, pair in ja.items()} == {
        "The model runs on a phone.": "モデルは電話で動く。",
        "Open the settings.": "設定を開く。",  # en-US is our "en": CAT tools add a region
    }
    assert {pair["file"] for pair in ja.values()} == {"tmx:ja-source-memory.tmx"}
    assert {source: pair["translation"] for source, pair in fr.items()} == {
        "The model runs on a phone.": "Le modèle tourne sur un téléphone.",
        "Read the notes.": "Lisez les notes.",
    }
