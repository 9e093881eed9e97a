"""CSV/TSV glossaries, merging several files, fingerprints and the project loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from localize.errors import InputError
from localize.glossary import Glossary, load_glossary, load_project_glossary
from localize.locales import parse_locale

DATA = Path(__file__).parent / "data" / "glossary"
TOOLS = DATA / "tools"  # files as terminology tools and Weblate write them
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
    paths = sorted(p for p in DATA.iterdir() if p.is_file())
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
        ("nosource.csv", "en,ja\nopen model,オープンモデル\n", 1, "no source column"),
        ("twosource.csv", "zh-TW,zh-Hant,en\n", 1, "more than one source column"),
        (
            "flag.csv",
            "zh-TW,en,translate\n\n開放模型,open model,maybe\n",
            3,
            "translate must be yes or no",
        ),
        ("quote.csv", 'zh-TW,en\n開放模型,"open model\n', 2, "malformed CSV"),
        ("target.csv", "source,target\n開放模型,open model\n", 1, "column 'target'"),
        ("terms-zh-TW.csv", "source,target\n開放模型,open model\n", 1, "needs a target locale"),
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


# -- glossaries as real tools write them (issue 11, point 8) -----------------------------------
EN_SOURCE, ZH_HANT = parse_locale("en"), parse_locale("zh-Hant-TW")


def _load_en(*paths: Path) -> Glossary:
    return load_glossary(list(paths), EN_SOURCE, root=paths[0].parent)


def test_weblate_csv_header_source_target_takes_the_locale_from_the_file_name() -> None:
    glossary = _load_en(TOOLS / "weblate-glossary-zh_Hant.csv")
    assert glossary.get("pull request").target_for(ZH_HANT) == "拉取請求"
    assert glossary.get("merge").target_for(ZH_HANT) == "合併"
    assert glossary.get("merge").target_for(parse_locale("ja")) is None  # only the file's locale
    assert glossary.get("repository").target_for(ZH_HANT) is None  # untranslated in Weblate
    # Weblate's other columns are notes, each announced once, on the header line
    assert glossary.get("merge").note == "context: git merge"
    assert glossary.get("pull request").note == "developer_comments: GitHub wording"
    assert [w.split(": warning: ")[0] for w in glossary.warnings] == [
        "weblate-glossary-zh_Hant.csv:1",
        "weblate-glossary-zh_Hant.csv:1",
    ]
    assert "'context' (column 3) kept as a note" in glossary.warnings[0]
    assert "'developer_comments' (column 4) kept as a note" in glossary.warnings[1]


@pytest.mark.parametrize(
    ("name", "locale"),
    [("glossary-ja.csv", "ja"), ("terms.pt-BR.csv", "pt_BR"), ("proj-glossary-zh-Hans.csv", "zh_Hans")],
)
def test_target_column_locale_from_file_names(tmp_path: Path, name: str, locale: str) -> None:
    path = _write(tmp_path, name, "source,target\nupdate,X\n")
    assert dict(_load_en(path).get("update").targets) == {locale: "X"}


def test_unknown_columns_are_kept_as_notes_with_a_warning() -> None:
    glossary = _load_en(TOOLS / "variants.csv")
    refresh = glossary.get("refresh")
    assert refresh.note == "UI verb; variants: reload"
    assert glossary.get("sign in").note == "variants: log in|login"  # a note, not split
    assert glossary.get("display").note == ""  # an empty cell adds nothing
    (warning,) = glossary.warnings
    assert warning.startswith("variants.csv:1: warning: unknown column 'variants' (column 3)")


def test_a_misspelt_locale_column_is_a_note_not_a_target(tmp_path: Path) -> None:
    path = _write(tmp_path, "tag.csv", "zh-TW,english\n開放模型,open model\n")
    glossary = _load(path)
    term = glossary.get("開放模型")
    assert term.target_for(EN) is None and term.note == "english: open model"
    assert "unknown column 'english'" in glossary.warnings[0]


def test_row_without_a_source_term_is_skipped_with_a_warning(tmp_path: Path) -> None:
    path = _write(tmp_path, "empty.csv", "zh-TW,en\n,open model\n權重,weights\n  ,x\n")
    glossary = _load(path)
    assert [t.source for t in glossary.terms] == ["權重"]
    assert glossary.warnings == (
        "empty.csv:2: warning: row without a source term skipped",
        "empty.csv:4: warning: row without a source term skipped",
    )


def test_tsv_has_no_quoting_a_quote_is_a_character() -> None:
    glossary = _load_en(TOOLS / "stray-quote.tsv")
    assert glossary.get('27" display').target_for(ZH_HANT) == "27 吋顯示器"
    assert glossary.get('"smart" quotes').target_for(ZH_HANT) == "彎引號"
    assert glossary.get("AI model").note == '"keep AI"'
    assert glossary.get("AI model").origin == "stray-quote.tsv:4"  # one line, one row
    assert glossary.warnings == ()


def test_the_same_text_as_csv_is_still_malformed(tmp_path: Path) -> None:
    text = (TOOLS / "stray-quote.tsv").read_text("utf-8").replace("\t", ",")
    with pytest.raises(InputError, match="malformed CSV") as caught:
        _load_en(_write(tmp_path, "quotes.csv", text))
    assert caught.value.line == 3  # "smart" quotes: a quoted field with text after it


def test_bar_separated_targets_are_equally_valid_the_first_is_used() -> None:
    glossary = _load_en(TOOLS / "variants.csv")
    refresh = glossary.get("refresh")
    assert refresh.target_for(ZH_HANT) == "更新"  # what engines and masking use
    assert refresh.targets_for(ZH_HANT) == ("更新", "重新整理")
    assert refresh.targets_for(parse_locale("ja")) == ()
    assert glossary.get("display").targets_for(ZH_HANT) == ("顯示器",)


def test_escaped_bar_and_empty_alternatives(tmp_path: Path) -> None:
    path = _write(tmp_path, "bars.csv", "en,zh-Hant\npipe,管線\\|管道| 導管 ||\nor,|或|\n")
    glossary = _load_en(path)
    assert glossary.get("pipe").targets_for(ZH_HANT) == ("管線|管道", "導管")
    assert glossary.get("or").targets_for(ZH_HANT) == ("或",)


def test_alternatives_merge_across_files_only_the_first_must_agree(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.csv", "en,zh-Hant\nrefresh,更新|重新整理\n")
    b = _write(tmp_path, "b.csv", "en,zh-Hant\nrefresh,更新|重新載入\n")
    assert _load_en(a, b).get("refresh").targets_for(ZH_HANT) == ("更新", "重新整理", "重新載入")
    c = _write(tmp_path, "c.csv", "en,zh-Hant\nrefresh,重新整理|更新\n")
    with pytest.raises(InputError, match="conflicting glossary targets"):
        _load_en(a, c)
    before = _load_en(a).fingerprint  # an alternative changes what QA accepts
    a.write_text("en,zh-Hant\nrefresh,更新\n", encoding="utf-8")
    assert _load_en(a).fingerprint != before


def test_qa_accepts_any_alternative_and_masking_uses_the_first() -> None:
    from localize.protect.masking import SafeTranslation
    from localize.protect.tokens import WORD_STYLE
    from localize.qa.checks import check_translation

    glossary = _load_en(TOOLS / "variants.csv")
    source = "Press refresh now."

    def glossary_findings(translation: str) -> list[tuple[str, str, str]]:
        found = check_translation(source, translation, "markdown", ZH_HANT, glossary)
        return [f for f in found if f[1] == "glossary"]

    assert glossary_findings("現在按更新。") == []
    assert glossary_findings("現在按重新整理。") == []
    (finding,) = glossary_findings("現在按刷新。")
    assert "'更新' or '重新整理'" in finding[2]
    safe = SafeTranslation(source, "markdown", glossary, EN_SOURCE, ZH_HANT, lambda t: ())
    assert [slot.restore for slot in safe.slots] == ["更新"]
    assert "refresh" not in safe.masked(WORD_STYLE)


def test_terms_comment_lists_every_accepted_rendering() -> None:
    from localize.protect.placeables import terms_comment

    glossary = _load_en(TOOLS / "variants.csv")
    assert terms_comment("Press refresh.", glossary, ZH_HANT) == "refresh -> 更新 | 重新整理"
    assert terms_comment("Press refresh.", glossary, None) == "refresh"


def test_warnings_are_logged_once_per_file_version(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = _write(tmp_path, "once.csv", "zh-TW,en,variants\n權重,weights,weight\n")
    with caplog.at_level("WARNING", logger="localize"):
        first, second = _load(path), _load(path)
    assert first.warnings == second.warnings and len(first.warnings) == 1
    assert [r.getMessage() for r in caplog.records] == list(first.warnings)
    assert caplog.records[0].name.startswith("localize")
    caplog.clear()
    path.write_text("zh-TW,en,variants,context\n權重,weights,weight,\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="localize"):
        changed = _load(path)
    assert [r.getMessage() for r in caplog.records] == list(changed.warnings)
    assert len(changed.warnings) == 2


def test_cli_prints_glossary_warnings_on_stderr_and_loads_the_rest(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "localize.toml").write_text(
        'source_locale = "en"\ntarget_locales = ["zh-Hant"]\n\n[engine]\nname = "pseudo"\n',
        encoding="utf-8",
    )
    (tmp_path / "glossaries").mkdir()
    (tmp_path / "glossaries" / "export.tbx").write_bytes((TOOLS / "weblate-export.tbx").read_bytes())
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text("Open a pull request on GitHub.\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "localize", "--quiet", "run"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert warnings == [
        "glossaries/export.tbx:18: warning: empty <term> for zh-Hant skipped (no rendering there)",
        "glossaries/export.tbx:24: warning: entry without a usable en term skipped",
        "glossaries/export.tbx:30: warning: empty <term> for zh-Hant skipped (no rendering there)",
    ]  # once each, although extract, translate, check and build all load the glossary
    po = (tmp_path / "locales/zh_Hant/LC_MESSAGES/a.po").read_text("utf-8")
    assert "#. terms: pull request -> 拉取請求 · GitHub (keep)" in po
