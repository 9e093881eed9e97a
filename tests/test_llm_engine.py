"""The llm engine end to end: the real ``openai`` client against an OpenAI-compatible server.

Each test writes a small project whose ``[engine]`` is ``llm`` pointed at an
OpenAIServer on 127.0.0.1, runs ``translate_project`` and checks what lands in
the PO files, the failure log and the server's request bodies. Every injected
fault must end in a verified translation or a failed entry with its reason;
nothing unverified is ever written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import polib
import pytest

from fakeservers.openai_server import OpenAIServer
from localize.errors import EngineError
from localize.failures import FailureLog
from localize.project import Project
from localize.translate import translate_project

ARTICLE = [
    "Gemma 4 開放模型上路",
    "Google 在 2026 年 4 月推出 Gemma 4[1]。",
    "安裝方式是執行 `pip install gemma`[2]。",
    "詳細說明請見 https://example.com/gemma 網頁。",
    "這個開放模型可以在筆電上執行。",
    "它支援一百四十種語言[3][4]。",
]
GLOSSARY = "zh-Hant-TW,en,translate\n開放模型,open model,\nGemma 4,,no\n"


def english(text: str, source: str, target: str) -> str:
    """The fake model's "translation": recognisable, tokens intact, glossary targets used."""
    return "EN " + text.replace("開放模型", "open model")


def write_po(path: Path, msgids: Sequence[str], kinds: Sequence[str] | None = None) -> None:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Language": "en", "Content-Type": "text/plain; charset=UTF-8",
                   "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    for line, msgid in enumerate(msgids, 1):
        kind = (kinds or [])[line - 1] if kinds else ("title" if line == 1 else "paragraph")
        po.append(polib.POEntry(msgid=msgid, msgstr="", comment=f"kind: {kind}",
                                occurrences=[(f"content/{path.stem}.md", str(line))]))
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))


def make_project(root: Path, url: str, articles: dict[str, Sequence[str]] | None = None,
                 **engine: object) -> Project:
    settings = {"model": "test-model", "concurrency": 2, "timeout": 2.0, "retries": 2,
                "max_retry_after": 0.05, **engine}
    lines = ['source_locale = "zh-Hant-TW"', 'target_locales = ["en"]', "", "[engine]",
             'name = "llm"', f'url = "{url}"']
    lines += [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    root.mkdir(parents=True, exist_ok=True)
    (root / "localize.toml").write_text("\n".join(lines) + "\n", "utf-8")
    (root / "glossaries").mkdir(exist_ok=True)
    (root / "glossaries/terms.csv").write_text(GLOSSARY, "utf-8")
    for slug, msgids in (articles or {"a": ARTICLE}).items():
        write_po(root / f"locales/en/LC_MESSAGES/{slug}.po", msgids)
    return Project.open(root)


def entries(project: Project, slug: str = "a") -> dict[str, polib.POEntry]:
    po = polib.pofile(str(project.root / f"locales/en/LC_MESSAGES/{slug}.po"))
    return {e.msgid: e for e in po}


def user_documents(server: OpenAIServer) -> list[dict]:
    out = []
    for body in server.bodies:
        user = next(m for m in body["messages"] if m["role"] == "user")
        out.append(json.loads(user["content"]))
    return out


@pytest.fixture
def server():
    with OpenAIServer(english) as running:
        yield running


def test_one_article_goes_in_one_request_with_title_and_terms(tmp_path, server):
    project = make_project(tmp_path, server.base_url)
    report = translate_project(project, progress=False)
    assert report.failed == 0
    assert len(server.bodies) == 1
    document = user_documents(server)[0]
    assert [i["text"] for i in document["items"]][1] == "Google 在 2026 年 4 月推出 Gemma 4ZX0Q。"
    assert document["title"] == ARTICLE[0]
    assert {g["source"] for g in document["glossary"]} == {"開放模型", "Gemma 4"}
    assert {"source": "Gemma 4", "target": "Gemma 4", "keep": True} in document["glossary"]
    got = entries(project)
    assert got[ARTICLE[1]].msgstr == "EN Google 在 2026 年 4 月推出 Gemma 4[1]。"
    assert got[ARTICLE[2]].msgstr == "EN 安裝方式是執行 `pip install gemma`[2]。"
    assert "fuzzy" in got[ARTICLE[1]].flags
    assert got[ARTICLE[1]].tcomment.splitlines()[0] == "machine translation: llm test-model"
    row = report.engines[0].to_json()
    assert row["model"] == "test-model" and row["requests"] == 1
    assert row["input_tokens"] > 0 and row["output_tokens"] > 0


def _repair_of(server: OpenAIServer, fault: str, project: Project) -> tuple[dict, dict]:
    report = translate_project(project, progress=False)
    assert report.failed == 0, report.engines[0].failures
    documents = user_documents(server)
    assert len(documents) == 2, f"{fault}: one batch and one follow-up"
    return documents[0], documents[1]


@pytest.mark.parametrize(
    ("fault", "quoted"),
    [
        ("omit", "missing"),
        ("drop_token", "lost citation '[1]'"),
        ("refusal", "refusal or note"),
        ("echo", "echo"),
        ("note", "refusal or note"),
        ("duplicate", "more than one translation"),
    ],
)
def test_a_bad_item_is_sent_again_alone_with_its_error_quoted(tmp_path, fault, quoted):
    with OpenAIServer(english, faults={1: fault}) as server:
        project = make_project(tmp_path, server.base_url)
        first, follow_up = _repair_of(server, fault, project)
        assert "errors" not in first
        assert len(follow_up["items"]) == 1
        bad_id = follow_up["errors"][0]["id"]
        assert bad_id == follow_up["items"][0]["id"]
        assert quoted in follow_up["errors"][0]["error"]
        assert follow_up["title"] == ARTICLE[0]
        got = entries(project)
        assert all(e.msgstr.startswith("EN ") for e in got.values())
        assert all("Note" not in e.msgstr and "sorry" not in e.msgstr for e in got.values())


def test_commentary_before_the_json_is_read_past(tmp_path):
    with OpenAIServer(english, faults={1: "commentary"}) as server:
        project = make_project(tmp_path, server.base_url)
        report = translate_project(project, progress=False)
        assert report.failed == 0 and len(server.bodies) == 1
        assert all(e.msgstr.startswith("EN ") for e in entries(project).values())


def test_content_that_is_not_json_sends_every_item_again(tmp_path):
    with OpenAIServer(english, faults={1: "not_json"}) as server:
        project = make_project(tmp_path, server.base_url)
        first, follow_up = _repair_of(server, "not_json", project)
        assert len(follow_up["items"]) == len(ARTICLE)
        assert {e["error"] for e in follow_up["errors"]} == {
            "the answer is not the JSON object asked for"
        }


def test_a_truncated_answer_halves_the_batch_without_counting_an_attempt(tmp_path):
    with OpenAIServer(english, faults={1: "truncate"}) as server:
        project = make_project(tmp_path, server.base_url)
        report = translate_project(project, progress=False)
        documents = user_documents(server)
        assert [len(d["items"]) for d in documents] == [6, 3, 3]
        assert all("errors" not in d for d in documents)
        assert report.failed == 0 and report.engines[0].requests == 3
        assert report.engines[0].retries == 0


def test_an_item_failing_every_step_is_failed_with_its_reasons_and_never_written(tmp_path):
    def apologise(text: str, source: str, target: str) -> str:
        return "I'm sorry, I cannot translate this." if "筆電" in text else english(text, source, target)

    with OpenAIServer(apologise) as server:
        project = make_project(tmp_path, server.base_url, max_attempts=2)
        report = translate_project(project, progress=False)
        bad = ARTICLE[4]
        assert report.failed == 1
        assert entries(project)[bad].msgstr == ""
        reason = FailureLog.load(project.state_dir, project.settings.target_locales[0]).reason(
            "a", bad
        )
        assert reason is not None and "verification failed" in reason and "refusal" in reason
        documents = user_documents(server)
        # batch, one follow-up (max_attempts 2), then alone with terms masked: 開放模型 is a token
        assert len(documents[1]["items"]) == 1 and "errors" in documents[1]
        alone = [d for d in documents[2:] if d["items"][0]["text"].startswith("這個")]
        assert alone and "開放模型" not in alone[0]["items"][0]["text"]
        assert alone[0]["glossary"] == []
        others = [e for m, e in entries(project).items() if m != bad]
        assert all(e.msgstr.startswith("EN ") for e in others)


@pytest.mark.parametrize("fault", ["429", "500", "hang"])
def test_transient_faults_are_retried_by_the_driver(tmp_path, fault):
    with OpenAIServer(english, faults={1: fault}, hang_seconds=2.0, retry_after="0") as server:
        project = make_project(tmp_path, server.base_url, timeout=0.5)
        report = translate_project(project, progress=False)
        assert report.failed == 0
        assert report.engines[0].retries == 1 and len(server.bodies) == 2
        assert all(e.msgstr.startswith("EN ") for e in entries(project).values())


@pytest.mark.parametrize(("fault", "words"), [("auth", "credentials"), ("unknown_model", "unknown model")])
def test_refused_requests_stop_the_run_and_write_nothing(tmp_path, fault, words):
    with OpenAIServer(english, fault_when=lambda n, t: fault) as server:
        project = make_project(tmp_path, server.base_url)
        with pytest.raises(EngineError, match=words):
            translate_project(project, progress=False)
        assert all(e.msgstr == "" for e in entries(project).values())
        assert len(server.bodies) == 1  # no retries of a permanent refusal
        log = FailureLog.load(project.state_dir, project.settings.target_locales[0])
        assert log.reason("a", ARTICLE[1]) is None  # a configuration fault, not the entries'


def test_a_second_run_sends_nothing_and_editing_one_sentence_pays_for_it_alone(tmp_path, server):
    project = make_project(tmp_path, server.base_url)
    translate_project(project, progress=False)
    assert len(server.bodies) == 1
    write_po(project.root / "locales/en/LC_MESSAGES/a.po", ARTICLE)  # catalogs lost
    report = translate_project(project, progress=False)
    assert len(server.bodies) == 1 and report.engines[0].cache_hits == len(ARTICLE)
    assert all(e.msgstr.startswith("EN ") for e in entries(project).values())
    edited = [*ARTICLE[:3], "這個開放模型也可以在手機上執行。", *ARTICLE[4:]]
    write_po(project.root / "locales/en/LC_MESSAGES/a.po", edited)
    translate_project(project, progress=False)
    assert len(server.bodies) == 2
    assert [i["text"] for i in user_documents(server)[1]["items"]] == [edited[3]]


def test_articles_are_never_mixed_and_batches_carry_their_neighbours(tmp_path, server):
    other = ["第二篇文章", "第一句話。", "第二句話。"]
    project = make_project(tmp_path, server.base_url, {"a": ARTICLE, "b": other}, batch=4,
                           context=1)
    translate_project(project, progress=False)
    # requests run concurrently: order them by article and first sentence
    position = {text: n for n, text in enumerate(ARTICLE + other)}
    documents = sorted(
        user_documents(server), key=lambda d: position.get(d["items"][0]["text"], -1)
    )
    assert [len(d["items"]) for d in documents] == [4, 2, 3]
    assert [d["title"] for d in documents] == [ARTICLE[0], ARTICLE[0], "第二篇文章"]
    assert documents[0]["before"] == [] and documents[0]["after"] == [ARTICLE[4]]
    assert documents[1]["before"] == [ARTICLE[3]] and documents[1]["after"] == []
    assert not {i["text"] for i in documents[2]["items"]} & set(ARTICLE)


def test_a_glossary_change_pays_again_only_for_the_sentences_holding_the_term(tmp_path, server):
    project = make_project(tmp_path, server.base_url)
    translate_project(project, progress=False)
    (project.root / "glossaries/terms.csv").write_text(
        GLOSSARY.replace("open model", "open-weight model"), "utf-8"
    )
    write_po(project.root / "locales/en/LC_MESSAGES/a.po", ARTICLE)
    translate_project(Project.open(project.root), progress=False)
    resent = [i["text"] for i in user_documents(server)[1]["items"]]
    assert resent == [ARTICLE[0], ARTICLE[4]]  # the two sentences with 開放模型
    assert entries(project)[ARTICLE[4]].msgstr == "EN 這個open-weight model可以在筆電上執行。"


def test_ctrl_c_keeps_what_finished_and_the_next_run_pays_for_nothing_twice(tmp_path, monkeypatch):
    from localize.translate import run as run_module
    from localize.translate.progress import Progress

    class InterruptAfter(Progress):
        """Ctrl-C in the main thread once ``count`` sentences were answered."""

        def __init__(self, count: int):
            self.count, self.seen = count, 0

        def advance(self, count: int) -> None:
            self.seen += count
            if self.seen >= self.count:
                raise KeyboardInterrupt

    articles = {f"art{n}": [f"第{n}篇文章", *(f"第{n}篇的第{k}句話。" for k in range(1, 6))]
                for n in range(6)}
    with OpenAIServer(english, latency=0.05) as server:
        project = make_project(tmp_path, server.base_url, articles, batch=3, concurrency=2)
        monkeypatch.setattr(run_module, "make_progress", lambda show, quiet: InterruptAfter(6))
        with pytest.raises(KeyboardInterrupt):
            translate_project(project, progress=False)
        first = server.requests
        done = sum(1 for slug in articles for e in entries(project, slug).values() if e.msgstr)
        assert done >= 6  # saved before re-raising
        monkeypatch.undo()
        server.reset_logs()
        report = translate_project(project, progress=False)
        second = server.requests
    assert not set(first) & set(second)  # nothing answered before was sent again
    assert report.failed == 0
    assert all(e.msgstr.startswith("EN ") for slug in articles
               for e in entries(project, slug).values())


def test_an_item_another_process_is_asking_for_is_not_paid_for_twice(tmp_path, server):
    """Shards at once (SPEC section 11): a key whose in-flight lock another process holds
    is left to it, and its answer is read from the shared store once it lands."""
    import os
    import subprocess
    import sys
    import textwrap

    from localize.engines import get_engine
    from localize.translate.cache import CacheScope

    project = make_project(tmp_path, server.base_url)
    engine = get_engine(project.settings.engine)
    scope = CacheScope("llm", engine.cache_options(), "zh-Hant-TW", "en")
    sentence = ARTICLE[5]  # holds citation markers: its masked text has tokens
    masked = "它支援一百四十種語言ZX0QZX1Q。"
    key = scope.key(json.dumps(["batch", "[]", masked], ensure_ascii=False))
    answer = "EN (from the other shard) 它支援一百四十種語言ZX0QZX1Q。"
    code = textwrap.dedent(f"""
        import json, sys, time
        from pathlib import Path
        from localize.store.local import LocalStore
        from localize.store.base import Answer
        store = LocalStore(Path({str(project.state_dir)!r}))
        print("taken" if store.try_lock([{key!r}]) else "refused", flush=True)
        time.sleep(1.0)
        store.put([Answer({key!r}, {answer!r}, "llm", "en")])
        store.unlock([{key!r}])
        time.sleep(30)
    """)
    src = str(Path(__file__).resolve().parents[1] / "src")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": src})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "taken"
        report = translate_project(project, progress=False)
    finally:
        holder.kill()
        holder.wait()
    assert report.failed == 0
    assert masked not in server.requests  # left to the process holding it
    assert entries(project)[sentence].msgstr == "EN (from the other shard) 它支援一百四十種語言[3][4]。"
