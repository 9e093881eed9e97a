"""``localize init``: the localize.toml it writes (SPEC sections 4 and 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from localize.project import Project
from localize.scaffold import init_project


@pytest.mark.parametrize(
    ("source", "targets", "x_default"),
    [
        ("zh-Hant-TW", ["en-XA", "ja"], "zh-Hant-TW"),  # a pseudo-locale is never x-default
        ("zh-Hant-TW", ["en-XA", "ar-XB", "en-GB"], "en-GB"),
        ("ja", ["en", "en-XA"], "en"),
        ("de", ["fr"], "de"),
    ],
)
def test_x_default_is_a_real_english_target_or_the_source(
    tmp_path: Path, source: str, targets: list[str], x_default: str
) -> None:
    init_project(tmp_path, source, targets)
    settings = Project.open(tmp_path).settings
    assert settings.x_default is not None
    assert settings.x_default.bcp47 == x_default
    assert not settings.x_default.is_pseudo
    assert [t.bcp47 for t in settings.target_locales] == targets
