"""translate_project through each real client over HTTP: Google, MyMemory and DeepL, not only Libre.

The fake services on 127.0.0.1 speak each service's own protocol; the real
clients (deep-translator's GoogleTranslator and MyMemoryTranslator, DeepL's
official client) talk to them. Each run meets a 429 with Retry-After and a 503
first, and must still land every translation in the PO file as a fuzzy machine
entry with every placeable intact.
"""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from fakeservers.mt_servers import DeepLServer, GoogleServer, LibreServer, MyMemoryServer
from localize.catalog.state import entry_state
from localize.project import Project
from localize.translate import translate_project

SENTENCES = [
    "Gemma 4 以 Apache 2.0 授權發布[3]。",
    "安裝方式是執行 `pip install gemma`[5]。",
    "詳細說明請見 https://example.com/gemma 網頁[1][2]。",
    "這個模型可以在筆電上執行。",
]
ENGINES = {
    "libre": LibreServer,
    "google": GoogleServer,
    "mymemory": MyMemoryServer,
    "deepl": DeepLServer,
}


def make_project(root: Path, engine: str, url: str) -> Project:
    root.mkdir(parents=True, exist_ok=True)
    (root / "localize.toml").write_text(
        "\n".join(
            [
                'source_locale = "zh-Hant-TW"',
                'target_locales = ["ja"]',
                "[engine]",
                f"name = {json.dumps(engine)}",
                f"url = {json.dumps(url)}",
                "concurrency = 4",
                "timeout = 2.0",
                "retries = 4",
                "max_retry_after = 0.05",
            ]
        )
        + "\n",
        "utf-8",
    )
    (root / "glossaries").mkdir()
    (root / "glossaries/terms.csv").write_text(
        "zh-Hant-TW,ja,translate\nGemma 4,Gemma 4,no\n筆電,ノート PC,yes\n", "utf-8"
    )
    write_empty_catalog(root)
    return Project.open(root)


def write_empty_catalog(root: Path) -> None:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Language": "ja",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    for line, msgid in enumerate(SENTENCES, 1):
        po.append(polib.POEntry(msgid=msgid, msgstr="", occurrences=[("content/a.md", str(line))]))
    path = root / "locales/ja/LC_MESSAGES/a.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_each_client_lands_fuzzy_translations_with_placeables_after_faults(
    tmp_path: Path, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEEPL_API_KEY", "test-key")
    with ENGINES[engine](faults={1: "429", 2: "503"}, retry_after="3600") as server:
        project = make_project(tmp_path, engine, server.url)
        report = translate_project(project, progress=False)
        assert server.counters["fault:429"] == 1 and server.counters["fault:503"] == 1
    assert report.exit_code == 0
    po = polib.pofile(str(tmp_path / "locales/ja/LC_MESSAGES/a.po"))
    found = {e.msgid: e for e in po}
    for msgid in SENTENCES:
        entry = found[msgid]
        assert entry_state(entry) == "machine", (engine, msgid, entry.msgstr)
        assert f"machine translation: {engine}" in entry.tcomment
    assert "[3]" in found[SENTENCES[0]].msgstr and "Gemma 4" in found[SENTENCES[0]].msgstr
    assert "Apache 2.0" in found[SENTENCES[0]].msgstr
    assert "`pip install gemma`" in found[SENTENCES[1]].msgstr
    assert "https://example.com/gemma" in found[SENTENCES[2]].msgstr
    assert "[1]" in found[SENTENCES[2]].msgstr and "[2]" in found[SENTENCES[2]].msgstr
    assert "ノート PC" in found[SENTENCES[3]].msgstr
    assert report.engines[0].retries >= 2


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_catalogs_deleted_and_rewritten_refill_from_the_cache_without_sending(
    tmp_path: Path, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEEPL_API_KEY", "test-key")
    with ENGINES[engine]() as server:
        project = make_project(tmp_path, engine, server.url)
        translate_project(project, progress=False)
        sent = server.counters["chars"]
        write_empty_catalog(tmp_path)
        report = translate_project(project, progress=False)
        assert server.counters["chars"] == sent
    assert report.engines[0].characters == 0
    po = polib.pofile(str(tmp_path / "locales/ja/LC_MESSAGES/a.po"))
    assert all(entry_state(e) == "machine" for e in po)
