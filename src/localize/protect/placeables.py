"""Placeables: the parts of a sentence that must come through translation unchanged.

A placeable is found by position in the source text; translations are compared
with their source as multisets of placeable keys (order may change).

Kinds: ``citation`` ([3], [1-3], [1, 2], ［3］, [^note]), ``url``, ``email``,
``code`` (a whole Markdown code span or HTML ``<code>…</code>`` element, inline
math ``$E = mc^2$``, an emoji shortcode ``:rocket:``),
``markup`` (emphasis delimiters, a link's ``[`` / ``](url)`` parts and attribute
list ``{ .class }``, HTML inline tags with their attributes), ``variable`` (%s, %(name)s, {name}) and ``term``
(glossary do-not-translate terms). Numbers are not placeables: QA checks them.

A run of adjacent citation markers such as ``[3][5]`` is several placeables,
one per bracket group, so a translation may separate them; the translator
comment shows the run joined again.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from localize.model import DocumentFormat

if TYPE_CHECKING:
    from localize.glossary import Glossary
    from localize.locales import LocaleInfo

__all__ = [
    "Placeable",
    "find_placeables",
    "is_markup_safe",
    "markup_problems",
    "markup_signature",
    "placeable_key",
    "placeables_comment",
    "terms_comment",
]

_FILL = "\ue000"  # stands in for claimed characters so later patterns cannot see them


@dataclass(frozen=True)
class Placeable:
    """One span of the source that a translation must contain unchanged."""

    kind: str
    text: str
    start: int
    end: int


# -- patterns -----------------------------------------------------------------------------------
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
#: Inline math as markdown-it's dollarmath reads it here (no space inside the dollars, no digit
#: before the opening or after the closing one, so "$5 or $10" is money, not math).
_MATH = re.compile(r"(?<![\\\d$])\$(?![\s$])(?:\\.|[^$\\\n])+?(?<![\s\\])\$(?![\d$])")
#: An attribute list right after a link, image or code span: ``[Start](x){ .md-button }``.
_ATTR_LIST = re.compile(r"(?<=[)`\]\ue000])\{:?[ \t]*[#.\w-][^{}\n]*\}")
_EMOJI = re.compile(r"(?<![\w:]):[a-z0-9_+-]+:(?![\w:])")
_HTML_CODE = re.compile(r"<code\b[^>]*>.*?</code\s*>", re.IGNORECASE | re.DOTALL)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_AUTOLINK = re.compile(r"<(?:(?:https?|ftp|mailto):[^\s<>]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>")
_ATTR = r"""\s+[^\s<>"'=/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
HTML_TAG = re.compile(rf"</?([A-Za-z][A-Za-z0-9-]*)((?:{_ATTR})*)\s*/?>")
_ATTR_PARTS = re.compile(r"""([^\s<>"'=/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_LINK_URL = r"""(?:<[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)"""
_LINK_TITLE = r"""(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?"""
MD_LINK = re.compile(
    rf"(!?\[)((?:[^\[\]\n]|\[[^\[\]\n]*\])*)(\]\(\s*({_LINK_URL}){_LINK_TITLE}\s*\))"
)
_URL = re.compile(
    r"(?:(?:https?|ftp)://|www\.)[A-Za-z0-9\-._~:/?#@!$&'*+,;=%()]+", re.IGNORECASE
)
_EMAIL = re.compile(r"(?:mailto:)?[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_NUM = r"[0-9０-９]+"
_CITATION = re.compile(
    rf"[\[［]\s*{_NUM}(?:\s*[-–—~〜,，、]\s*{_NUM})*\s*[\]］](?!\()|\[\^[^\]\s]+\](?!\()"
)
_PRINTF = re.compile(r"%(?:\([A-Za-z_]\w*\))?(?:\d+\$)?[-+#0]*\d*(?:\.\d+)?[sdifrxXeEgGcuo](?![A-Za-z])")
_BRACE = re.compile(r"\{\{\s*[A-Za-z_][\w.]*\s*\}\}|\{[A-Za-z_][\w.]*\}|\{\d+\}")
_STAR_EMPHASIS = re.compile(r"(?<![*\\])(\*{1,3})(?![\s*])(.+?)(?<![\s*\\])\1(?!\*)")
_UNDERSCORE_EMPHASIS = re.compile(r"(?<![A-Za-z0-9_\\])(_{1,3})(?![\s_])(.+?)(?<![\s_\\])\1(?![A-Za-z0-9_])")
_STRIKE = re.compile(r"(?<![~\\])(~~)(?![\s~])(.+?)(?<![\s~\\])\1(?!~)")
_URL_TRAIL = ".,;:!?'*"


class _Claims:
    """Placeables found so far plus a view of the text with their characters hidden."""

    def __init__(self, text: str, found: Sequence[Placeable] = (), view: str | None = None):
        self.text = text
        self.view = text if view is None else view
        self.found: list[Placeable] = list(found)

    def free(self, start: int, end: int) -> bool:
        return _FILL not in self.view[start:end]

    def claim(self, kind: str, start: int, end: int) -> None:
        if end <= start or not self.free(start, end):
            return
        self.found.append(Placeable(kind, self.text[start:end], start, end))
        self.view = self.view[:start] + _FILL * (end - start) + self.view[end:]

    def scan(self, pattern: re.Pattern[str], kind: str) -> None:
        for match in list(pattern.finditer(self.view)):
            self.claim(kind, match.start(), match.end())


def _trim_url(text: str) -> str:
    """A URL without trailing sentence punctuation or an unbalanced closing parenthesis."""
    while text:
        if text[-1] in _URL_TRAIL or text[-1] == ")" and text.count(")") > text.count("("):
            text = text[:-1]
        else:
            break
    return text


def _scan_links(claims: _Claims) -> None:
    """Markdown links and images: ``[`` / ``![`` and ``](url)`` are markup, the text is not."""
    for match in list(MD_LINK.finditer(claims.view)):
        claims.claim("markup", match.start(1), match.end(1))
        claims.claim("markup", match.start(3), match.end(3))


def _scan_urls(claims: _Claims) -> None:
    for match in list(_URL.finditer(claims.view)):
        url = _trim_url(match.group())
        if len(url) > 4:
            claims.claim("url", match.start(), match.start() + len(url))


def _scan_emphasis(claims: _Claims, text: str, everything: bool) -> None:
    for pattern, mark in ((_STAR_EMPHASIS, "*"), (_UNDERSCORE_EMPHASIS, "_"), (_STRIKE, "~~")):
        if not everything and mark not in text:
            continue
        for match in list(pattern.finditer(claims.view)):
            claims.claim("markup", match.start(1), match.end(1))
            claims.claim("markup", match.end(2), match.end())


def _may_hold_url(text: str) -> bool:
    """Whether ``_URL`` can match: it needs "://" or "www." (any case)."""
    return "://" in text or ("." in text and "www." in text.lower())


def _collect(text: str, fmt: DocumentFormat, everything: bool = False) -> _Claims:
    """Every placeable but terms, most specific first so nothing is claimed twice.

    A pattern runs only when ``text`` holds a character every match of it needs (the
    view it scans has no character the text lacks); ``everything`` runs them all, which
    finds the same spans, only slower (the tests compare the two).
    """
    claims = _Claims(text)
    markdown = fmt == "markdown"
    if markdown and (everything or "`" in text):
        claims.scan(_CODE_SPAN, "code")
    if markdown and (everything or "$" in text):
        claims.scan(_MATH, "code")
    if markdown and (everything or ":" in text):
        claims.scan(_EMOJI, "code")
    if everything or "<" in text:
        claims.scan(_HTML_CODE, "code")
        claims.scan(_HTML_COMMENT, "markup")
        claims.scan(_AUTOLINK, "url")
        claims.scan(HTML_TAG, "markup")
    if markdown and (everything or "](" in text):
        _scan_links(claims)
    brace = everything or "{" in text
    if markdown and brace:
        claims.scan(_ATTR_LIST, "markup")
    if everything or _may_hold_url(text):
        _scan_urls(claims)
    if everything or "@" in text:
        claims.scan(_EMAIL, "email")
    if everything or "[" in text or "［" in text:
        claims.scan(_CITATION, "citation")
    if everything or "%" in text:
        claims.scan(_PRINTF, "variable")
    if brace:
        claims.scan(_BRACE, "variable")
    if markdown:
        _scan_emphasis(claims, text, everything)
    return claims


@lru_cache(maxsize=4096)
def _collected(text: str, fmt: DocumentFormat) -> tuple[tuple[Placeable, ...], str]:
    """``_collect``'s placeables and view, remembered: masking, QA and the answer checks
    all ask about the same source sentence, one right after the other."""
    claims = _collect(text, fmt)
    return tuple(claims.found), claims.view


def find_spans(
    text: str,
    fmt: DocumentFormat = "markdown",
    glossary: Glossary | None = None,
    include_term: Callable[[Any], bool] | None = None,
) -> list[tuple[Placeable, Any]]:
    """Placeables with the glossary term behind each ``term`` one (None for the others).

    ``include_term(term)`` chooses which glossary matches become spans; by default
    only do-not-translate terms do.
    """
    found, view = _collected(text, fmt)
    spans: list[tuple[Placeable, Any]] = [(p, None) for p in found]
    if glossary is not None:
        claims = _Claims(text, found, view)
        wanted = include_term or (lambda term: term.keep)
        for match in glossary.find(text):
            if wanted(match.term) and claims.free(match.start, match.end):
                claims.claim("term", match.start, match.end)
                spans.append((claims.found[-1], match.term))
    spans.sort(key=lambda pair: pair[0].start)
    return spans


def find_placeables(
    text: str, fmt: DocumentFormat = "markdown", glossary: Glossary | None = None
) -> list[Placeable]:
    """Placeables of ``text`` sorted by position, never overlapping."""
    return [placeable for placeable, _ in find_spans(text, fmt, glossary)]


# -- comparison keys ------------------------------------------------------------------------------
#: Attributes whose value is text a translator may translate, on the inline tags that carry
#: it (``<abbr title="…">``, ``<img alt="…">``): compared by presence, not value, as long
#: as the value is plain text (no markup, no script URL).
TRANSLATABLE_ATTRIBUTES = frozenset({"title", "alt"})
TEXT_ATTRIBUTE_TAGS = frozenset({"abbr", "acronym", "dfn", "img", "a", "span", "q", "cite", "time"})
_NOT_TEXT = re.compile(r"[<>]|^\s*(?:javascript|vbscript|data):", re.IGNORECASE)


def _tag_key(tag: str) -> str:
    """An HTML tag normalised: lower-case name, attributes sorted, values unescaped.

    The text of a translatable attribute (``title``, ``alt`` on allow-listed tags) is left
    out: a translation may translate it.
    """
    match = HTML_TAG.fullmatch(tag)
    if match is None:
        return tag
    closing = "/" if tag.startswith("</") else ""
    text_attributes = match.group(1).lower() in TEXT_ATTRIBUTE_TAGS
    attrs = []
    for name, value in _ATTR_PARTS.findall(match.group(2)):
        value = html.unescape(value[1:-1] if value[:1] in "\"'" and value else value)
        if text_attributes and name.lower() in TRANSLATABLE_ATTRIBUTES and not _NOT_TEXT.search(value):
            value = "(text)"
        attrs.append(f"{name.lower()}={value}")
    return "<" + closing + " ".join([match.group(1).lower(), *sorted(attrs)]) + ">"


def placeable_key(placeable: Placeable) -> tuple[str, str]:
    """What must be equal between source and translation (width and spacing of citations aside)."""
    return _key(placeable.kind, placeable.text)


@lru_cache(maxsize=8192)
def _key(kind: str, text: str) -> tuple[str, str]:
    """``placeable_key`` by content: the same few citations and tags recur in every catalog."""
    if kind == "citation":
        text = unicodedata.normalize("NFKC", text)
        text = re.sub(r"\s+", "", text).replace("，", ",").replace("、", ",")
        text = re.sub(r"[–—~〜]", "-", text)
    elif kind == "markup" and text.startswith("<") and not text.startswith("<!--"):
        text = _tag_key(text)
    elif kind == "term":
        text = unicodedata.normalize("NFKC", text).casefold()
    return (kind, text)


# -- translator comments ---------------------------------------------------------------------------
def _comment_items(placeables: list[Placeable], text: str) -> Iterator[str]:
    """What a translator needs to see: citation runs joined, URLs of links, not bare delimiters."""
    run: list[Placeable] = []
    for placeable in placeables + [Placeable("end", "", len(text) + 1, len(text) + 1)]:
        if run and (placeable.kind != "citation" or placeable.start != run[-1].end):
            yield "".join(p.text for p in run)
            run = []
        if placeable.kind == "citation":
            run.append(placeable)
        elif placeable.kind in ("url", "email", "code", "variable"):
            yield placeable.text
        elif placeable.kind == "markup":
            yield from _markup_urls(placeable.text)


def _markup_urls(text: str) -> Iterator[str]:
    link = re.fullmatch(rf"\]\(\s*({_LINK_URL}){_LINK_TITLE}\s*\)", text)
    if link:
        if link.group(1):
            yield link.group(1).strip("<>")
        return
    match = HTML_TAG.fullmatch(text)
    if match:
        for name, value in _ATTR_PARTS.findall(match.group(2)):
            if name.lower() in ("href", "src") and value:
                yield html.unescape(value.strip("\"'"))


def placeables_comment(
    text: str, fmt: DocumentFormat = "markdown", glossary: Glossary | None = None
) -> str | None:
    """SPEC section 8's ``#. placeables:`` text, or None when the sentence has none."""
    placeables = [p for p in find_placeables(text, fmt, glossary) if p.kind != "term"]
    items = list(dict.fromkeys(_comment_items(placeables, text)))
    return " · ".join(items) if items else None


def terms_comment(text: str, glossary: Glossary | None, locale: LocaleInfo | None) -> str | None:
    """SPEC section 8's ``#. terms:`` text; ``locale`` None gives the POT form (no targets)."""
    if glossary is None:
        return None
    items: list[str] = []
    for match in glossary.find(text):
        term = match.term
        if term.keep:
            item = f"{term.source} (keep)"
        else:
            target = " | ".join(term.targets_for(locale)) if locale is not None else None
            item = f"{term.source} -> {target}" if target else term.source
            forbidden = term.forbidden_for(locale) if locale is not None else ()
            if forbidden:
                item += " (not: " + ", ".join(forbidden) + ")"
        if item not in items:
            items.append(item)
    return " · ".join(items) if items else None


# -- markup safety ----------------------------------------------------------------------------------
_UNSAFE_TAGS = frozenset(
    ["script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "meta", "link", "base", "form", "input", "button", "textarea", "select", "option", "svg", "math", "template", "noscript", "xmp", "plaintext"]
)
_VOID_TAGS = frozenset(["br", "wbr", "img", "hr", "area", "col", "embed", "input", "source", "track"])
_BAD_SCHEME = re.compile(r"^(?:javascript|vbscript|data|livescript):", re.IGNORECASE)
_STRAY_TAG_START = re.compile(r"<[A-Za-z/!?]")


def _hide(pattern: re.Pattern[str], text: str) -> str:
    """``text`` with every match of ``pattern`` filled over, offsets unchanged."""
    return pattern.sub(lambda m: _FILL * len(m.group()), text)


def _outside_code(text: str, fmt: DocumentFormat) -> str:
    """``text`` with code and comments hidden: markup inside them is shown, never rendered."""
    view = _hide(_CODE_SPAN, text) if fmt == "markdown" else text
    return _hide(_HTML_COMMENT, _hide(_HTML_CODE, view))


def _tags(text: str, fmt: DocumentFormat) -> list[re.Match[str]]:
    """Inline HTML tags outside code (raw HTML counts in Markdown too)."""
    return list(HTML_TAG.finditer(_outside_code(text, fmt)))


def _link_urls(text: str, fmt: DocumentFormat) -> list[str]:
    if fmt != "markdown":
        return []
    view = _hide(_CODE_SPAN, text)
    urls = [m.group(4).strip("<>") for m in MD_LINK.finditer(view)]
    urls += [m.group()[1:-1] for m in _AUTOLINK.finditer(view)]
    return urls


def markup_signature(text: str, fmt: DocumentFormat = "markdown") -> Counter[str]:
    """Normalised inline tags (with attributes) and Markdown link targets of ``text``."""
    signature: Counter[str] = Counter(_tag_key(m.group()) for m in _tags(text, fmt))
    signature.update("link:" + url for url in _link_urls(text, fmt))
    return signature


def _dangerous_url(value: str) -> bool:
    cleaned = re.sub(r"[\s\x00-\x1f]+", "", html.unescape(value))
    return bool(_BAD_SCHEME.match(cleaned))


def _tag_problems(match: re.Match[str]) -> Iterator[str]:
    name = match.group(1).lower()
    if name in _UNSAFE_TAGS:
        yield f"forbidden tag <{name}>"
    for attr, value in _ATTR_PARTS.findall(match.group(2)):
        if attr.lower().startswith("on"):
            yield f"event-handler attribute {attr} on <{name}>"
        elif value and _dangerous_url(value.strip("\"'")):
            yield f"script URL in {attr} of <{name}>"


def _balanced(tags: list[re.Match[str]]) -> bool:
    stack: list[str] = []
    for match in tags:
        name = match.group(1).lower()
        if name in _VOID_TAGS or match.group().endswith("/>"):
            continue
        if match.group().startswith("</"):
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    return not stack


def markup_problems(source: str, translation: str, fmt: DocumentFormat = "markdown") -> list[str]:
    """Why ``translation``'s markup is unsafe to render; empty when it is safe."""
    if "<" not in translation and (fmt != "markdown" or "](" not in translation):
        return []  # no tag, no link, no stray "<": nothing ``_markup_problems`` looks for
    return _markup_problems(source, translation, fmt)


def _markup_problems(source: str, translation: str, fmt: DocumentFormat) -> list[str]:
    problems: list[str] = []
    tags = _tags(translation, fmt)
    for match in tags:
        problems.extend(_tag_problems(match))
    problems.extend(f"script URL {url!r}" for url in _link_urls(translation, fmt) if _dangerous_url(url))
    extra = markup_signature(translation, fmt) - markup_signature(source, fmt)
    problems.extend(f"markup the source lacks: {key}" for key in sorted(extra))
    if not _balanced(tags) and _balanced(_tags(source, fmt)):
        problems.append("unbalanced inline tags")
    stray = len(_STRAY_TAG_START.findall(_outside_code(translation, fmt))) - len(
        _STRAY_TAG_START.findall(_outside_code(source, fmt))
    )
    if stray > 0 and not extra:
        problems.append("a '<' that could start a tag the source lacks")
    return list(dict.fromkeys(problems))


def is_markup_safe(source: str, translation: str, fmt: DocumentFormat = "markdown") -> bool:
    """True when ``translation`` uses only its source's inline markup and nothing executable."""
    return not markup_problems(source, translation, fmt)
