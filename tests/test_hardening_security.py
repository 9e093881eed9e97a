"""Hostile configuration and files are contained (issue 12, points 4 and 5; SPEC section 9).

``template`` must lie inside the project and renders in a sandbox; articles
never resolve outside content/; ``build`` never writes or deletes through a
symlink that leaves ``<out>``. Every refusal is exit 2 with the file, no traceback.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from workflow_support import copy_sample, run_cli


def _set(project: Path, key: str, value: str) -> None:
    config = project / "localize.toml"
    text = config.read_text("utf-8")
    text = re.sub(rf"^{key}\s*=.*\n", "", text, flags=re.M)
    config.write_text(f"{key} = {json.dumps(value)}\n" + text, "utf-8")


def _no_traceback(err: str) -> None:
    assert "Traceback" not in err, err


def test_a_template_outside_the_project_is_refused(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    outside = tmp_path / "outside.html"
    outside.write_text("<html>{{ page.title }}</html>", "utf-8")
    for value in ("/etc/passwd", "../outside.html", str(outside)):
        _set(project, "template", value)
        result = run_cli(project, "build")
        assert result.code == 2, (value, result.err)
        _no_traceback(result.err)
        assert "template" in result.err and "outside the project" in result.err
    assert not (project / "site").exists() or not any((project / "site").rglob("*.html"))


def test_a_template_symlinked_out_of_the_project_is_refused(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    (project / "page.html").symlink_to("/etc/passwd")
    _set(project, "template", "page.html")
    result = run_cli(project, "build")
    assert result.code == 2 and "outside the project" in result.err
    _no_traceback(result.err)


def test_the_template_is_sandboxed(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    marker = tmp_path / "pwned"
    (project / "page.html").write_text(
        "<html>{{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "').read() }}"
        "{{ page.body }}</html>",
        "utf-8",
    )
    _set(project, "template", "page.html")
    result = run_cli(project, "build")
    assert not marker.exists(), "the template ran a command"
    assert result.code == 2, result.err
    _no_traceback(result.err)
    assert "page.html" in result.err and "unsafe" in result.err


def test_a_sandboxed_template_still_renders_and_escapes(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    (project / "page.html").write_text(
        '<!DOCTYPE html><html lang="{{ page.lang }}"><head><title>{{ page.title }}</title></head>'
        "<body>{{ page.body }}<p>{{ '<b>x</b>' }}</p></body></html>",
        "utf-8",
    )
    _set(project, "template", "page.html")
    result = run_cli(project, "build")
    assert result.code == 0, result.err
    page = next((project / "site").rglob("index.html")).read_text("utf-8")
    assert "&lt;b&gt;x&lt;/b&gt;" in page


def test_an_article_symlinked_out_of_the_project_is_exit_2(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    secret = tmp_path / "secret.md"
    for front_matter in ("", "---\nslug: stolen\n---\n"):
        secret.write_text(front_matter + "# 秘密\n\n這是專案外的檔案。\n", "utf-8")
        link = project / "content" / "leak.md"
        link.unlink(missing_ok=True)
        link.symlink_to(secret)
        for command in ("extract", "build"):
            result = run_cli(project, command)
            assert result.code == 2, (command, front_matter, result.err)
            _no_traceback(result.err)
            assert "content/leak.md" in result.err and "outside" in result.err
    assert not list((project / "locales").rglob("stolen*"))
    pots = "".join(p.read_text("utf-8") for p in (project / "locales").rglob("*.pot"))
    assert "專案外" not in pots


def test_build_refuses_to_write_through_a_symlink_leaving_out(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (project / "site").mkdir()
    (project / "site" / "en").symlink_to(outside, target_is_directory=True)
    result = run_cli(project, "build")
    assert result.code == 2, result.err
    _no_traceback(result.err)
    assert "site/en" in result.err and "outside" in result.err
    assert list(outside.iterdir()) == []


def test_build_never_deletes_through_a_symlink_from_a_planted_manifest_entry(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    assert run_cli(project, "build").code == 0
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    victim = outside / "index.html"
    victim.write_bytes(b"precious")
    (project / "site" / "docs").symlink_to(outside, target_is_directory=True)
    manifest_path = project / "site" / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    page = dict(manifest["articles"][0]["pages"][0])
    import hashlib

    page.update(path="docs/index.html", sha256=hashlib.sha256(b"precious").hexdigest())
    manifest["articles"][0]["pages"].append(page)
    manifest_path.write_text(json.dumps(manifest), "utf-8")
    result = run_cli(project, "build")
    _no_traceback(result.err)
    assert victim.read_bytes() == b"precious"
    assert os.path.islink(project / "site" / "docs")
