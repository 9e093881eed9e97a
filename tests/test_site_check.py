"""check_site: a clean build passes; broken clusters, lang/dir, URLs and sitemaps are caught."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "data" / "site"))

from sitekit import make_project, tagged, write_catalog  # noqa: E402

from localize.errors import InputError  # noqa: E402
from localize.site import build_site, check_site  # noqa: E402


@pytest.fixture()
def site(tmp_path: Path):  # type: ignore[no-untyped-def]
    project = make_project(tmp_path / "p")
    for slug in ("gemma", "guide"):
        write_catalog(project, slug, "en", tagged("EN"))
        write_catalog(project, slug, "ja", tagged("JA"), state="machine")
        write_catalog(project, slug, "ar-XB", tagged("XB"), state="machine")
    return project, build_site(project).out


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def checks(report) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {(f.check, f.file) for f in report.findings if f.severity == "error"}


def test_clean_build_passes(site) -> None:  # type: ignore[no-untyped-def]
    project, out = site
    report = check_site(project, out)
    assert report.errors == 0, report.to_text()
    data = report.to_json()
    assert data == {"errors": 0, "warnings": 0, "findings": []}


def test_broken_cluster_is_caught(site) -> None:  # type: ignore[no-untyped-def]
    project, out = site
    edit(out / "ja/gemma/index.html", '<link rel="alternate" hreflang="en" href="https://example.com/docs/en/gemma/">\n', "")
    report = check_site(project, out)
    found = checks(report)
    assert ("hreflang", "en/gemma/index.html") in found  # ja no longer links back to en
    assert ("hreflang", "ja/gemma/index.html") in found  # ja's cluster differs from the others
    data = report.to_json()
    assert data["errors"] == report.errors > 0
    finding = data["findings"][0]
    assert list(finding) == ["severity", "check", "locale", "slug", "file", "line", "msgid", "message"]
    assert finding["line"] == 0 and finding["msgid"] == ""
    assert any(f["slug"] == "gemma" and f["locale"] == "en" for f in data["findings"])
    json.dumps(data)


def test_x_default_values_and_self_reference(site) -> None:  # type: ignore[no-untyped-def]
    project, out = site
    page = out / "en/guide/index.html"
    edit(page, 'hreflang="x-default"', 'hreflang="english"')
    messages = " ".join(f.message for f in check_site(project, out).findings if f.file == "en/guide/index.html")
    assert "0 x-default" in messages and "'english'" in messages
    edit(page, '<link rel="canonical" href="https://example.com/docs/en/guide/">',
         '<link rel="canonical" href="https://example.com/docs/en/gemma/">')
    assert ("canonical", "en/guide/index.html") in checks(check_site(project, out))


def test_missing_lang_dir_and_dangling_alternate(site) -> None:  # type: ignore[no-untyped-def]
    project, out = site
    edit(out / "en/gemma/index.html", '<html lang="en" dir="ltr">', "<html>")
    (out / "ja/guide/index.html").unlink()
    found = checks(check_site(project, out))
    assert ("lang", "en/gemma/index.html") in found and ("dir", "en/gemma/index.html") in found
    assert ("urls", "en/guide/index.html") in found  # alternate to the deleted ja page
    assert ("sitemap", "sitemap.xml") in found  # the sitemap still lists it


def test_pseudo_pages_are_passed_over_but_never_clustered(site) -> None:  # type: ignore[no-untyped-def]
    project, out = site
    edit(out / "ar-xb/gemma/index.html", 'dir="rtl"', 'dir="sideways"')
    assert check_site(project, out).errors == 0  # pseudo pages are skipped
    edit(out / "en/gemma/index.html", 'hreflang="ja"', 'hreflang="ar-XB" data-x="1"')
    edit(out / "en/gemma/index.html", "https://example.com/docs/ja/gemma/", "https://example.com/docs/ar-xb/gemma/")
    messages = [f.message for f in check_site(project, out).findings if f.file == "en/gemma/index.html"]
    assert any("pseudo-locale" in m for m in messages)


def test_sitemap_inconsistent_with_pages(site) -> None:  # type: ignore[no-untyped-def]
    project, out = site
    edit(out / "sitemap.xml", "<loc>https://example.com/docs/en/gemma/</loc>", "<loc>https://example.com/docs/en/nothing/</loc>")
    report = check_site(project, out)
    messages = " ".join(f.message for f in report.findings if f.check == "sitemap")
    assert "en/nothing/" in messages and "missing from the sitemap" in messages


def test_no_site_is_an_input_error(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    with pytest.raises(InputError):
        check_site(project, tmp_path / "nowhere")


def test_broken_relative_link_is_a_warning(site) -> None:  # type: ignore[no-untyped-def]
    project, out = site
    edit(out / "en/gemma/index.html", 'href="../guide/#setup"', 'href="../nowhere/#setup"')
    report = check_site(project, out)
    assert report.errors == 0
    assert [(f.check, f.file) for f in report.findings] == [("links", "en/gemma/index.html")]
