"""Echoed and oversized MT answers are refused (issue 12, points 6 and 7; SPEC section 9).

A service that sends the source back, or a huge answer, must not end up as a
machine translation: the entries are ``failed`` with the reason, the run
exits 1, the paid-for answers stay in the cache (a ``--retry-failed`` run sends
nothing), and no page is published in Chinese under ``lang="fr"``. OpenCC's
answers (``Gemma 4 1B`` table cells come back unchanged) are never echoes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polib
import pytest

from fakeservers.mt_servers import DeepLServer, GoogleServer, LibreServer
from localize.config import EngineSettings
from localize.engines import PermanentError, get_engine
from localize.engines.transport import MAX_ANSWER_BYTES
from localize.locales import parse_locale
from localize.qa.answers import answer_problems
from workflow_support import copy_sample, run_cli, set_engine_url

FR_ONLY = 'target_locales = ["fr"]'
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _fr_project(tmp_path: Path, url: str) -> Path:
    project = copy_sample(tmp_path / "p")
    config = project / "localize.toml"
    text = re.sub(r"^target_locales\s*=.*$", FR_ONLY, config.read_text("utf-8"), flags=re.M)
    text = re.sub(r'\[engines\."zh-Hans-CN"\][^\[]*', "", text)
    config.write_text(text, "utf-8")
    set_engine_url(project, "libre", url)
    return project


def _fr_entries(project: Path) -> list[polib.POEntry]:
    entries = []
    for path in sorted((project / "locales" / "fr").rglob("*.po")):
        entries += [e for e in polib.pofile(str(path)) if not e.obsolete and e.msgid]
    return entries


def test_an_echoing_service_fails_every_entry_and_publishes_nothing_under_fr(tmp_path: Path) -> None:
    with LibreServer(translate=lambda text, source, target: text) as server:
        project = _fr_project(tmp_path, server.url)
        assert run_cli(project, "extract").code == 0
        result = run_cli(project, "translate", "--json")
        assert result.code == 1, result.err
        report = json.loads(result.out)
        sent = server.counters["texts"]
        assert sent > 0
        failed = sum(row["failed"] for row in report["engines"])
        entries = _fr_entries(project)
        chinese = [e for e in entries if _HAN.search(e.msgid)]
        names = [e for e in entries if not _HAN.search(e.msgid)]  # "Gemma 4 1B": nothing to translate
        assert failed == len(chinese) > 90
        assert all(not e.msgstr for e in chinese), "an echo was stored as a translation"
        assert all(e.msgstr == e.msgid for e in names)

        check = run_cli(project, "check", "--json")
        assert check.code == 1
        findings = json.loads(check.out)["findings"]
        reasons = [f["message"] for f in findings if f["check"] == "failed"]
        assert len(reasons) == len(chinese)
        assert all("echo" in reason for reason in reasons), reasons[:3]

        status = json.loads(run_cli(project, "status", "--json").out)
        assert status["totals"]["fr"]["failed"] == len(chinese)
        assert status["totals"]["fr"]["machine"] == len(names)

        # the answers were paid for: kept in the cache, so retrying sends nothing
        server.reset_logs()
        retry = run_cli(project, "translate", "--retry-failed")
        assert retry.code == 1, retry.err
        assert server.counters["texts"] == 0

    build = run_cli(project, "build")
    assert build.code == 0, build.err
    for page in (project / "site").rglob("*.html"):
        assert 'lang="fr"' not in page.read_text("utf-8"), page


def test_an_oversized_answer_is_refused_and_not_stored(tmp_path: Path) -> None:
    huge = "très " * 20_000  # 100 KB for a sentence of a few characters
    with LibreServer(translate=lambda text, source, target: huge) as server:
        project = _fr_project(tmp_path, server.url)
        assert run_cli(project, "extract").code == 0
        result = run_cli(project, "translate")
        assert result.code == 1, result.err
        assert server.counters["texts"] > 0
    assert all(not e.msgstr for e in _fr_entries(project))
    check = json.loads(run_cli(project, "check", "--json").out)
    reasons = [f["message"] for f in check["findings"] if f["check"] == "failed"]
    assert reasons and all("length" in reason or "too large" in reason for reason in reasons)


def test_opencc_answers_equal_to_the_source_are_kept(tmp_path: Path) -> None:
    """``Gemma 4 1B`` comes back from OpenCC unchanged: not an echo (make demo stays green)."""
    project = copy_sample(tmp_path / "p")
    catalog = project / "locales" / "zh_Hans_CN" / "LC_MESSAGES" / "news" / "gemma-4-open-model.po"
    po = polib.pofile(str(catalog), wrapwidth=0)
    for entry in po:
        if not entry.obsolete:
            entry.msgstr = ""
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            entry.tcomment = ""
    po.save(str(catalog))
    result = run_cli(project, "translate", "--locale", "zh-Hans-CN", "--json")
    assert result.code == 0, result.err
    assert sum(row["failed"] for row in json.loads(result.out)["engines"]) == 0
    translated = {e.msgid: e.msgstr for e in polib.pofile(str(catalog)) if not e.obsolete}
    assert translated["Gemma 4 1B"] == "Gemma 4 1B"
    assert all(translated.values())


@pytest.mark.parametrize("name", ["libre", "google", "deepl"])
def test_a_50_mb_answer_is_cut_off_at_the_cap_and_fails_the_request(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Response bodies are capped when read: the engine stops reading and reports the size."""
    monkeypatch.setenv("DEEPL_API_KEY", "test-key")
    servers = {"libre": LibreServer, "google": GoogleServer, "deepl": DeepLServer}
    huge = "x" * 50_000_000
    with servers[name](translate=lambda text, source, target: huge) as server:
        engine = get_engine(EngineSettings(name=name, url=server.url, timeout=20))
        with pytest.raises(PermanentError) as caught:
            engine.translate(["臺灣的模型。"], parse_locale("zh-Hant-TW"), parse_locale("en"))
    assert "too large" in str(caught.value)
    assert caught.value.reason == "length"
    assert len(huge) > MAX_ANSWER_BYTES


ZH_TW, FR, JA = parse_locale("zh-Hant-TW"), parse_locale("fr"), parse_locale("ja")


def test_an_echo_re_punctuated_by_the_ladder_is_still_an_echo() -> None:
    source = "分析師認為，Google 這次改用 Apache 2.0[5]。"
    echoed = "分析師認為， Google 這次改用 Apache 2.0[5]."
    problems = answer_problems(source, echoed, "markdown", None, ZH_TW, FR, "libre")
    assert problems and problems[0].startswith("echo")


def test_borrowed_latin_names_do_not_make_an_answer_the_wrong_script() -> None:
    assert answer_problems("Apache 2.0 授權", "Apache 2.0 ライセンス", "markdown", None, ZH_TW, JA, "libre") == ()
    assert answer_problems("這是開放模型。", "C'est le modèle « 開放 ».", "markdown", None, ZH_TW, FR, "libre") == ()


def test_a_chinese_answer_with_latin_names_is_the_wrong_script_for_french() -> None:
    source = "Google 推出 Gemma 4，採用 Apache 授權。"
    answer = "Google 發布 Gemma 4，使用 Apache 許可證。"
    problems = answer_problems(source, answer, "markdown", None, ZH_TW, FR, "libre")
    assert problems and problems[0].startswith("wrong script: the answer is written in Han")
