"""The real generators build localize's Markdown trees of the sample project (SPEC section 10).

Hugo (Debian's ``hugo``) builds the ``hugo`` layout into a multilingual site in
which each article's page in every built locale names all of them as its
translations; MkDocs with mkdocs-static-i18n builds the ``mkdocs`` layout with
a page per article and locale. Without the tools these tests skip locally and
fail under CI, which installs them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from lxml import html as lxml_html

from conftest import require_tool
from localize.mdout import build_markdown
from localize.project import Project
from workflow_support import copy_sample

GENERATORS = Path(__file__).resolve().parent / "data" / "mdout" / "generators"


def require_module(name: str) -> None:
    if importlib.util.find_spec(name) is not None:
        return
    message = f"the Python package {name} is not installed (it comes with the test extra)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def built(out: Path) -> dict[str, dict[str, str]]:
    """slug -> hreflang -> path under out, from the manifest."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "markdown"
    return {a["slug"]: {p["hreflang"]: p["path"] for p in a["pages"]} for a in manifest["articles"]}


def test_hugo_builds_the_hugo_layout_with_every_page_linked_to_its_translations(tmp_path: Path) -> None:
    hugo = require_tool("hugo")
    project = Project.open(copy_sample(tmp_path / "sample"))
    out = build_markdown(project, tmp_path / "hugo-site", layout="hugo").out
    shutil.copytree(GENERATORS / "hugo", out, dirs_exist_ok=True)
    public = tmp_path / "public"
    subprocess.run([hugo, "--source", str(out), "--destination", str(public)], check=True,
                   capture_output=True, timeout=120)
    articles = built(out)
    assert articles and all(len(pages) >= 3 for pages in articles.values())
    for slug, pages in articles.items():
        found: dict[str, set[tuple[str, str]]] = {}
        for page in public.rglob("index.html"):
            document = lxml_html.document_fromstring(page.read_bytes())
            titles = document.findtext(".//title") or ""
            alternates = {(link.get("hreflang"), link.get("href"))
                          for link in document.iterfind(".//link[@rel='alternate']")}
            if alternates and slug.rsplit("/", 1)[-1] in page.parent.name:
                found[document.get("lang")] = alternates
                assert titles.strip()
        # one page per built locale, each naming all of them (itself included) as translations
        assert sorted(found) == sorted(pages)
        clusters = {frozenset(links) for links in found.values()}
        assert len(clusters) == 1
        assert sorted(lang for lang, _ in next(iter(clusters))) == sorted(pages)


def test_mkdocs_static_i18n_builds_the_mkdocs_layout_with_a_page_per_article_and_locale(tmp_path: Path) -> None:
    require_module("mkdocs")
    require_module("mkdocs_static_i18n")
    project = Project.open(copy_sample(tmp_path / "sample"))
    out = build_markdown(project, tmp_path / "mkdocs-site", layout="mkdocs").out
    shutil.copy(GENERATORS / "mkdocs" / "mkdocs.yml", out / "mkdocs.yml")
    site = tmp_path / "built"
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--config-file", str(out / "mkdocs.yml"),
                    "--site-dir", str(site)], check=True, capture_output=True, timeout=300)
    languages = yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8"))["plugins"][0]["i18n"]["languages"]
    default = next(lang["locale"] for lang in languages if lang.get("default"))
    names = {"zh-TW": "zh_TW", "en": "en", "ja": "ja", "zh-CN": "zh_CN"}
    for slug, pages in built(out).items():
        for locale in pages:
            name = names[locale]
            prefix = "" if name == default else f"{name}/"
            page = site / f"{prefix}{slug}" / "index.html"
            assert page.is_file(), page
            source = (out / pages[locale]).read_text(encoding="utf-8")
            title = yaml.safe_load(source.split("---\n")[1])["title"]
            assert title.split("：")[0][:10] in page.read_text(encoding="utf-8")
