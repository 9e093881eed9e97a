"""``localize init``: a new content project with the layout of SPEC section 3."""

from __future__ import annotations

from pathlib import Path

from localize.config import CONFIG_NAME
from localize.errors import InputError
from localize.locales import parse_locale

_GITIGNORE = "site/\n.localize/\n.*.tmp\n"


def init_project(directory: Path, source: str, targets: list[str]) -> Path:
    """Create localize.toml and the project folders; refuse to overwrite an existing project."""
    source_locale = parse_locale(source)
    target_locales = [parse_locale(t) for t in targets]
    root = Path(directory)
    config = root / CONFIG_NAME
    if config.exists():
        raise InputError("a localize project already exists here", config)
    for sub in ("content", "glossaries", "locales/templates"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    quoted = ", ".join(f'"{t.bcp47}"' for t in target_locales)
    x_default = next(  # English when it is a real target; a pseudo-locale (en-XA) never is
        (t.bcp47 for t in target_locales if t.language == "en" and not t.is_pseudo),
        source_locale.bcp47,
    )
    config.write_text(
        f'source_locale  = "{source_locale.bcp47}"\n'
        f"target_locales = [{quoted}]\n"
        'base_url       = "https://example.com"\n'
        'url_pattern    = "{locale}/{slug}/"\n'
        f'x_default      = "{x_default}"\n'
        'publish        = "machine"\n'
        "min_completion = 0.8\n"
        "\n[engine]\n"
        'name = "google"\n',
        encoding="utf-8",
    )
    gitignore = root / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text(_GITIGNORE, encoding="utf-8")
    return root.resolve()
