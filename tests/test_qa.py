"""QA: each check by name, waivers, the project check's JSON shape and text report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from localize.errors import InputError
from localize.glossary import Glossary, Term
from localize.locales import parse_locale
from localize.project import Project
from localize.qa import CHECKS, check_project, check_translation

DATA = Path(__file__).parent / "data" / "qa" / "project"
EN = parse_locale("en")
JA = parse_locale("ja")
GLOSSARY = Glossary(
    [
        Term("Gemma 4", keep=True),
        Term("開放模型", targets={"en": "open model", "ja": "オープンモデル"},
             forbidden={"en": ("open-source model",)}),
    ]
)


def checks(source: str, translation: str, fmt: str = "markdown", target=EN, **kw) -> dict[str, str]:
    """check name -> severity of every finding."""
    return {check: severity for severity, check, _ in
            check_translation(source, translation, fmt, target, GLOSSARY, **kw)}


def test_clean_translation_has_no_findings() -> None:
    assert checks("Gemma 4 是開放模型[3]，見 https://e.com/a。", "Gemma 4 is an open model[3], see https://e.com/a.") == {}


@pytest.mark.parametrize(
    ("source", "translation", "fmt", "check", "severity"),
    [
        ("見 https://e.com/a 與 `x`。", "See https://e.com/b and `x`.", "markdown", "placeables", "error"),
        ("用 %(name)s。", "Use name.", "markdown", "placeables", "error"),
        ("見[3][5]。", "See [3].", "markdown", "citations", "error"),
        ("見[3]。", "See [3][4].", "markdown", "citations", "error"),
        ("這是**重點**。", "This is the point.", "markdown", "markup", "error"),
        ("見<b>這</b>。", "See <i>this</i>.", "html", "markup", "error"),
        ("Gemma 4 很好。", "Gemma is good.", "markdown", "keep-terms", "error"),
        ("見[3]。", "See ZX0Q.", "markdown", "mask-residue", "error"),
        ("見[3]。", "See ⟦0⟧[3].", "markdown", "mask-residue", "error"),
        ("見<b>這</b>。", "See <b>this</b><script>x()</script>.", "html", "unsafe-markup", "error"),
        ("見[說明](https://e.com)。", "See [docs](javascript:alert(1)).", "markdown", "unsafe-markup", "error"),
        ("這是開放模型。", "This is an open weights model.", "markdown", "glossary", "warning"),
        ("這是開放模型。", "This is an open model, an open-source model.", "markdown", "forbidden-terms", "warning"),
        ("共 1,000 人。", "1,500 people in all.", "markdown", "numbers", "warning"),
        ("共 3 人。", " Three people. ", "markdown", "whitespace", "warning"),
        ("真的嗎？", "Really.", "markdown", "punctuation", "warning"),
    ],
)
def test_each_check(source: str, translation: str, fmt: str, check: str, severity: str) -> None:
    assert check in CHECKS
    assert checks(source, translation, fmt).get(check) == severity


@pytest.mark.parametrize(
    ("source", "translation", "target"),
    [
        ("共 1,000 人。", "There are 1,000 people.", EN),
        ("共 1,000 人。", "Es gibt 1.000 Leute.", parse_locale("de")),
        ("共 1,000 人。", "Il y a 1 000 personnes.", parse_locale("fr")),
        ("In 2026 we grew 3.5%.", "２０２６ 年に 3.5% 成長しました。", JA),
        ("Gemma 4 launched.", "Gemma 4 が公開されました。", JA),
    ],
)
def test_numbers_allow_the_target_locales_formatting(source: str, translation: str, target) -> None:
    assert "numbers" not in checks(source, translation, target=target)


@pytest.mark.parametrize(
    ("source", "translation"),
    [("真的嗎？", "Really?"), ("好！", "Good!"), ("見[3]。", "See [3]."), ("It works.", "動きます。"),
     ("「好」。", "\"Good\"."), ("**好。**", "**Good.**")],
)
def test_punctuation_maps_full_and_half_width(source: str, translation: str) -> None:
    assert "punctuation" not in checks(source, translation)


def test_order_of_placeables_may_change() -> None:
    assert checks("見[3]與[5]。", "[5] and [3] see.") == {}


def test_full_width_citation_equals_half_width() -> None:
    assert "citations" not in checks("見［3］。", "See [3].")


def test_waiver_by_flag_and_by_config() -> None:
    source, translation = "Gemma 4 共 3 個[3]。", "Gemma has 4 of them"
    found = checks(source, translation)
    assert {"keep-terms", "citations", "numbers", "punctuation"} <= set(found)
    waived = checks(source, translation, flags=["fuzzy", "ignore-numbers", "ignore-citations"])
    assert "numbers" not in waived and "citations" not in waived and "keep-terms" in waived
    assert "keep-terms" not in checks(source, translation, ignore={"keep-terms"})


# -- the project ------------------------------------------------------------------------------------------
@pytest.fixture()
def project(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    shutil.copytree(DATA, root)
    return Project.open(root)


def test_project_json_shape_and_findings(project: Project) -> None:
    report = check_project(project)
    data = json.loads(json.dumps(report.to_json(), ensure_ascii=False))
    assert set(data) == {"errors", "warnings", "findings"}
    assert data["errors"] == report.errors == sum(f["severity"] == "error" for f in data["findings"])
    assert data["warnings"] == report.warnings
    fields = {"severity", "check", "locale", "slug", "file", "line", "msgid", "message"}
    assert all(set(f) == fields for f in data["findings"])
    seen = {(f["locale"], f["slug"], f["line"], f["check"]) for f in data["findings"]}
    assert ("en", "news/launch", 17, "citations") in seen
    assert ("en", "news/launch", 17, "keep-terms") in seen
    assert ("ja", "guide", 10, "unsafe-markup") in seen  # HTML source: format from the #: reference
    assert ("ja", "guide", 15, "mask-residue") in seen
    first = next(f for f in data["findings"] if f["check"] == "citations")
    assert first["file"] == "locales/en/LC_MESSAGES/news/launch.po"
    assert first["msgid"] == "Gemma 4 有 1,000 個[4][5]。"


def test_project_failed_entries_and_what_is_not_checked(project: Project) -> None:
    findings = check_project(project).findings
    failed = [f for f in findings if f.check == "failed"]
    assert [(f.line, f.msgid) for f in failed] == [(29, "這句翻譯失敗了[7]。")]
    assert "lost citation '[7]'" in failed[0].message
    lines = {f.line for f in findings if f.slug == "news/launch"}
    assert 23 not in lines  # flags ignore-numbers and ignore-punctuation
    assert 34 not in lines  # untranslated: status counts it, check does not
    assert 39 not in lines  # stale suggestion: never published
    assert all("過時" not in f.msgid for f in findings)  # obsolete


def test_project_waiver_by_config(project: Project) -> None:
    config = project.config_path
    config.write_text(config.read_text("utf-8") + '\n[qa]\nignore = ["keep-terms", "failed"]\n', "utf-8")
    report = check_project(Project.open(project.root))
    assert not {"keep-terms", "failed"} & {f.check for f in report.findings}
    assert "citations" in {f.check for f in report.findings}


def test_project_locale_selection(project: Project) -> None:
    report = check_project(project, [JA])
    assert {f.locale for f in report.findings} == {"ja"}
    assert report.files_checked == 1


def test_text_report_groups_by_file_with_line_numbers(project: Project) -> None:
    text = check_project(project).to_text()
    en_at = text.index("locales/en/LC_MESSAGES/news/launch.po")
    ja_at = text.index("locales/ja/LC_MESSAGES/guide.po")
    assert en_at < text.index("  17: error [citations]") < ja_at < text.index("  10: error [unsafe-markup]")
    assert text.rstrip().endswith("in 5 checked entries of 2 file(s)")
    assert f"{check_project(project).errors} error(s)" in text


def test_malformed_po_is_an_input_error_naming_file_and_line(project: Project) -> None:
    path = project.root / "locales/ja/LC_MESSAGES/guide.po"
    path.write_text(path.read_text("utf-8") + '\nmsgid "broken\n', "utf-8")
    with pytest.raises(InputError) as caught:
        check_project(project)
    assert caught.value.file and "guide.po" in caught.value.file


def test_empty_project_has_nothing_to_report(tmp_path: Path) -> None:
    (tmp_path / "localize.toml").write_text('source_locale = "en"\ntarget_locales = ["ja"]\n', "utf-8")
    report = check_project(Project.open(tmp_path))
    assert report.errors == report.warnings == 0
    assert report.to_json() == {"errors": 0, "warnings": 0, "findings": []}


# -- pseudo-locales and numbers written in words or with magnitudes --------------------------------
XA, XB = parse_locale("en-XA"), parse_locale("ar-XB")


@pytest.mark.parametrize("target", [XA, XB], ids=lambda t: t.bcp47)
def test_pseudo_output_passes_qa_cleanly(target) -> None:
    from localize.engines.pseudo import pseudo_localize

    for source in (
        "Gemma 4 是開放模型，需要 2.5 GB 記憶體[1]。",
        "見 https://www.apache.org/licenses/LICENSE-2.0 與 Apache 2.0：",
        "它真的能跑嗎？",
    ):
        translation = pseudo_localize(source, target)
        found = check_translation(source, translation, "markdown", target, None)
        assert found == [], (source, translation, found)


@pytest.mark.parametrize("target", [XA, XB], ids=lambda t: t.bcp47)
def test_pseudo_text_of_english_number_words_passes_numbers(target) -> None:
    """``10 million`` pseudo-localized is ``10 ɱîļļîöñ``: the same number, not 10 (issue 11)."""
    from localize.engines.pseudo import pseudo_localize

    for source in ("It costs 10 million dollars.", "About 2.5 billion users and 3 thousand servers."):
        translation = pseudo_localize(source, target)
        found = check_translation(source, translation, "markdown", target, None)
        assert found == [], (source, translation, found)
    changed = pseudo_localize("It costs 10 million dollars.", target).replace("10", "11")
    (finding,) = check_translation("It costs 10 million dollars.", changed, "markdown", target, None)
    assert finding[1] == "numbers" and "10 million" in finding[2]


def test_pseudo_punctuation_is_compared_inside_the_brackets() -> None:
    assert checks("它能跑嗎？", "[Ìţ ŕûñš. ļöŕé]", target=XA) == {"punctuation": "warning"}
    assert checks("它能跑。", "[Ìţ ŕûñš ļöŕé]", target=XA) == {"punctuation": "warning"}
    # a real locale gets no such unwrapping: the bracket is its last character
    assert checks("它能跑。", "[It runs. lorem]") == {"punctuation": "warning"}


@pytest.mark.parametrize(
    ("source", "translation", "target"),
    [
        ("10 億", "1 billion", EN),
        ("Gemma 4 一共有四種尺寸，參數量從 10 億到 270 億不等[1]。",
         "Gemma 4 comes in four sizes, ranging from 1 billion to 27 billion parameters[1].", EN),
        ("Google 在 2026 年 4 月推出 Gemma 4。", "In April 2026 Google released Gemma 4.", EN),
        ("一個 40 億參數的模型需要 2.5 GB。", "A 4-billion-parameter model needs 2.5 GB.", EN),
        ("這樣的設計有三個好處：", "この設計には 3 つの利点があります：", JA),
        ("參數量 270 億。", "パラメータ数は 270 億。", JA),
        ("四十億參數。", "4 billion parameters.", EN),
        ("10 億參數。", "1 Milliarde Parameter.", parse_locale("de")),
        ("2026 年 3 月。", "mars 2026.", parse_locale("fr")),
        ("27B 模型。", "A 27-billion model.", EN),
        ("頻率 100 兆赫。", "A 100 MHz clock.", EN),
        ("一共 4 種。", "Four kinds, 4 in all.", EN),
    ],
)
def test_numbers_read_as_values_across_scripts(source: str, translation: str, target) -> None:
    assert "numbers" not in checks(source, translation, target=target)


@pytest.mark.parametrize(
    ("source", "translation", "target", "message"),
    [
        ("10 億", "10 billion", EN, "missing 10 億; added 10 billion"),
        ("10 億", "1 Billion", parse_locale("de"), "missing 10 億; added 1 Billion"),  # 10^12 in German
        ("2026 年 4 月。", "In May 2026.", EN, "missing 4"),
        ("有四種。", "There are 5 kinds.", EN, "added 5"),
        ("單張 GPU", "GPU 1 枚", JA, "added 1"),
    ],
)
def test_numbers_still_flag_real_differences(source: str, translation: str, target, message: str) -> None:
    found = check_translation(source, translation, "markdown", target, GLOSSARY)
    assert ("warning", "numbers", f"numbers differ: {message}") in found


# -- glossary checks match whole terms, as the glossary matcher does -----------------------------------
WORDS = Glossary(
    [
        Term("AI", keep=True),
        Term("Go", keep=True),
        Term("model", targets={"de": "Modell"}, forbidden={"de": ("KI",)}),
    ]
)


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        ("AI helps.", "KI hilft per Mail."),  # "ai" only inside "Mail"
        ("Use Go today.", "Nutze Google heute."),  # "go" only inside "Google"
    ],
)
def test_keep_term_inside_another_word_is_missing(source: str, translation: str) -> None:
    found = check_translation(source, translation, "markdown", parse_locale("de"), WORDS)
    assert [check for _, check, _ in found] == ["keep-terms"]


def test_forbidden_rendering_inside_another_word_is_not_used() -> None:
    found = check_translation("The model.", "Das Modell im Kino.", "markdown", parse_locale("de"), WORDS)
    assert found == []


@pytest.mark.parametrize(
    ("source", "translation", "target", "message"),
    [
        ("We have 1,000 users.", "Wir haben 1 Nutzer.", parse_locale("de"), "missing 1,000; added 1"),
        ("About 10,000 people.", "Environ 10 personnes.", parse_locale("fr"), "missing 10,000; added 10"),
        ("共 5.000 人。", "5 people.", EN, "missing 5.000; added 5"),
    ],
)
def test_a_round_thousand_is_not_read_as_its_leading_digits(
    source: str, translation: str, target, message: str
) -> None:
    found = check_translation(source, translation, "markdown", target, None)
    assert ("warning", "numbers", f"numbers differ: {message}") in found


@pytest.mark.parametrize(
    ("source", "translation", "target"),
    [
        ('Say "hi."', "Sag „hallo.“", parse_locale("de")),
        ("Say 'hi.'", "Sag ‚hallo.‘", parse_locale("de")),
        ('Say "hi."', "Dis « salut. »", parse_locale("fr")),
        ('Say "hi."', "Sag »hallo.«", parse_locale("de")),
        ('Say "hi."', "Dis ‹ salut. ›", parse_locale("fr")),
    ],
)
def test_final_punctuation_inside_the_targets_closing_quotes(source: str, translation: str, target) -> None:
    assert "punctuation" not in checks(source, translation, target=target)


@pytest.mark.parametrize(
    ("source", "translation", "target"),
    [
        ("Released on 2026-04-18.", "Veröffentlicht am 18.04.2026.", parse_locale("de")),
        ("Released on 04/18/2026.", "Publié le 18.04.2026.", parse_locale("fr")),
        ("Version 1.2.3 shipped.", "Version 1.2.3 erschienen.", parse_locale("de")),
    ],
)
def test_a_dotted_date_is_its_day_month_and_year(source: str, translation: str, target) -> None:
    assert "numbers" not in checks(source, translation, target=target)


def test_a_dotted_date_with_a_changed_day_is_flagged() -> None:
    found = check_translation("On 2026-04-18.", "Am 19.04.2026.", "markdown", parse_locale("de"), None)
    assert ("warning", "numbers", "numbers differ: missing 18; added 19") in found


@pytest.mark.parametrize(
    ("source", "translation"),
    [("Costs €1.5M.", "Kostet 1,5 Mio. €."), ("Worth $2B.", "Wert 2 Mrd. $."), ("1.5 million users.", "1,5 Mio. Nutzer.")],
)
def test_german_mio_and_mrd_are_magnitudes(source: str, translation: str) -> None:
    assert "numbers" not in checks(source, translation, target=parse_locale("de"))


def test_german_mio_still_flags_a_wrong_magnitude() -> None:
    assert checks("Costs €1.5M.", "Kostet 1,5 Mrd. €.", target=parse_locale("de")) == {"numbers": "warning"}


def test_an_inflected_glossary_target_counts_as_used_but_a_kept_term_must_be_whole() -> None:
    from localize.glossary import Glossary, Term

    glossary = Glossary(
        (Term("開放模型", targets={"en": "open model"}, forbidden={}, keep=False),
         Term("AI", targets={}, forbidden={}, keep=True, case_sensitive=True))
    )
    en = parse_locale("en")
    plural = check_translation("兩個開放模型。", "Two open models.", "markdown", en, glossary)
    assert "glossary" not in {check for _, check, _ in plural}
    other = check_translation("兩個開放模型。", "Two free models.", "markdown", en, glossary)
    assert "glossary" in {check for _, check, _ in other}
    glued = check_translation("AI 很好。", "AIs are good.", "markdown", en, glossary)
    assert "keep-terms" in {check for _, check, _ in glued}
