"""Per-language data for sentence splitting: abbreviations and sentence starters.

Abbreviations come in two kinds. A *prefix* abbreviation ("Dr.", "e.g.", "z. B.")
always has more of its sentence after it, so its period never ends a sentence.
A *terminal* abbreviation ("etc.", "Inc.", "U.S.", "Jan.") may end one, and does
when the next word is a common sentence starter ("The", "Er", "Il"...), because a
capital letter alone cannot tell "U.S. Army" from "U.S. The".
English data applies to every language: Latin-script names and terms turn up in
CJK and European text alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_PREFIX = {
    "en": "Mr Mrs Ms Mx Dr Prof Rev Hon Sr Jr St Mt Ft Gen Col Capt Lt Sgt Gov Sen Rep Pres "
    "e.g i.e cf vs viz approx ca Ref ref Ed ed est Ave Blvd Rd Dept Univ incl excl al N° n°",
    "de": "Hr Hrn Fr Frl Dr Prof Dipl Ing Nr Str Abb Abs Bd Kap vgl ca bzw sog ggf evtl inkl "
    "zzgl exkl insb Tel Mio Mrd Jh Jhd geb gest St z.B d.h u.a o.ä s.o s.u u.U z.T i.d.R S",
    "fr": "M MM Mme Mmes Mlle Mlles Dr Pr Me Mgr St Ste env cf p pp vol chap art fig réf "
    "c.-à-d p.ex n° av apr éd t",
    "es": "Sr Sres Sra Sras Srta Dr Dra Ud Uds Vd Vds Lic Ing Arq Prof Av Avda Gral D Dña "
    "p.ej aprox pág págs núm art cap vol fig tel dcha izq EE Ud",
    "ru": "г-н г-жа проф акад доц им ул пр просп пер пл д кв стр рис табл гл т.е т.к т.н "
    "см ср напр св ок",
}

_TERMINAL = {
    "en": "Fig Figs fig figs Eq Eqs No Nos Vol vol Sec Ch ch Art p pp "
    "etc Inc Ltd Co Corp LLC Bros Jr Sr Esq a.m p.m U.S U.K U.N E.U U.S.A "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec",
    "de": "usw etc u.ä Co GmbH Jan Feb Mär Apr Jun Jul Aug Sep Sept Okt Nov Dez",
    "fr": "etc cie Cie janv févr avr juil sept oct nov déc",
    "es": "etc UU S.A S.L Cía ene feb mar abr jun jul ago sep sept oct nov dic",
    "ru": "т.д т.п др г гг в вв млн млрд тыс руб коп н.э янв февр авг сент окт нояб дек",
}

_STARTERS = {
    "en": "The A An He She It We They I You This That These Those There Here In On At But And Or "
    "So Then However Its Our His Her Their My Your As If When After Before Many Some Most "
    "Today Yesterday Now Also Yet Still Meanwhile For With What Why How Who Where Each "
    "Did Do Does Is Are Was Were Will Can Could Should Would Have Has Had",
    "de": "Der Die Das Den Dem Des Ein Eine Einen Er Sie Es Wir Ich Ihr Man Dann Aber Und Doch "
    "Im In Am An Auf Mit Nach Vor Seit Heute Danach Dieser Diese Dieses Es So Auch Damit",
    "fr": "Le La Les L Un Une Des Il Elle Ils Elles Nous Vous Je On Ce Cette Ces Cet Puis Mais "
    "Et Ou Donc En Dans Sur Avec Pour Depuis Aujourd Ensuite Enfin Son Sa Ses",
    "es": "El La Los Las Lo Un Una Unos Unas Él Ella Ellos Ellas Nosotros Yo Tú Usted Este Esta "
    "Estos Estas Eso Luego Pero Y O En Con Para Desde Hoy Después También Su Sus Se",
    "ru": "Он Она Оно Они Мы Я Вы Ты Это Этот Эта Эти Потом Затем Но И А В На С По После До "
    "Сегодня Также Его Её Их Однако Там Здесь Так",
}

#: German month names: "am 3. Oktober" is a date, not the end of "... 3."
_NUMBER_FOLLOWERS = {
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember "
    "Jahrhundert Platz Mal Stock Auflage Klasse Liga",
    "fr": "",
    "es": "",
    "ru": "",
    "en": "",
}

#: Languages where "3." followed by a capitalised noun is usually an ordinal.
ORDINAL_DOT_LANGUAGES = frozenset({"de"})


#: Languages written without spaces between sentences (LocaleInfo.uses_spaces is False).
SPACELESS_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo"})


@dataclass(frozen=True)
class LanguageRules:
    """What the splitter needs to know about one language, precomputed once."""

    language: str
    prefix: frozenset[str]  # abbreviation bodies without the final period, spaces removed
    terminal: frozenset[str]
    starters: frozenset[str]
    number_followers: frozenset[str]
    ordinal_dots: bool
    uses_spaces: bool
    abbreviations: frozenset[str]  # prefix and terminal together


def _words(table: dict[str, str], language: str, capitalised: bool = False) -> frozenset[str]:
    words = table.get(language, "").split() + table["en"].split()
    if capitalised:  # "см." inside a sentence is "См." at its start
        words += [w[0].upper() + w[1:] for w in words if len(w) > 1 and w[0].islower()]
    return frozenset(words)


@lru_cache(maxsize=64)
def rules_for(language: str) -> LanguageRules:
    """The rules of ``language`` ("zh", "en", "de"...), English data included for every language."""
    base = language.split("_")[0].split("-")[0].lower()
    prefix = _words(_PREFIX, base, capitalised=True)
    terminal = _words(_TERMINAL, base, capitalised=True) - prefix
    return LanguageRules(
        language=base,
        prefix=prefix,
        terminal=terminal,
        starters=_words(_STARTERS, base),
        number_followers=_words(_NUMBER_FOLLOWERS, base),
        ordinal_dots=base in ORDINAL_DOT_LANGUAGES,
        uses_spaces=base not in SPACELESS_LANGUAGES,
        abbreviations=prefix | terminal,
    )


#: Matched against the REVERSED text before a period: the word there (with inner periods,
#: hyphens, apostrophes) and any spaced abbreviation parts before it ("z. B", "т. е").
#: Reversing turns an end-anchored search into a start-anchored match (linear, no rescans).
#: Characters that end a token when reading back from a period (a character class body).
TOKEN_DELIMITERS = r"\s()\[\]{}«»„“”\"'‘’¿¡<>/\ue000\ue001—–•⁃"
REVERSED_PREVIOUS_TOKEN = re.compile(
    rf"[^{TOKEN_DELIMITERS}]*(?:[ \u00a0]?\.[^\W\d_]{{1,2}}(?![^\W\d_]))*"
)


def previous_token(text: str, end: int, floor: int) -> str:
    """The token ending at ``end`` (looking back no further than ``floor``), spaces removed."""
    window = text[max(floor, end - 24) : end][::-1]
    match = REVERSED_PREVIOUS_TOKEN.match(window)
    if not match or not match.end():
        return ""
    token = match.group()[::-1]
    return (
        token.replace(" ", "").replace("\u00a0", "") if " " in token or "\u00a0" in token else token
    )
