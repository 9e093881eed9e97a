"""The llm engine's request bodies against the shapes servers document, and its settings.

``response_format`` with a JSON schema as OpenAI documents it (Structured
Outputs: ``{"type": "json_schema", "json_schema": {"name", "strict", "schema"}}``,
strict schemas need every property required and ``additionalProperties: false``),
which Ollama's and vLLM's OpenAI-compatible endpoints take as is; the step down
to JSON mode and to plain text; TranslateGemma's content; dry-run estimates.
"""

from __future__ import annotations

import json
import re

import pytest

from fakeservers.openai_server import OpenAIServer
from localize.config import EngineSettings
from localize.engines import get_engine
from localize.engines.llm.tokens import estimate_tokens
from localize.errors import ConfigError
from localize.translate import translate_project
from test_llm_engine import ARTICLE, english, entries, make_project

NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # OpenAI's rule for json_schema.name


def _strict_schema_ok(schema: dict) -> None:
    """OpenAI strict mode: objects close with additionalProperties false, all properties required."""
    if schema.get("type") == "object":
        assert schema["additionalProperties"] is False
        assert set(schema["required"]) == set(schema["properties"])
        for sub in schema["properties"].values():
            _strict_schema_ok(sub)
    if schema.get("type") == "array":
        _strict_schema_ok(schema["items"])


def test_the_request_body_has_the_documented_json_schema_shape(tmp_path):
    with OpenAIServer(english) as server:
        translate_project(make_project(tmp_path, server.base_url), progress=False)
        body = server.bodies[0]
    assert body["model"] == "test-model"
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    form = body["response_format"]
    assert form["type"] == "json_schema"
    assert NAME.match(form["json_schema"]["name"]) and form["json_schema"]["strict"] is True
    schema = form["json_schema"]["schema"]
    _strict_schema_ok(schema)
    assert schema["properties"]["translations"]["items"]["properties"] == {
        "id": {"type": "string"}, "text": {"type": "string"}
    }
    assert "temperature" not in body and "max_completion_tokens" not in body
    system = body["messages"][0]["content"]
    assert "Chinese" in system and "zh-Hant-TW" in system and "English" in system
    document = json.loads(body["messages"][1]["content"])
    assert list(document) == [
        "source_locale", "target_locale", "title", "before", "after", "glossary", "items"
    ]
    assert document["source_locale"] == "zh-Hant-TW" and document["target_locale"] == "en"


def test_temperature_and_output_cap_are_sent_only_when_set(tmp_path):
    with OpenAIServer(english) as server:
        project = make_project(tmp_path, server.base_url, temperature=0.2, max_output_tokens=900,
                               max_output_tokens_field="max_tokens")
        translate_project(project, progress=False)
        body = server.bodies[0]
    assert body["temperature"] == 0.2 and body["max_tokens"] == 900
    assert "max_completion_tokens" not in body


@pytest.mark.parametrize(
    ("refused", "used"),
    [({"json_schema"}, "json_object"), ({"json_schema", "json_object"}, None)],
)
def test_a_400_naming_response_format_steps_down_once_and_is_reported(tmp_path, refused, used):
    with OpenAIServer(english, refuse_formats=refused) as server:
        articles = {"a": ARTICLE, "b": ["另一篇", "另一句。"]}
        project = make_project(tmp_path, server.base_url, articles, concurrency=1)
        report = translate_project(project, progress=False)
        forms = [(b.get("response_format") or {}).get("type") for b in server.bodies]
    assert report.failed == 0
    # each refused form asked once, then never again in this run: both articles use ``used``
    assert forms == ["json_schema", "json_object"][: len(refused)] + [used, used]
    assert len([n for n in report.engines[0].notes if "refused response_format" in n]) == len(refused)
    assert "refused response_format" in report.to_text()


def test_translategemma_sends_one_sentence_in_its_list_content_terms_masked(tmp_path):
    with OpenAIServer(english) as server:
        project = make_project(tmp_path, server.base_url, prompt_style="translategemma")
        report = translate_project(project, progress=False)
        bodies = server.bodies
    assert report.failed == 0
    assert len(bodies) == len(ARTICLE)
    for body in bodies:
        assert [m["role"] for m in body["messages"]] == ["user"]
        assert "response_format" not in body
        content = body["messages"][0]["content"]
        assert isinstance(content, list) and len(content) == 1
        assert set(content[0]) == {"type", "source_lang_code", "target_lang_code", "text"}
        assert (content[0]["source_lang_code"], content[0]["target_lang_code"]) == ("zh-TW", "en-US")
        assert "開放模型" not in content[0]["text"] and "Gemma 4" not in content[0]["text"]
    got = entries(project)
    assert got[ARTICLE[4]].msgstr == "EN 這個open model可以在筆電上執行。"
    assert got[ARTICLE[1]].msgstr.endswith("Gemma 4[1]。")


def test_translategemma_text_content_is_the_rendered_template(tmp_path):
    with OpenAIServer(english) as server:
        project = make_project(tmp_path, server.base_url, prompt_style="translategemma",
                               translategemma_content="text")
        translate_project(project, progress=False)
        contents = [body["messages"][0]["content"] for body in server.bodies]
    assert all(isinstance(c, str) for c in contents)
    assert all("Chinese (zh-TW) to English (en-US) translator" in c for c in contents)
    assert any(c.endswith("into English:\n\n\nZX0Q ZX1Q上路") for c in contents)  # terms masked


def test_a_custom_prompt_replaces_the_system_prompt_and_the_cache_key(tmp_path):
    with OpenAIServer(english) as server:
        project = make_project(tmp_path, server.base_url)
        translate_project(project, progress=False)
        (project.root / "prompt.j2").write_text("Translate {{ source_tag }} to {{ target_tag }}.")
        toml = project.root / "localize.toml"
        toml.write_text(toml.read_text() + 'prompt = "prompt.j2"\n')
        write_again = project.root / "locales/en/LC_MESSAGES/a.po"
        write_again.unlink()
        from test_llm_engine import write_po

        write_po(write_again, ARTICLE)
        from localize.project import Project

        translate_project(Project.open(project.root), progress=False)
        assert server.bodies[-1]["messages"][0]["content"] == "Translate zh-Hant-TW to en."
        assert len(server.bodies) == 2  # a new prompt is a new cache key


def test_a_dry_run_estimates_tokens_and_sends_nothing(tmp_path):
    with OpenAIServer(english) as server:
        project = make_project(tmp_path, server.base_url, price_per_million_input_tokens=1.0,
                               price_per_million_output_tokens=4.0)
        report = translate_project(project, dry_run=True, progress=False)
        assert server.bodies == []
    row = report.engines[0]
    assert row.requests == 1 and row.segments == len(ARTICLE)
    assert row.input_tokens > estimate_tokens("".join(ARTICLE)) and row.output_tokens > 0
    expected = round((row.input_tokens * 1.0 + row.output_tokens * 4.0) / 1_000_000, 6)
    assert row.estimated_cost == expected and row.to_json()["model"] == "test-model"
    assert not (project.state_dir / "cache.sqlite").exists()


def test_max_chars_counts_item_texts_and_starts_no_request_past_it(tmp_path):
    with OpenAIServer(english) as server:
        long_sentence = "這是一個相當長的句子，" * 5
        project = make_project(tmp_path, server.base_url, {"a": ARTICLE, "b": ["第二篇", long_sentence]})
        report = translate_project(project, max_chars=sum(len(t) for t in ARTICLE) + 2,
                                   progress=False)
        assert len(server.bodies) == 1 and report.max_chars_reached
        assert report.exit_code == 1


def test_token_estimates_follow_the_script():
    assert estimate_tokens("a" * 40) == 10
    assert estimate_tokens("字" * 40) == 40


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"prompt_style": "poem"}, "prompt_style"),
        ({"batch": 0}, "batch"),
        ({"bacth": 3}, "unknown key"),
    ],
)
def test_bad_settings_are_configuration_errors(extra, message):
    settings = EngineSettings(name="llm", url="http://127.0.0.1:9/v1", model="m", extra=extra)
    with pytest.raises(ConfigError, match=message):
        get_engine(settings)


def test_a_model_is_required_and_openai_needs_a_key(monkeypatch):
    with pytest.raises(ConfigError, match="model"):
        get_engine(EngineSettings(name="llm", url="http://127.0.0.1:9/v1"))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("LOCALIZE_LLM_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        get_engine(EngineSettings(name="llm", model="gpt-4o-mini"))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    assert get_engine(EngineSettings(name="llm", model="gpt-4o-mini")).client.api_key == "sk-openai"
    monkeypatch.setenv("LOCALIZE_LLM_API_KEY", "sk-test")  # the specific variable wins
    assert get_engine(EngineSettings(name="llm", model="gpt-4o-mini")).client.api_key == "sk-test"


def test_the_key_is_sent_as_a_bearer_token(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local")
    with OpenAIServer(english, api_key="sk-local") as server:
        report = translate_project(make_project(tmp_path, server.base_url), progress=False)
    assert report.failed == 0


def test_translategemma_answers_cut_off_or_refused_are_never_written(tmp_path):
    def faults(number: int, texts: list[str]) -> str | None:
        if "筆電" in texts[0]:
            return "refusal"  # every attempt for this sentence
        return "truncate" if "140" in texts[0] or "一百四十" in texts[0] else None

    with OpenAIServer(english, fault_when=faults) as server:
        project = make_project(tmp_path, server.base_url, prompt_style="translategemma")
        report = translate_project(project, progress=False)
        refused = [b for b in server.bodies if "筆電" in b["messages"][0]["content"][0]["text"]]
    got = entries(project)
    assert report.failed == 2
    assert got[ARTICLE[4]].msgstr == "" and got[ARTICLE[5]].msgstr == ""
    assert len(refused) >= 2  # word tokens, then bracket tokens or the runs between them
    reasons = {f.msgid: f.reason for f in report.engines[0].failures}
    assert "refusal or note" in reasons[ARTICLE[4]]
    assert "cut off" in reasons[ARTICLE[5]]
    assert all(e.msgstr.startswith("EN ") for m, e in got.items() if m not in ARTICLE[4:])


@pytest.mark.parametrize(
    ("locale", "code"), [("zh-Hant-TW", "zh-TW"), ("de", "de-DE"), ("zh-Hans-CN", "zh-CN")]
)
def test_translategemma_codes_are_language_region(locale, code):
    from localize.engines.codes import engine_code
    from localize.locales import parse_locale

    options = {"prompt_style": "translategemma"}
    assert engine_code("llm", parse_locale(locale), "target", options) == code
    assert engine_code("llm", parse_locale(locale), "target") == parse_locale(locale).bcp47
