"""The sample project's articles through the llm engine, from the command line.

The seed-like sample (content/ at the repository root) has citation markers,
inline code, URLs and product names kept by the glossary. Through the llm
engine every one of them must survive; a second run must send no request;
``translate --json`` reports the model, the tokens and the cost.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polib

from fakeservers.openai_server import OpenAIServer
from workflow_support import copy_sample, run_cli

CITATION = re.compile(r"\[\d+\]")


def english(text: str, source: str, target: str) -> str:
    return "EN " + text


def _clear(catalog: Path) -> list[str]:
    """Every translation of ``catalog`` removed (as if the article were new); its msgids."""
    po = polib.pofile(str(catalog), wrapwidth=0)
    for entry in po:
        entry.msgstr = ""
        entry.tcomment = ""
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save(str(catalog))
    return [e.msgid for e in po if e.msgid]


def _keep_terms(project: Path) -> list[str]:
    rows = (project / "glossaries/terms.csv").read_text("utf-8").splitlines()[1:]
    return [row.split(",")[0] for row in rows if row.split(",")[4] == "no"]


def test_the_sample_through_the_llm_engine_keeps_citations_and_product_names(tmp_path):
    project = copy_sample(tmp_path / "sample")
    catalogs = sorted((project / "locales/en/LC_MESSAGES").rglob("*.po"))
    per_article = [_clear(catalog) for catalog in catalogs]
    msgids = [m for article in per_article for m in article]
    config = project / "localize.toml"
    with OpenAIServer(english, models=["qwen3:8b"]) as server:
        text = config.read_text("utf-8")
        text = text.replace('name = "memory"', f'name = "llm"\nurl = "{server.base_url}"\n'
                            'model = "qwen3:8b"\nprice_per_million_input_tokens = 0.5\n'
                            "price_per_million_output_tokens = 1.5")
        config.write_text(text, "utf-8")
        first = run_cli(project, "translate", "--locale", "en", "--json")
        sent = len(server.bodies)
        second = run_cli(project, "translate", "--locale", "en", "--json")
        assert len(server.bodies) == sent, "a second run sends no request"
    assert first.code == 0, first.err
    row = json.loads(first.out)["engines"][0]
    assert row["engine"] == "llm" and row["model"] == "qwen3:8b"
    assert row["input_tokens"] > 0 and row["output_tokens"] > 0 and row["failed"] == 0
    expected = (row["input_tokens"] * 0.5 + row["output_tokens"] * 1.5) / 1_000_000
    assert abs(row["estimated_cost"] - expected) < 1e-6
    # batches of 20 sentences, never two articles in one request, nothing to repair
    assert row["requests"] == sent == sum(-(-len(article) // 20) for article in per_article)
    assert json.loads(second.out)["engines"][0]["requests"] == 0
    keep = _keep_terms(project)
    translated = 0
    for catalog in catalogs:
        for entry in polib.pofile(str(catalog)):
            if not entry.msgid:
                continue
            assert entry.msgstr, entry.msgid
            translated += 1
            assert CITATION.findall(entry.msgstr) == CITATION.findall(entry.msgid)
            for term in keep:
                if term in entry.msgid:
                    assert term in entry.msgstr, (term, entry.msgstr)
            assert entry.tcomment.startswith("machine translation: llm qwen3:8b")
    assert translated == len(msgids)


def test_a_refused_key_exits_2_with_one_line_and_writes_nothing(tmp_path):
    project = copy_sample(tmp_path / "sample")
    catalogs = sorted((project / "locales/en/LC_MESSAGES").rglob("*.po"))
    for catalog in catalogs:
        _clear(catalog)
    before = {c: c.read_bytes() for c in catalogs}
    config = project / "localize.toml"
    with OpenAIServer(english, api_key="sk-right") as server:
        config.write_text(config.read_text("utf-8").replace(
            'name = "memory"', f'name = "llm"\nurl = "{server.base_url}"\nmodel = "test-model"'
        ), "utf-8")
        result = run_cli(project, "translate", "--locale", "en", env={"OPENAI_API_KEY": "sk-wrong"})
    assert result.code == 2
    assert len(result.err_lines) >= 1 and "credentials" in result.err_lines[-1]
    assert "Traceback" not in result.err
    assert {c: c.read_bytes() for c in catalogs} == before
