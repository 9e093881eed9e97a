"""Where each generator expects an article's localized file, and what it calls each locale.

SPEC section 10's table: ``content/<path>.md`` becomes, per layout and locale,
a path under ``--out``; ``<lang>`` is what the generator accepts for the
locale's hreflang value unless ``[markdown] locale_names`` says otherwise.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from localize.config import MARKDOWN_LAYOUTS, MarkdownSettings
from localize.errors import ConfigError
from localize.locales import LocaleInfo

#: Layouts whose front matter gets ``translationKey`` (Hugo links translations by it).
TRANSLATION_KEY_LAYOUTS = frozenset({"hugo", "hugo-suffix"})
_LOWER = frozenset({"hugo", "hugo-suffix", "starlight"})
_UNDERSCORE = frozenset({"mkdocs", "mkdocs-folder"})
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def default_name(layout: str, locale: LocaleInfo) -> str | None:
    """The generator's name for a locale, from its hreflang value; None where there is none."""
    tag = locale.hreflang
    if layout in _LOWER:
        return tag.lower()
    if layout in _UNDERSCORE:
        if locale.script and not locale.territory:
            return None  # zh_Hant: mkdocs-static-i18n and MkDocs' theme locales refuse it
        return tag.replace("-", "_")
    return tag


@dataclass(frozen=True)
class Layout:
    """One layout with the locale names settled: ``path`` gives each file's place under ``--out``."""

    name: str
    pattern: str  # path_pattern, for layouts not listed
    source_posix: str
    names: Mapping[str, str]  # posix -> <lang>

    def lang(self, locale: LocaleInfo) -> str:
        return self.names[locale.posix]

    def path(self, content_rel: str, slug: str, locale: LocaleInfo) -> str:
        """The posix path under ``--out`` of ``content/<content_rel>`` in ``locale``."""
        stem, ext = posixpath.splitext(content_rel)
        lang = self.names[locale.posix]
        source = locale.posix == self.source_posix
        if self.pattern:
            path = self.pattern.replace("{lang}", lang).replace("{path}", stem).replace("{slug}", slug) + ext
            path = posixpath.normpath(path.lstrip("/"))
            if path.startswith("../") or path == "..":
                raise ConfigError(f"[markdown] path_pattern leaves the output directory: {path}")
            return path
        if self.name == "hugo":
            return f"content/{lang}/{stem}{ext}"
        if self.name == "hugo-suffix":
            return f"content/{stem}{ext}" if source else f"content/{stem}.{lang}{ext}"
        if self.name == "mkdocs":
            return f"docs/{stem}{ext}" if source else f"docs/{stem}.{lang}{ext}"
        if self.name == "mkdocs-folder":
            return f"docs/{lang}/{stem}{ext}"
        if self.name == "docusaurus":
            if source:
                return f"docs/{stem}{ext}"
            return f"i18n/{lang}/docusaurus-plugin-content-docs/current/{stem}{ext}"
        if source:  # starlight: the source locale is Starlight's root locale
            return f"src/content/docs/{stem}{ext}"
        return f"src/content/docs/{lang}/{stem}{ext}"


def make_layout(settings: MarkdownSettings, layout: str | None, source: LocaleInfo,
                targets: Iterable[LocaleInfo]) -> Layout:
    """The layout for this build, every written locale named; exit 2 naming locales left unnamed."""
    name = layout or settings.layout
    pattern = settings.path_pattern if layout is None or layout == settings.layout else ""
    if name not in MARKDOWN_LAYOUTS and not pattern:
        raise ConfigError(f"unknown Markdown layout {name!r}: use one of {', '.join(MARKDOWN_LAYOUTS)}, "
                          "or [markdown] path_pattern")
    locales = [source, *(t for t in targets if not t.is_pseudo)]
    names: dict[str, str] = {}
    invalid: list[str] = []
    for locale in locales:
        given = settings.locale_names.get(locale.posix)
        chosen = given if given is not None else default_name(name, locale)
        if chosen is None or not _NAME.match(chosen):
            invalid.append(locale.bcp47 if chosen is None else f"{locale.bcp47} ({chosen!r})")
        else:
            names[locale.posix] = chosen
    if invalid:
        raise ConfigError(f"no valid {name} locale name for {', '.join(invalid)}: "
                          "set one in [markdown] locale_names")
    owners: dict[str, list[str]] = {}
    for locale in locales:
        owners.setdefault(names[locale.posix].lower(), []).append(locale.bcp47)
    clashes = [" and ".join(group) for group in owners.values() if len(group) > 1]
    if clashes:
        raise ConfigError(f"locales would share a {name} locale name: {'; '.join(clashes)}: "
                          "set distinct names in [markdown] locale_names")
    return Layout(name, pattern, source.posix, names)
