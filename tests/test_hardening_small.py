"""The small items of issue 12, point 9 (SPEC sections 5, 6, 8 and 9)."""

from __future__ import annotations

import errno
import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import require_tool
from localize.catalog.pofile import catalog_header, load_po
from localize.config import CREDENTIAL_ENV, credential_env
from localize.engines.deepl_engine import API_KEY_ENV
from localize.engines.dt_specs import SPECS
from localize.fileio import atomic_write_bytes
from localize.locales import parse_locale
from workflow_support import REPO, copy_sample, run_cli


def test_a_full_disk_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "locales" / "fr" / "a.po"

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError) as caught:
        atomic_write_bytes(target, b"msgid \"\"\n")
    assert caught.value.filename == str(target)
    assert caught.value.errno == errno.ENOSPC
    assert not target.exists() and list(target.parent.iterdir()) == []  # no temp file left


def test_translate_json_prints_a_json_document_on_exit_2(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    result = run_cli(project, "translate", "--json", "--locale", "xx-NOPE")
    assert result.code == 2
    document = json.loads(result.out)
    assert "xx-NOPE" in document["error"] and document["engines"] == []
    assert "Traceback" not in result.err


def test_a_credential_in_localize_toml_says_to_use_the_environment(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    config = project / "localize.toml"
    text = config.read_text("utf-8")
    assert 'name = "memory"' in text  # else the key below is never planted
    config.write_text(text.replace('name = "memory"', 'name = "deepl"\napi_key = "secret-123"'), "utf-8")
    result = run_cli(project, "status")
    assert result.code == 2
    assert "localize.toml:" in result.err and "DEEPL_API_KEY" in result.err
    assert "environment" in result.err and "secret-123" not in result.err


def test_the_credential_table_matches_the_engines() -> None:
    from_engines = {
        (name, credential.argument): credential.env
        for name, spec in SPECS.items()
        for credential in spec.credentials
    }
    from_engines[("deepl", "api_key")] = API_KEY_ENV
    for (engine, field), env in from_engines.items():
        assert credential_env(engine, field) == env
    assert set(CREDENTIAL_ENV) <= set(from_engines)
    assert credential_env("papago", "client_id") == "LOCALIZE_PAPAGO_CLIENT_ID"


LATIN1_PO = (
    'msgid ""\nmsgstr ""\n'
    '"Language: fr\\n"\n"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=ISO-8859-1\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n\n'
    'msgid "The archive is ready."\nmsgstr "L\'archive est prête, déjà."\n'
).encode("iso-8859-1")


def test_a_latin1_catalog_is_read_and_written_back_as_utf8(tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert run_cli(tmp_path, "init", str(project), "--source", "en", "--target", "fr").code == 0
    (project / "content" / "archive.md").write_text("# T\n\nThe archive is ready.\n", "utf-8")
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "archive.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_bytes(LATIN1_PO)
    assert load_po(catalog).find("The archive is ready.").msgstr == "L'archive est prête, déjà."
    result = run_cli(project, "extract")
    assert result.code == 0, result.err
    text = catalog.read_bytes().decode("utf-8")
    assert "charset=UTF-8" in text and "prête, déjà" in text
    msgfmt = require_tool("msgfmt")
    checked = subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(catalog)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_plural_forms_of_a_catalog_stay_while_the_number_of_forms_agrees() -> None:
    ar = parse_locale("ar-XB")
    theirs = "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : 4);"
    kept = catalog_header("a", ar, "2026-01-01 00:00+0000", {"Plural-Forms": theirs})
    assert kept["Plural-Forms"] == theirs
    wrong = catalog_header("a", ar, "2026-01-01 00:00+0000", {"Plural-Forms": "nplurals=2; plural=(n != 1);"})
    assert wrong["Plural-Forms"] == ar.plural_forms


def test_make_demo_leaves_the_tracked_catalogs_as_they_are(tmp_path: Path) -> None:
    """`make demo` on a fresh clone rewrote ar_XB's Plural-Forms (babel spells it per version)."""
    project = copy_sample(tmp_path / "p")
    before = {p: p.read_bytes() for p in (project / "locales").rglob("*.po*")}
    assert before  # the sample tracks catalogs, else "nothing changed" proves nothing
    result = run_cli(project, "run")
    assert result.code == 0, result.err
    after = {p: p.read_bytes() for p in (project / "locales").rglob("*.po*")}
    changed = [str(p.relative_to(project)) for p in before if before[p] != after.get(p)]
    assert changed == []
    assert (REPO / "locales" / "ar_XB").is_dir()
