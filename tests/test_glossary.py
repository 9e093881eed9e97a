"""CSV/TSV glossaries, merging several files, fingerprints and the project loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from localize.errors import InputError
from localize.glossary import Glossary, load_glossary, load_project_glossary
from localize.locales import parse_locale

DATA = Path(__file__).parent / "data" / "glossary"
ZH_TW = parse_locale("zh-TW")
EN, JA, ZH_CN = parse_locale("en-US"), parse_locale("ja"), parse_locale("zh-Hans-CN")


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _load(*paths: Path) -> Glossary:
    return load_glossary(list(paths), ZH_TW, root=paths[0].parent)


def test_csv_columns_and_options() -> None:
    glossary = _load(DATA / "terms.csv")
    inference = glossary.get("推論")
    assert inference.target_for(EN) == "inference"
    assert inference.target_for(JA) == "推論"  # same as source for ja only: a target, not keep
    assert not inference.keep
    assert inference.note == "used for serving"
    kaggle = glossary.get("Kaggle")
    assert kaggle.keep and kaggle.case_sensitive
    assert kaggle.target_for(parse_locale("fr")) == "Kaggle"  # keep = every locale
    assert glossary.get("TPU").keep  # every target equals the source
    assert glossary.get("量化, 4 位元").target_for(ZH_CN) == "4 位量化"  # quoted comma
    assert glossary.get("推論").origin == "terms.csv:3"


def test_tsv_with_term_column_and_any_locale_spelling() -> None:
    glossary = _load(DATA / "terms.tsv")
    tuning = glossary.get("微調")
    assert tuning.target_for(EN) == "fine-tuning"
    assert tuning.target_for(parse_locale("zh-Hans")) == "微调"  # column zh_CN
    assert tuning.target_for(parse_locale("ja-JP")) == "ファインチューニング"


def test_files_merge_and_identical_duplicates_are_fine() -> None:
    paths = sorted(DATA.iterdir())
    glossary = load_glossary(paths, ZH_TW, root=DATA)
    on_device = glossary.get("裝置端")  # in basic-2019.tbx and terms.tsv, same targets
    assert on_device.target_for(EN) == "on-device"
    assert on_device.forbidden_for(EN) == ("device-side",)
    assert on_device.note == "same as TBX"
    sources = [t.source for t in glossary.terms]
    assert len(sources) == len(set(sources))


def test_conflict_names_both_files_and_lines(tmp_path: Path) -> None:
    first = _write(tmp_path, "a.csv", "zh-TW,en\n權重,weights\n開放模型,open model\n")
    second = _write(
        tmp_path, "b.tsv", "en\tzh-Hant\tja\n\t\t\nopen-weight model\t開放模型\tオープンモデル\n"
    )
    with pytest.raises(InputError) as caught:
        _load(first, second)
    message = str(caught.value)
    assert "a.csv:3" in message and "b.tsv:3" in message
    assert "'open model'" in message and "'open-weight model'" in message
    assert (caught.value.file, caught.value.line) == ("b.tsv", 3)


def test_conflict_inside_one_file_and_case_insensitive_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "dup.csv", "zh-TW,en\nGemma,Gemma\ngemma,Jemma\n")
    with pytest.raises(InputError) as caught:
        _load(path)
    assert "dup.csv:2" in str(caught.value) and "dup.csv:3" in str(caught.value)


def test_translate_no_with_a_different_target_is_a_conflict(tmp_path: Path) -> None:
    path = _write(tmp_path, "keep.csv", "term,en,translate\nGemma 4,Gemma Four,no\n")
    with pytest.raises(InputError, match="translate=no"):
        _load(path)


@pytest.mark.parametrize(
    ("name", "content", "line", "needle"),
    [
        ("short.csv", "zh-TW,en,ja\n開放模型,open model\n", 2, "row has 2 cells"),
        ("long.csv", "zh-TW,en\n開放模型,open model,extra\n", 2, "row has 3 cells"),
        ("tag.csv", "zh-TW,english\n", 1, "unknown header 'english'"),
        ("nosource.csv", "en,ja\nopen model,オープンモデル\n", 1, "no source column"),
        ("twosource.csv", "zh-TW,zh-Hant,en\n", 1, "more than one source column"),
        (
            "flag.csv",
            "zh-TW,en,translate\n\n開放模型,open model,maybe\n",
            3,
            "translate must be yes or no",
        ),
        ("quote.csv", 'zh-TW,en\n開放模型,"open model\n', 2, "malformed CSV"),
        ("empty.csv", "zh-TW,en\n,open model\n", 2, "without a source term"),
        ("empty-header.tsv", "zh-TW\t\ten\n", 1, "empty header"),
        ("blank.csv", "", 1, "empty glossary"),
        ("utf8.csv", "zh-TW,en\n開放,open\n".encode() + b"\xff\xfe,x\n", 3, "not valid UTF-8"),
        ("nul.csv", b"zh-TW,en\n\x00x,y\n", 2, "NUL"),
    ],
)
def test_malformed_tables_name_file_and_line(
    tmp_path: Path, name: str, content: str | bytes, line: int, needle: str
) -> None:
    path = _write(tmp_path, name, content)
    with pytest.raises(InputError) as caught:
        _load(path)
    assert needle in caught.value.message
    assert (caught.value.file, caught.value.line) == (name, line)


def test_bom_and_case_sensitive_spellings(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "bom.csv", "\ufeffSOURCE,EN-us,Case-Sensitive\nAI,AI,1\nGPU,graphics card,FALSE\n"
    )
    glossary = _load(path)
    assert glossary.get("AI").case_sensitive and glossary.get("AI").keep
    assert not glossary.get("GPU").case_sensitive


def test_fingerprint_tracks_renderings_not_file_order(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.csv", "zh-TW,en\n開放模型,open model\n")
    b = _write(tmp_path, "b.csv", "zh-TW,en\n裝置端,on-device\n")
    assert _load(a, b).fingerprint == _load(b, a).fingerprint
    before = _load(a, b).fingerprint
    b.write_text("zh-TW,en\n裝置端,on device\n", encoding="utf-8")
    assert _load(a, b).fingerprint != before
    assert Glossary.empty().fingerprint != before
    assert len(Glossary.empty().fingerprint) == 64


def test_load_project_glossary(tmp_path: Path) -> None:
    from localize.project import Project

    (tmp_path / "localize.toml").write_text(
        'source_locale = "zh-TW"\ntarget_locales = ["en", "ja"]\n', encoding="utf-8"
    )
    (tmp_path / "glossaries").mkdir()
    for name in ("basic-2008.tbx", "terms.csv"):
        (tmp_path / "glossaries" / name).write_bytes((DATA / name).read_bytes())
    (tmp_path / "glossaries" / "readme.txt").write_text("not a glossary", encoding="utf-8")
    glossary = load_project_glossary(Project.open(tmp_path))
    assert glossary.get("開放模型").origin == "glossaries/basic-2008.tbx:24"
    assert glossary.get("Kaggle").origin == "glossaries/terms.csv:4"


def test_target_marked_deprecated_elsewhere_is_an_error(tmp_path: Path) -> None:
    tbx = _write(
        tmp_path,
        "a.tbx",
        '<tbx xmlns="urn:iso:std:iso:30042:ed-2"><text><body><conceptEntry>\n'
        '<langSec xml:lang="zh-TW"><termSec><term>開放模型</term></termSec></langSec>\n'
        '<langSec xml:lang="en"><termSec><term>open-source model</term><termNote '
        'type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec></langSec>\n'
        "</conceptEntry></body></text></tbx>",
    )
    table = _write(tmp_path, "b.csv", "zh-TW,en\n開放模型,open-source model\n")
    with pytest.raises(InputError) as caught:
        _load(tbx, table)
    assert "b.csv:2" in str(caught.value) and "a.tbx:1" in str(caught.value)


def test_glossary_and_terms_survive_pickling() -> None:
    import pickle

    glossary = _load(DATA / "terms.csv")
    copy = pickle.loads(pickle.dumps(glossary))
    assert copy.fingerprint == glossary.fingerprint
    assert copy.terms == glossary.terms
    assert [m.text for m in copy.find("開放模型與 Kaggle")] == ["開放模型", "Kaggle"]
    term = copy.get("推論")
    assert term.target_for(EN) == "inference"
    with pytest.raises(TypeError):
        term.targets["en"] = "x"  # read-only
