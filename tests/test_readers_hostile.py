"""Hostile documents through the real CLI: exit 2 naming file and line, no traceback, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflow_support import run_cli

GOOD = "---\ntitle: Good\n---\n\n# Good\n\nThis article is fine.\n"
CASES = {
    "impossible-date": ("bad.md", "---\ntitle: Bad\ndate: 2026-02-30\n---\n\n# Bad\n", 3),
    "huge-integer": ("bad.md", "---\ntitle: Bad\nviews: " + "7" * 100_000 + "\n---\n\n# Bad\n", 3),
    "deep-brackets": ("bad.md", "---\ntitle: Bad\ntags: " + "[" * 100_000 + "\n---\n\n# Bad\n", 3),
    "duplicate-key": ("bad.md", "---\ntitle: Bad\ntitle: Worse\n---\n\n# Bad\n", 3),
    "deep-list": ("bad.md", "# Bad\n\n" + "".join("  " * n + f"- level {n}\n" for n in range(150)), None),
    "deep-html": ("bad.html", "<html><body>\n" + "<div>\n" * 3000 + "<p>x</p></body></html>", 2048),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_document_is_exit_2_with_file_and_line(tmp_path: Path, case: str) -> None:
    name, text, line = CASES[case]
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    (root / "content" / "good.md").write_text(GOOD, encoding="utf-8")
    (root / "content" / name).write_text(text, encoding="utf-8")
    (root / "localize.toml").write_text(
        'source_locale = "en"\ntarget_locales = ["fr"]\nbase_url = "https://example.com/"\n', encoding="utf-8"
    )
    result = run_cli(root, "extract")
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    where = f"content/{name}:{line}" if line else f"content/{name}:"
    assert where in result.err
    assert not (root / "locales").exists() or not any((root / "locales").rglob("*.po"))


def test_fifty_levels_of_nesting_reach_the_catalogs_whole(tmp_path: Path) -> None:
    """Lists, block quotes (Markdown) and divs (HTML) 50 deep and more: every block's text is a msgid."""
    import polib

    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    listing = "".join("  " * n + f"- List level {n}.\n" for n in range(50))
    quotes = "".join(">" * (n + 1) + f" Quote level {n}.\n" + ">" * (n + 1) + "\n" for n in range(50))
    (root / "content" / "deep.md").write_text(f"# Deep\n\n{listing}\n{quotes}\nThe end.\n", encoding="utf-8")
    divs = "<html><body>\n" + "".join(f"<div><p>Div level {n}.</p>\n" for n in range(300)) + "</div>" * 300
    (root / "content" / "divs.html").write_text(divs + "<p>After the divs.</p></body></html>", encoding="utf-8")
    (root / "localize.toml").write_text(
        'source_locale = "en"\ntarget_locales = ["fr"]\nbase_url = "https://example.com/"\n', encoding="utf-8"
    )
    result = run_cli(root, "extract")
    assert result.code == 0, result.err
    deep = [e.msgid for e in polib.pofile(str(root / "locales" / "templates" / "deep.pot"))]
    assert deep == ["Deep", *(f"List level {n}." for n in range(50)), *(f"Quote level {n}." for n in range(50)),
                    "The end."]
    html = [e.msgid for e in polib.pofile(str(root / "locales" / "templates" / "divs.pot"))]
    assert html == [*(f"Div level {n}." for n in range(300)), "After the divs."]
