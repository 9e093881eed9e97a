"""build_site on a small project: page head, cluster, switcher, fallback, notice, publishing, incremental."""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest
from lxml import html as lxml_html

sys.path.insert(0, str(Path(__file__).resolve().parent / "data" / "site"))

from sitekit import make_project, reopen, tagged, write_catalog  # noqa: E402

from localize.errors import InputError  # noqa: E402
from localize.site import build_site  # noqa: E402
from localize.site.pages import load_template  # noqa: E402

BASE = "https://example.com/docs"
UNTRANSLATED = "架構如下圖所示"  # no catalog translates it: the source text shows, marked zh-Hant-TW
EN_ONLY = "它採用 Apache 2.0 授權"  # ja lacks it: ja shows the en fallback


def en_translate(segment):  # type: ignore[no-untyped-def]
    return None if UNTRANSLATED in segment.text else f"EN {segment.text}"


def ja_translate(segment):  # type: ignore[no-untyped-def]
    if UNTRANSLATED in segment.text or EN_ONLY in segment.text:
        return None
    return f"JA {segment.text}"


def populate(project, ja_state: str = "machine") -> None:  # type: ignore[no-untyped-def]
    for slug in ("gemma", "guide"):
        write_catalog(project, slug, "en", en_translate)
        write_catalog(project, slug, "en-XA", tagged("XA"), state="machine")
        write_catalog(project, slug, "ar-XB", tagged("XB"), state="machine")
    write_catalog(project, "gemma", "ja", ja_translate, state=ja_state)


@pytest.fixture()
def project(tmp_path: Path):  # type: ignore[no-untyped-def]
    project = make_project(tmp_path / "proj")
    populate(project)
    return project


def page(out: Path, path: str):  # type: ignore[no-untyped-def]
    return lxml_html.document_fromstring((out / path).read_bytes())


def alternates(doc) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {link.get("hreflang"): link.get("href") for link in doc.iterfind(".//link[@rel='alternate']")}


def switcher(doc) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {a.get("lang"): a.get("href") for a in doc.iterfind(".//nav//a")}


def test_head_has_lang_dir_canonical_cluster_and_og(project) -> None:  # type: ignore[no-untyped-def]
    report = build_site(project)
    doc = page(report.out, "en/gemma/index.html")
    assert doc.get("lang") == "en" and doc.get("dir") == "ltr"
    assert doc.findtext(".//title")
    assert doc.find(".//meta[@name='description']").get("content").startswith("EN ")
    assert doc.find(".//link[@rel='canonical']").get("href") == f"{BASE}/en/gemma/"
    assert alternates(doc) == {
        "zh-TW": f"{BASE}/zh-hant-tw/gemma/",
        "en": f"{BASE}/en/gemma/",
        "ja": f"{BASE}/ja/gemma/",
        "x-default": f"{BASE}/en/gemma/",
    }
    assert doc.find(".//meta[@property='og:locale']").get("content") == "en_US"
    og_alt = {m.get("content") for m in doc.iterfind(".//meta[@property='og:locale:alternate']")}
    assert og_alt == {"zh_TW", "ja_JP"}
    source = page(report.out, "zh-hant-tw/gemma/index.html")
    assert source.get("lang") == "zh-Hant-TW"
    assert alternates(source) == alternates(doc)


def test_base_url_path_is_not_a_folder_of_out(project) -> None:  # type: ignore[no-untyped-def]
    report = build_site(project, out=project.root / "public")
    assert (project.root / "public/en/gemma/index.html").is_file()
    assert not (project.root / "public/docs").exists()
    assert report.out == (project.root / "public").resolve()


def test_switcher_lists_published_locales_in_their_own_names(project) -> None:  # type: ignore[no-untyped-def]
    out = build_site(project).out
    doc = page(out, "ja/gemma/index.html")
    links = switcher(doc)
    assert set(links) == {"zh-Hant-TW", "en", "ja"}  # zh-Hans-CN has no catalog; pseudo pages never listed
    labels = {a.get("lang"): a.text_content() for a in doc.iterfind(".//nav//a")}
    assert labels["ja"] == "日本語" and labels["en"] == "English"
    for lang, href in links.items():
        target = (out / "ja/gemma" / href / "index.html").resolve()
        assert target.is_file() and page(out, target.relative_to(out).as_posix()).get("lang") == lang


def test_fallback_chain_marks_language_of_text_shown(project) -> None:  # type: ignore[no-untyped-def]
    doc = page(build_site(project).out, "ja/gemma/index.html")
    body = doc.find(".//main")
    en_spans = [s.text_content() for s in body.iterfind(".//span[@lang='en']")]
    source_spans = [s.text_content() for s in body.iterfind(".//span[@lang='zh-Hant-TW']")]
    assert any(EN_ONLY in text and text.startswith("EN ") for text in en_spans)
    assert any(UNTRANSLATED in text for text in source_spans)
    assert "JA " in body.text_content()


def test_notice_only_on_pages_with_unreviewed_machine_text(project) -> None:  # type: ignore[no-untyped-def]
    out = build_site(project).out
    ja_notice = page(out, "ja/gemma/index.html").find(".//*[@class='mt-notice']")
    assert ja_notice is not None and ja_notice.get("lang") == "ja"
    assert "機械翻訳" in ja_notice.text_content()
    assert page(out, "en/gemma/index.html").find(".//*[@class='mt-notice']") is None
    assert page(out, "zh-hant-tw/gemma/index.html").find(".//*[@class='mt-notice']") is None


def test_notice_wording_from_config_table(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", mt_notice={"ja": "機械翻訳を含みます（テスト）"})
    populate(project)
    notice = page(build_site(project).out, "ja/gemma/index.html").find(".//*[@class='mt-notice']")
    assert notice.text_content() == "機械翻訳を含みます（テスト）"


def test_pseudo_pages_are_noindex_rtl_and_outside_every_cluster(project) -> None:  # type: ignore[no-untyped-def]
    out = build_site(project).out
    xb = page(out, "ar-xb/gemma/index.html")
    assert xb.get("dir") == "rtl" and xb.get("lang") == "ar-XB"
    assert xb.find(".//meta[@name='robots']").get("content") == "noindex"
    assert alternates(xb) == {}
    for path in out.rglob("index.html"):
        text = path.read_text(encoding="utf-8")
        if "/ar-xb/" not in path.as_posix() and "/en-xa/" not in path.as_posix():
            assert "ar-xb" not in text and "en-xa" not in text, path
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "ar-xb" not in sitemap and "en-xa" not in sitemap
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    pseudo = [p for a in manifest["articles"] for p in a["pages"] if p["locale"] in ("en-XA", "ar-XB")]
    assert len(pseudo) == 4 and all(p["hreflang"] is None for p in pseudo)


def test_publish_reviewed_and_min_completion_leave_pages_out(project) -> None:  # type: ignore[no-untyped-def]
    report = build_site(project, publish="reviewed")
    out = report.out
    assert not (out / "ja/gemma/index.html").exists()  # ja entries are machine only
    assert ("gemma", "ja", 0.0) in report.left_out
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json"):
            assert "/ja/" not in path.read_text(encoding="utf-8"), path
    en = page(out, "en/gemma/index.html")
    assert set(alternates(en)) == {"zh-TW", "en", "x-default"}
    assert "ja" not in switcher(en)


def test_min_completion_threshold(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", min_completion=1.0)
    populate(project)
    out = build_site(project).out
    assert not (out / "en/gemma/index.html").exists()  # en misses one sentence
    assert (out / "zh-hant-tw/gemma/index.html").is_file()  # the source page is always built
    x_default = alternates(page(out, "zh-hant-tw/gemma/index.html"))["x-default"]
    assert x_default == f"{BASE}/zh-hant-tw/gemma/"  # x_default's page not built: the source page


def test_links_between_articles_and_assets(project) -> None:  # type: ignore[no-untyped-def]
    out = build_site(project).out
    en = page(out, "en/gemma/index.html")
    hrefs = [urljoin(f"{BASE}/en/gemma/", a.get("href")) for a in en.iterfind(".//main//a")]
    assert f"{BASE}/en/guide/#setup" in hrefs
    ja = page(out, "ja/gemma/index.html")
    ja_hrefs = [urljoin(f"{BASE}/ja/gemma/", a.get("href")) for a in ja.iterfind(".//main//a")]
    assert f"{BASE}/zh-hant-tw/guide/#setup" in ja_hrefs  # guide has no ja page: the source page
    src = en.find(".//main//img").get("src")
    assert (out / "en/gemma" / src).resolve().read_bytes() == (project.content_dir / "img/arch.png").read_bytes()


def test_article_linking_ahead_is_built_after_the_plans_in_source_order(project) -> None:  # type: ignore[no-untyped-def]
    """gemma links to guide, which comes after it: gemma's pages wait for guide's plan, yet the
    report, manifest and written files keep the articles' order."""
    report = build_site(project)
    assert [slug for slug, _, _ in report.pages][:1] == ["gemma"]
    assert [slug for slug, _, _ in report.pages] == sorted(slug for slug, _, _ in report.pages)
    gemma_pages = [path for path in report.written if "/gemma/" in path]
    guide_pages = [path for path in report.written if "/guide/" in path]
    assert gemma_pages and guide_pages
    assert report.written.index(gemma_pages[-1]) < report.written.index(guide_pages[0])
    manifest = json.loads((report.out / "manifest.json").read_text(encoding="utf-8"))
    assert [a["slug"] for a in manifest["articles"]] == ["gemma", "guide"]


def test_rebuild_is_byte_identical_and_writes_nothing(project) -> None:  # type: ignore[no-untyped-def]
    first = build_site(project)
    files = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in first.out.rglob("*") if p.is_file()}
    second = build_site(project)
    assert second.written == ()
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in second.out.rglob("*") if p.is_file()}
    assert after == files
    (project.state_dir / "site-build.json").unlink()  # without the cache: same bytes, still nothing written
    assert build_site(project).written == ()


def test_changed_catalog_rewrites_only_affected_pages(project) -> None:  # type: ignore[no-untyped-def]
    build_site(project)
    write_catalog(project, "guide", "en", tagged("EN2"))
    written = set(build_site(project).written)
    assert "en/guide/index.html" in written
    assert not any(path.startswith(("en/gemma", "ja/", "zh-hant-tw/gemma")) for path in written)


def test_pages_no_longer_published_are_removed(project) -> None:  # type: ignore[no-untyped-def]
    out = build_site(project).out
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    ja_po = project.po_path("gemma", project.settings.target_locales[1])
    project = reopen(project, target_locales=["en", "en-XA"])  # ja and ar-XB dropped
    report = build_site(project)
    assert not (out / "ja").exists() and not (out / "ar-xb").exists()
    assert "ja/gemma/index.html" in report.removed
    assert ja_po.is_file()  # catalogs are kept
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"  # not ours: untouched
    (project.content_dir / "guide.md").unlink()
    build_site(project)
    assert not (out / "en/guide").exists() and not (out / "zh-hant-tw/guide").exists()
    assert (out / "en/gemma/index.html").is_file()


def test_manifest_shape(project) -> None:  # type: ignore[no-untyped-def]
    out = build_site(project).out
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest) == ["base_url", "source_locale", "articles"]
    assert manifest["base_url"] == BASE and manifest["source_locale"] == "zh-Hant-TW"
    gemma = next(a for a in manifest["articles"] if a["slug"] == "gemma")
    assert gemma["source"] == "content/gemma.md"
    en = next(p for p in gemma["pages"] if p["locale"] == "en")
    assert list(en) == ["locale", "hreflang", "url", "path", "completion", "sha256"]
    assert en["url"] == f"{BASE}/en/gemma/" and en["path"] == "en/gemma/index.html"
    completion = en["completion"]
    assert completion["total"] == completion["reviewed"] + completion["machine"] + completion["missing"]
    assert completion["missing"] == 1 and completion["machine"] == 0
    import hashlib

    assert hashlib.sha256((out / en["path"]).read_bytes()).hexdigest() == en["sha256"]


def test_custom_template_replaces_builtin(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", template="theme/page.html")
    (project.root / "theme").mkdir()
    (project.root / "theme/page.html").write_text(
        '<html lang="{{ page.lang }}" dir="{{ page.dir }}"><title>{{ page.title }}</title>'
        "<body data-theme=custom>{{ page.body }}</body></html>\n", encoding="utf-8")
    populate(project)
    doc = page(build_site(project).out, "en/gemma/index.html")
    assert doc.find("body").get("data-theme") == "custom"
    (project.root / "theme/page.html").write_text("<html>\n{% if %}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        build_site(project)
    assert caught.value.line == 2 and caught.value.file.endswith("page.html")


def test_a_template_pickles_as_its_source_and_compiles_again(tmp_path: Path) -> None:
    """How the build hands its template to a worker started afresh (no fork)."""
    template = load_template(tmp_path, "")
    copy = pickle.loads(pickle.dumps(template))
    assert copy == template and "template" not in vars(copy)  # not the compiled one
    assert copy.check().template is not template.template


def test_removed_asset_rebuilds_the_page_without_it(project) -> None:  # type: ignore[no-untyped-def]
    out = build_site(project).out
    (project.content_dir / "img/arch.png").unlink()
    report = build_site(project)  # the cached page linked the asset: it must be rendered again
    assert "en/gemma/index.html" in report.written
    assert "assets/img/arch.png" in report.removed and not (out / "assets/img/arch.png").exists()
    (project.content_dir / "img/arch.png").write_bytes(b"new image")
    build_site(project)  # added back: the page links the copy again
    src = page(out, "en/gemma/index.html").find(".//main//img").get("src")
    assert (out / "en/gemma" / src).resolve().read_bytes() == b"new image"


def test_sitemaps_are_rewritten_only_when_the_published_pages_change(project) -> None:  # type: ignore[no-untyped-def]
    out = build_site(project).out
    sitemap = out / "sitemap.xml"
    assert "/ja/gemma/" in sitemap.read_text(encoding="utf-8")
    write_catalog(project, "guide", "en", tagged("EN2"))  # a page's text changes, not which pages exist
    written = build_site(project).written
    assert "en/guide/index.html" in written and "sitemap.xml" not in written
    write_catalog(project, "gemma", "ja", lambda segment: None)  # ja falls below min_completion
    written = build_site(project).written
    assert "sitemap.xml" in written
    assert "/ja/gemma/" not in sitemap.read_text(encoding="utf-8")
    (project.state_dir / "site-build.json").unlink()
    assert build_site(project).written == ()  # the same bytes a build without the cache writes
