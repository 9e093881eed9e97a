"""Engine names to engine objects: the built-ins of SPEC section 7 plus entry points.

Third-party packages register a class (or factory) taking EngineSettings
under the entry-point group ``localize.engines``; a built-in name always
wins over an entry point of the same name.
"""

from __future__ import annotations

from collections.abc import Callable

from localize.config import EngineSettings
from localize.engines.base import Engine
from localize.errors import ConfigError

ENTRY_POINT_GROUP = "localize.engines"
DEEP_TRANSLATOR_ENGINES = (
    "google",
    "mymemory",
    "libre",
    "microsoft",
    "yandex",
    "papago",
    "baidu",
    "qcri",
)
BUILTIN_ENGINES = (*DEEP_TRANSLATOR_ENGINES, "deepl", "llm", "opencc", "pseudo")
DRIVER_ENGINES = ("memory",)  # handled by the translate driver, never instantiated


def _builtin(name: str) -> Callable[[EngineSettings], Engine] | None:
    if name in DEEP_TRANSLATOR_ENGINES:
        from localize.engines.deeptranslator import DeepTranslatorEngine

        return DeepTranslatorEngine
    if name == "deepl":
        from localize.engines.deepl_engine import DeepLEngine

        return DeepLEngine
    if name == "llm":
        from localize.engines.llm import LLMEngine

        return LLMEngine
    if name == "opencc":
        from localize.engines.opencc_engine import OpenCCEngine

        return OpenCCEngine
    if name == "pseudo":
        from localize.engines.pseudo import PseudoEngine

        return PseudoEngine
    return None


def plugin_engines() -> dict[str, object]:
    """Entry points of the ``localize.engines`` group, by name (not loaded).

    Imported here: reading every installed package's metadata is needed only for a name
    that is not built in, and importing it cost a built-in engine's run about 20 ms.
    """
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def known_engines() -> tuple[str, ...]:
    """Every engine name ``[engine] name`` may use."""
    extra = sorted(n for n in plugin_engines() if n not in BUILTIN_ENGINES)
    return (*BUILTIN_ENGINES, *DRIVER_ENGINES, *extra)


def get_engine(settings: EngineSettings) -> Engine:
    """The engine named by ``settings.name``; ConfigError listing the known names otherwise."""
    factory = _builtin(settings.name)
    if factory is None:
        entry = plugin_engines().get(settings.name)
        if entry is None:
            if settings.name in DRIVER_ENGINES:
                raise ConfigError(
                    f"engine {settings.name!r} is run by the driver, not instantiated"
                )
            raise ConfigError(
                f"unknown engine {settings.name!r}; known engines: {', '.join(known_engines())}"
            )
        try:
            factory = entry.load()  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001 - a broken plugin is a configuration problem
            raise ConfigError(f"engine {settings.name!r} failed to load: {exc}") from exc
    engine = factory(settings)
    if not isinstance(engine, Engine):
        raise ConfigError(f"engine {settings.name!r} does not provide a localize Engine")
    return engine
