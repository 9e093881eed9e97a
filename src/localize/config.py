"""``localize.toml``: the project's settings, validated once, read everywhere.

SPEC section 6 names every key. Unknown top-level keys are an error, so a
typo (``target_locale``) never silently falls back to a default.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from localize.errors import ConfigError, LocaleError
from localize.locales import LocaleInfo, parse_locale

CONFIG_NAME = "localize.toml"

_ENGINE_KEYS = {
    "name": str,
    "url": str,
    "concurrency": int,
    "rate_limit": (int, float),
    "timeout": (int, float),
    "retries": int,
    "model": str,
    "formality": str,
    "max_retry_after": (int, float),
    "price_per_million_chars": (int, float),
}
_TOP_KEYS = {
    "source_locale", "target_locales", "base_url", "url_pattern", "x_default", "publish",
    "min_completion", "fuzzy_threshold", "tm_trust_reviewed", "mt_notice", "template",
    "fallbacks", "engine", "engines", "qa", "store", "max_segment_chars", "max_article_bytes",
    "formats", "markdown", "front_matter_keys",
}
#: Caps for what no one means to translate in one piece (SPEC section 9); exit 2 beyond them.
DEFAULT_MAX_SEGMENT_CHARS = 20_000
DEFAULT_MAX_ARTICLE_BYTES = 10_000_000
FORMATS = ("html", "markdown")
#: Markdown layouts with a place for every file (SPEC section 10); others need ``path_pattern``.
MARKDOWN_LAYOUTS = ("hugo", "hugo-suffix", "mkdocs", "mkdocs-folder", "docusaurus", "starlight")
DEFAULT_MT_NOTICE = "This page contains machine translation that has not been reviewed."


@dataclass(frozen=True)
class EngineSettings:
    """One engine's settings; ``None`` means "the engine's own default"."""

    name: str
    url: str | None = None
    concurrency: int | None = None
    rate_limit: float | None = None
    timeout: float | None = None
    retries: int | None = None
    model: str | None = None
    formality: str | None = None
    max_retry_after: float | None = None
    price_per_million_chars: float | None = None
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class MarkdownSettings:
    """``[markdown]``: where localized Markdown goes and how locales are named (SPEC section 10)."""

    layout: str = "hugo"
    locale_names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # posix -> name
    rewrite_links: bool = False
    path_pattern: str = ""


@dataclass(frozen=True)
class Settings:
    """Everything in ``localize.toml``, with locales parsed and defaults filled in."""

    root: Path
    source_locale: LocaleInfo
    target_locales: tuple[LocaleInfo, ...]
    base_url: str = "https://example.com"
    url_pattern: str = "{locale}/{slug}/"
    x_default: LocaleInfo | None = None
    publish: str = "machine"
    min_completion: float = 0.8
    fuzzy_threshold: float = 0.75
    tm_trust_reviewed: bool = False
    mt_notice: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    template: str = ""
    fallbacks: Mapping[str, tuple[LocaleInfo, ...]] = field(default_factory=lambda: MappingProxyType({}))
    engine: EngineSettings = field(default_factory=lambda: EngineSettings(name="google"))
    engines: Mapping[str, EngineSettings] = field(default_factory=lambda: MappingProxyType({}))
    qa_ignore: frozenset[str] = frozenset()
    store_url: str = ""  # [store] url: PostgreSQL for shards on many machines (SPEC section 11)
    max_segment_chars: int = DEFAULT_MAX_SEGMENT_CHARS
    max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES
    formats: tuple[str, ...] = ("html",)
    front_matter_keys: tuple[str, ...] = ()
    markdown: MarkdownSettings = field(default_factory=MarkdownSettings)

    def engine_for(self, locale: LocaleInfo, override: str | None = None) -> EngineSettings:
        """The engine settings for one target locale (SPEC sections 4 and 6)."""
        own = self.engines.get(locale.posix)
        if locale.is_pseudo:
            return own if own is not None else EngineSettings(name="pseudo")
        if override:
            if override == self.engine.name:
                return self.engine
            return EngineSettings(name=override)
        return own if own is not None else self.engine

    def notice_for(self, locale: LocaleInfo) -> str:
        """The machine-translation notice in the source wording for ``locale`` (or the default)."""
        return self.mt_notice.get(locale.posix) or self.mt_notice.get("*") or DEFAULT_MT_NOTICE

    def fallbacks_for(self, locale: LocaleInfo) -> tuple[LocaleInfo, ...]:
        return self.fallbacks.get(locale.posix, ())


def load_settings(root: Path) -> Settings:
    """Read and validate ``<root>/localize.toml``; raise ConfigError naming file and line."""
    path = _shown(root / CONFIG_NAME)
    if not path.is_file():
        raise ConfigError(f"no {CONFIG_NAME} here (run 'localize init' to create one)", path)
    raw_bytes = path.read_bytes()
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw_bytes[: exc.start].count(b"\n") + 1
        raise ConfigError("not valid UTF-8", path, line) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        if line is None and "end of document" in str(exc):
            line = max(1, len(text.splitlines()))
        raise ConfigError(f"invalid TOML: {exc}", path, line) from exc
    return parse_settings(data, root, path, text)


def _shown(path: Path) -> Path:
    """The path as the user would type it: relative to the current directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except (ValueError, OSError):
        return path


def _line_from_message(message: str) -> int | None:
    marker = "(at line "
    if marker in message:
        return int(message.split(marker, 1)[1].split(",", 1)[0])
    return None


def _key_line(text: str, key: str) -> int | None:
    """The line of ``key``; ``table/field`` finds the field after the table's header."""
    table, _, wanted = key.rpartition("/")
    start = 0
    lines = text.splitlines()
    if table:
        header = _key_line(text, table)
        start = header or 0
    for number, line in enumerate(lines[start:], start + 1):
        stripped = line.strip().strip("[]").strip().replace('"', "")
        if stripped.startswith(wanted.replace('"', "")):
            return number
    return start or None


def parse_settings(data: Mapping[str, Any], root: Path, path: Path | None = None, text: str = "") -> Settings:
    """Validate a parsed TOML mapping into Settings."""
    check = _Checker(path or root / CONFIG_NAME, text)
    for key in data:
        if key not in _TOP_KEYS and _CREDENTIAL_KEY.fullmatch(key):
            engine = data.get("engine", {}).get("name", "google") if isinstance(data.get("engine"), dict) else "google"
            raise check.fail(key, f"{key}: credentials are never read from localize.toml; remove it and "
                                  f"set the environment variable {credential_env(str(engine), key)}")
        if key not in _TOP_KEYS:
            raise check.fail(key, f"unknown setting {key!r}")
    source, targets = _parse_locales(data, check)
    engine, engines = _parse_engines(data, check)
    return Settings(
        root=root,
        source_locale=source,
        target_locales=targets,
        engine=engine,
        engines=engines,
        mt_notice=_parse_notice(data.get("mt_notice"), check),
        fallbacks=_parse_fallbacks(data.get("fallbacks", {}), check),
        qa_ignore=_parse_qa(data.get("qa", {}), check),
        store_url=_parse_store(data.get("store", {}), check),
        **_parse_publishing(data, check),
        **_parse_outputs(data, check),
    )


class _Checker:
    """Builds errors that name localize.toml and the line of the offending key."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.text = text

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(message, self.path, _key_line(self.text, key))

    def locale(self, key: str, value: Any) -> LocaleInfo:
        if not isinstance(value, str):
            raise self.fail(key, f"{key} must be a locale string")
        try:
            return parse_locale(value)
        except LocaleError as exc:
            raise self.fail(key, f"{key}: {exc.message}") from exc


def _parse_locales(data: Mapping[str, Any], check: _Checker) -> tuple[LocaleInfo, tuple[LocaleInfo, ...]]:
    if "source_locale" not in data:
        raise check.fail("source_locale", "source_locale is required")
    source = check.locale("source_locale", data["source_locale"])
    targets_raw = data.get("target_locales", [])
    if not isinstance(targets_raw, list):
        raise check.fail("target_locales", "target_locales must be a list of locales")
    targets: list[LocaleInfo] = []
    for value in targets_raw:
        loc = check.locale("target_locales", value)
        if loc.posix == source.posix:
            raise check.fail("target_locales", f"target_locales lists the source locale {loc.bcp47}")
        if loc not in targets:
            targets.append(loc)
    return source, tuple(targets)


def _parse_publishing(data: Mapping[str, Any], check: _Checker) -> dict[str, Any]:
    """The scalar keys: URLs, publishing rules and thresholds."""
    kwargs: dict[str, Any] = {}
    for key in ("base_url", "url_pattern", "template"):
        if key in data:
            if not isinstance(data[key], str):
                raise check.fail(key, f"{key} must be a string")
            kwargs[key] = data[key]
    if "base_url" in kwargs:
        kwargs["base_url"] = kwargs["base_url"].rstrip("/")
        if not kwargs["base_url"].startswith(("http://", "https://")):
            raise check.fail("base_url", "base_url must be an absolute http(s) URL")
    pattern = kwargs.get("url_pattern", "{locale}/{slug}/")
    if "{slug}" not in pattern or "{locale}" not in pattern or pattern.startswith("/") or ".." in pattern:
        raise check.fail("url_pattern", "url_pattern must be relative and contain {locale} and {slug}")
    if "x_default" in data:
        kwargs["x_default"] = check.locale("x_default", data["x_default"])
    if "publish" in data:
        if data["publish"] not in ("machine", "reviewed"):
            raise check.fail("publish", 'publish must be "machine" or "reviewed"')
        kwargs["publish"] = data["publish"]
    for key in ("min_completion", "fuzzy_threshold"):
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise check.fail(key, f"{key} must be a number between 0 and 1")
            kwargs[key] = float(value)
    for key in ("max_segment_chars", "max_article_bytes"):
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise check.fail(key, f"{key} must be a positive whole number")
            kwargs[key] = value
    if "tm_trust_reviewed" in data:
        if not isinstance(data["tm_trust_reviewed"], bool):
            raise check.fail("tm_trust_reviewed", "tm_trust_reviewed must be true or false")
        kwargs["tm_trust_reviewed"] = data["tm_trust_reviewed"]
    return kwargs


def _parse_outputs(data: Mapping[str, Any], check: _Checker) -> dict[str, Any]:
    """``formats``, ``front_matter_keys`` and ``[markdown]``."""
    kwargs: dict[str, Any] = {}
    formats = data.get("formats", ["html"])
    if not isinstance(formats, list) or not formats or any(f not in FORMATS for f in formats):
        raise check.fail("formats", 'formats must be a non-empty list of "html" and "markdown"')
    kwargs["formats"] = tuple(dict.fromkeys(formats))
    keys = data.get("front_matter_keys", [])
    if not isinstance(keys, list) or not all(isinstance(k, str) and k for k in keys):
        raise check.fail("front_matter_keys", "front_matter_keys must be a list of front-matter key names")
    kwargs["front_matter_keys"] = tuple(dict.fromkeys(keys))
    table = data.get("markdown", {})
    if not isinstance(table, dict):
        raise check.fail("markdown", "[markdown] must be a table")
    known = {"layout": str, "locale_names": dict, "rewrite_links": bool, "path_pattern": str}
    for key, value in table.items():
        if key not in known:
            raise check.fail(f"markdown/{key}", f"unknown setting [markdown] {key!r}")
        if not isinstance(value, known[key]):
            raise check.fail(f"markdown/{key}", f"[markdown] {key} has the wrong type")
    names: dict[str, str] = {}
    for code, name in table.get("locale_names", {}).items():
        if not isinstance(name, str):
            raise check.fail("markdown/locale_names", "[markdown] locale_names values must be strings")
        names[check.locale("markdown/locale_names", code).posix] = name
    pattern = table.get("path_pattern", "")
    if pattern and ("{path}" not in pattern and "{slug}" not in pattern or pattern.startswith("/")
                    or ".." in pattern):
        raise check.fail("markdown/path_pattern",
                         "[markdown] path_pattern must be relative and contain {path} or {slug}")
    layout = table.get("layout", "hugo" if not pattern else "custom")
    if layout not in MARKDOWN_LAYOUTS and not pattern:
        raise check.fail("markdown/layout", f"[markdown] layout {layout!r} is not one of "
                         f"{', '.join(MARKDOWN_LAYOUTS)} (or give a path_pattern)")
    kwargs["markdown"] = MarkdownSettings(layout, MappingProxyType(names),
                                          table.get("rewrite_links", False), pattern)
    return kwargs


def _parse_engines(
    data: Mapping[str, Any], check: _Checker
) -> tuple[EngineSettings, Mapping[str, EngineSettings]]:
    """[engine] and [engines."<locale>"]: a table naming the same engine (or none) inherits [engine]."""
    engine = _parse_engine(data.get("engine", {}), "engine", check, EngineSettings(name="google"))
    engines_raw = data.get("engines", {})
    if not isinstance(engines_raw, dict):
        raise check.fail("engines", "[engines] must be a table of locale tables")
    engines: dict[str, EngineSettings] = {}
    for key, table in engines_raw.items():
        loc = check.locale("engines", key)
        name = table.get("name") if isinstance(table, dict) else None
        base = engine if name in (None, engine.name) else EngineSettings(name=name)
        if loc.is_pseudo and name is None:
            base = EngineSettings(name="pseudo")
        engines[loc.posix] = _parse_engine(table, f'engines."{key}"', check, base)
    return engine, MappingProxyType(engines)


def _parse_qa(qa: Any, check: _Checker) -> frozenset[str]:
    if isinstance(qa, dict) and "front_matter_keys" in qa:
        raise check.fail("qa/front_matter_keys", "front_matter_keys is a top-level setting: "
                         "move it above the first [table]")
    ignore = qa.get("ignore", []) if isinstance(qa, dict) else None
    if not isinstance(ignore, list) or not all(isinstance(i, str) for i in ignore):
        raise check.fail("qa", "[qa] ignore must be a list of check names")
    return frozenset(ignore)


def _parse_store(store: Any, check: _Checker) -> str:
    """``[store] url``: a postgresql:// URL without a password (that comes from the environment)."""
    if not isinstance(store, dict) or set(store) - {"url"}:
        raise check.fail("store", "[store] takes one key, url")
    url = store.get("url", "")
    if not isinstance(url, str):
        raise check.fail("store/url", "[store] url must be a string")
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError as exc:
        raise check.fail("store/url", f"[store] url is not a URL: {exc}") from exc
    if parts.scheme not in ("postgresql", "postgres"):
        raise check.fail("store/url", "[store] url must be a postgresql:// URL")
    if password is not None or "password" in parts.query.lower():
        raise check.fail("store/url", "[store] url must not contain a password: put it in "
                         "LOCALIZE_STORE_URL or ~/.pgpass, never in localize.toml")
    return url


def _parse_notice(raw: Any, check: _Checker) -> Mapping[str, str]:
    if raw is None:
        return MappingProxyType({})
    if isinstance(raw, str):
        return MappingProxyType({"*": raw})
    if isinstance(raw, dict):
        out: dict[str, str] = {}
        for key, value in raw.items():
            if not isinstance(value, str):
                raise check.fail("mt_notice", "mt_notice values must be strings")
            out["*" if key in ("*", "default") else check.locale("mt_notice", key).posix] = value
        return MappingProxyType(out)
    raise check.fail("mt_notice", "mt_notice must be a string or a table by locale")


def _parse_fallbacks(raw: Any, check: _Checker) -> Mapping[str, tuple[LocaleInfo, ...]]:
    if not isinstance(raw, dict):
        raise check.fail("fallbacks", "fallbacks must be a table of locale lists")
    out: dict[str, tuple[LocaleInfo, ...]] = {}
    for key, chain in raw.items():
        if not isinstance(chain, list):
            raise check.fail("fallbacks", f"fallbacks for {key} must be a list")
        out[check.locale("fallbacks", key).posix] = tuple(check.locale("fallbacks", c) for c in chain)
    return MappingProxyType(out)


#: The environment variables deep-translator reads (SPEC section 6); others are
#: LOCALIZE_<ENGINE>_<FIELD>. tests/test_hardening_small.py checks this against the engines.
CREDENTIAL_ENV = {
    ("libre", "api_key"): "LIBRE_API_KEY", ("deepl", "api_key"): "DEEPL_API_KEY",
    ("microsoft", "api_key"): "MICROSOFT_API_KEY", ("yandex", "api_key"): "YANDEX_API_KEY",
    ("qcri", "api_key"): "QCRI_API_KEY", ("baidu", "appid"): "BAIDU_APPID",
    ("baidu", "appkey"): "BAIDU_APPKEY",
}  # fmt: skip
_CREDENTIAL_KEY = re.compile(  # whole key names only: max_tokens or api_key_env are no credentials
    r"(api_?key|auth_?key|app_?(id|key)|secret(_?key)?|client_(id|secret)|(access_|auth_|api_)?token"
    r"|password|passwd)",
    re.IGNORECASE,
)


def credential_env(engine: str, key: str) -> str:
    """The environment variable that holds credential ``key`` of ``engine``."""
    normal = key.lower().replace("-", "_")
    return CREDENTIAL_ENV.get((engine, normal)) or f"LOCALIZE_{engine}_{normal}".upper().replace("-", "_")


def _project_file(check: _Checker, key: str, value: Any) -> str:
    """A path in localize.toml made absolute; it must name a file inside the project."""
    root = check.path.parent.resolve()
    path = (root / value).resolve() if isinstance(value, str) and value else None
    if path is None or not path.is_relative_to(root) or not path.is_file():
        raise check.fail(key, f"{key.rpartition('/')[2]} must name a file inside the project")
    return str(path)


def _parse_engine(table: Any, label: str, check: _Checker, base: EngineSettings) -> EngineSettings:
    if not isinstance(table, dict):
        raise check.fail(label, f"[{label}] must be a table")
    values: dict[str, Any] = {}
    extra = dict(base.extra)
    engine = table.get("name") if isinstance(table.get("name"), str) else base.name
    for key, value in table.items():
        if _CREDENTIAL_KEY.fullmatch(key):
            raise check.fail(
                f"{label}/{key}",
                f"[{label}] {key}: credentials are never read from localize.toml (it is shared and "
                f"committed); remove it and set the environment variable {credential_env(engine, key)}",
            )
        kind = _ENGINE_KEYS.get(key)
        if key == "prompt":  # the llm engine's prompt template: a file inside the project
            extra[key] = _project_file(check, f"{label}/{key}", value)
            continue
        if kind is None:
            extra[key] = value
            continue
        if isinstance(value, bool) or not isinstance(value, kind):
            raise check.fail(f"{label}/{key}", f"[{label}] {key} has the wrong type")
        values[key] = float(value) if kind == (int, float) else value
    for key in ("concurrency", "retries"):
        if key in values and values[key] < (1 if key == "concurrency" else 0):
            raise check.fail(f"{label}/{key}", f"[{label}] {key} is out of range")
    return replace(base, **values, extra=MappingProxyType(extra))
