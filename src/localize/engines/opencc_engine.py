"""Offline Traditional <-> Simplified Chinese with regional vocabulary (OpenCC).

The OpenCC configuration follows from the two locales' script and region:
Taiwan and Hong Kong phrase sets (``tw2sp``, ``s2twp``, ``hk2sp``...) where
the locale names the region, the generic character sets otherwise. OpenCC
changes Chinese characters only, so ASCII mask tokens and markup pass
through unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import opencc

from localize.config import EngineSettings
from localize.engines.base import OfflineEngine, PermanentError
from localize.engines.codes import engine_code
from localize.locales import LocaleInfo

# (source variant, target variant) -> chain of OpenCC configurations; variants from codes._opencc.
CONFIGS: dict[tuple[str, str], tuple[str, ...]] = {
    ("Hant-TW", "Hans"): ("tw2sp",),
    ("Hant-HK", "Hans"): ("hk2sp",),
    ("Hant", "Hans"): ("t2s",),
    ("Hans", "Hant-TW"): ("s2twp",),
    ("Hans", "Hant-HK"): ("s2hkp",),
    ("Hans", "Hant"): ("s2t",),
    ("Hant-TW", "Hant-HK"): ("tw2t", "t2hk"),
    ("Hant-HK", "Hant-TW"): ("hk2t", "t2tw"),
    ("Hant", "Hant-TW"): ("t2tw",),
    ("Hant", "Hant-HK"): ("t2hk",),
    ("Hant-TW", "Hant"): ("tw2t",),
    ("Hant-HK", "Hant"): ("hk2t",),
}
_FALLBACK = {"hk2sp": "hk2s", "s2hkp": "s2hk"}  # older OpenCC builds lack the phrase variants


@cache
def _available(config: str) -> str:
    share = Path(opencc.__file__).parent / "clib" / "share" / "opencc"
    if share.is_dir() and not (share / f"{config}.json").exists():
        return _FALLBACK.get(config, config)
    return config


def opencc_chain(source: LocaleInfo, target: LocaleInfo) -> tuple[str, ...]:
    """The configurations converting ``source`` to ``target`` (empty: same variant)."""
    pair = (engine_code("opencc", source, "source"), engine_code("opencc", target, "target"))
    if pair[0] == pair[1]:
        return ()
    return tuple(_available(c) for c in CONFIGS[pair])


class OpenCCEngine(OfflineEngine):
    """Chinese script and regional-vocabulary conversion, offline."""

    name = "opencc"

    def __init__(self, settings: EngineSettings):
        super().__init__(settings)
        self._local = threading.local()

    def _converter(self, config: str) -> opencc.OpenCC:
        converters = self._local.__dict__.setdefault("converters", {})
        if config not in converters:
            converters[config] = opencc.OpenCC(config)
        return converters[config]

    def translate(self, texts: Sequence[str], source: LocaleInfo, target: LocaleInfo) -> list[str]:
        chain = opencc_chain(source, target)
        out = []
        for text in texts:
            converted = text
            for config in chain:
                converted = self._converter(config).convert(converted)
            if text.strip() and not converted.strip():
                raise PermanentError("opencc: conversion produced no text", reason="other")
            out.append(converted)
        return out
