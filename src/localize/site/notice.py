"""The machine-translation notice in the page's language where a translation exists.

Order: an ``mt_notice`` entry for the locale itself; the configured (or default)
wording translated by the page's catalogs when it is a msgid there; our own
wording of the default notice for common languages; else the wording as is,
marked with the language it is written in.
"""

from __future__ import annotations

from collections.abc import Sequence

from localize.config import DEFAULT_MT_NOTICE, Settings
from localize.errors import LocaleError
from localize.locales import LocaleInfo, parse_locale
from localize.site.pages import Notice
from localize.site.translations import CatalogText

_BUILTIN = {
    "ja": "このページには、まだレビューされていない機械翻訳が含まれています。",
    "zh_Hans": "本页包含尚未经过审校的机器翻译。",
    "zh_Hant": "本頁包含尚未經過審校的機器翻譯。",
    "ko": "이 페이지에는 아직 검토되지 않은 기계 번역이 포함되어 있습니다.",
    "fr": "Cette page contient une traduction automatique qui n’a pas encore été relue.",
    "de": "Diese Seite enthält maschinelle Übersetzungen, die noch nicht geprüft wurden.",
    "es": "Esta página contiene traducción automática que aún no se ha revisado.",
    "pt": "Esta página contém tradução automática que ainda não foi revisada.",
    "it": "Questa pagina contiene una traduzione automatica non ancora revisionata.",
}


def _builtin_key(locale: LocaleInfo) -> str:
    if locale.language != "zh":
        return locale.language
    simplified = locale.script == "Hans" or (locale.script is None and locale.territory in ("CN", "SG"))
    return "zh_Hans" if simplified else "zh_Hant"


def notice_for(settings: Settings, locale: LocaleInfo, catalogs: Sequence[CatalogText]) -> Notice:
    """The notice text for a page in ``locale``, with the language (and direction) it is written in."""
    found = _notice(settings, locale, catalogs)
    try:
        direction = parse_locale(found.lang).direction
    except LocaleError:
        direction = locale.direction
    return Notice(found.text, found.lang, direction)


def _notice(settings: Settings, locale: LocaleInfo, catalogs: Sequence[CatalogText]) -> Notice:
    own = settings.mt_notice.get(locale.posix)
    if own:
        return Notice(own, locale.bcp47)
    wording = settings.notice_for(locale)
    for catalog in catalogs:
        found = catalog.entries.get(wording)
        if found is not None:
            return Notice(found[0], catalog.locale.bcp47)
    if wording == DEFAULT_MT_NOTICE:
        if locale.language == "en" and not locale.is_pseudo:
            return Notice(wording, locale.bcp47)
        builtin = _BUILTIN.get(_builtin_key(locale))
        if builtin and not locale.is_pseudo:
            return Notice(builtin, locale.bcp47)
        return Notice(wording, "en")
    return Notice(wording, settings.source_locale.bcp47)
