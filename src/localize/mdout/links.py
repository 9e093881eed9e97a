"""``[markdown] rewrite_links = true``: links between articles point at the same locale's file.

A relative link (inline ``](b.md)`` or a reference definition ``[b]: b.md``)
whose target is another article's source file is pointed at that article's
file in the page's locale when that file is built; otherwise it stays as
written and the generator falls back as it does by itself. Only the
destination's bytes change; code is never touched.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence
from urllib.parse import quote, unquote, urlsplit

from localize.locales import LocaleInfo
from localize.mdout.layouts import Layout
from localize.mdout.writer import Edit
from localize.model import Document
from localize.readers.references import blank_code_spans
from localize.site.plan import ArticlePlan

_INLINE = re.compile(r"\]\([ \t]*(<[^>\n]*>|[^\s)<]+)")
_DEFINITION = re.compile(r"^[ \t>]*\[(?:[^\]\\\n]|\\.)+\]:[ \t]*(<[^>\n]*>|\S+)", re.MULTILINE)
_FENCE = re.compile(r"^[ \t>]*(`{3,}|~{3,})", re.MULTILINE)


class Relinker:
    """The destination rewrite for one localized file; remembers which articles it linked to."""

    def __init__(self, plan: ArticlePlan, locale: LocaleInfo, layout: Layout,
                 article_files: Mapping[str, Mapping[str, str]]) -> None:
        self.source_dir = posixpath.dirname(plan.content_rel)
        self.own_dir = posixpath.dirname(layout.path(plan.content_rel, plan.slug, locale))
        self.locale = locale
        self.article_files = article_files  # content-relative source -> posix locale -> path under out
        self.linked: set[str] = set()

    def __call__(self, url: str) -> str | None:
        bracketed = url.startswith("<") and url.endswith(">")
        bare = url[1:-1] if bracketed else url
        parts = urlsplit(bare)
        if not parts.path or parts.scheme or parts.netloc or parts.path.startswith("/"):
            return None
        target = posixpath.normpath(posixpath.join(self.source_dir, unquote(parts.path)))
        files = self.article_files.get(target)
        if files is None:
            return None
        self.linked.add(target)
        path = files.get(self.locale.posix)
        if path is None:
            return None
        new = quote(posixpath.relpath(path, self.own_dir or "."), safe="/.-_~")
        new += ("?" + parts.query if parts.query else "") + ("#" + parts.fragment if parts.fragment else "")
        if bracketed:
            new = f"<{new}>"
        return None if new == url else new


def rewrite_text(text: str, relink: Relinker) -> str:
    """``text`` with its inline link destinations rewritten (code spans left alone)."""
    masked = blank_code_spans(text)
    pieces, last = [], 0
    for match in _INLINE.finditer(masked):
        new = relink(text[match.start(1) : match.end(1)])
        if new is not None:
            pieces += [text[last : match.start(1)], new]
            last = match.end(1)
    return "".join(pieces) + text[last:] if pieces else text


def link_edits(document: Document, edits: Sequence[Edit], plan: ArticlePlan, locale: LocaleInfo,
               layout: Layout, article_files: Mapping[str, Mapping[str, str]]) -> tuple[list[Edit], set[str]]:
    """``edits`` with destinations rewritten inside them, plus edits for those outside them."""
    relink = Relinker(plan, locale, layout, article_files)
    text = document.text
    result = [Edit(e.start, e.end, rewrite_text(e.text, relink)) for e in edits]
    covered = sorted((e.start, e.end) for e in edits if e.end > e.start)
    masked = _mask_code(text)
    for pattern in (_INLINE, _DEFINITION):
        for match in pattern.finditer(masked):
            start, end = match.start(1), match.end(1)
            if any(s <= start < e for s, e in covered):
                continue
            new = relink(text[start:end])
            if new is not None:
                result.append(Edit(start, end, new))
    return result, relink.linked


def _mask_code(text: str) -> str:
    """``text`` with code spans and fenced code blocks blanked out (same length)."""
    masked = blank_code_spans(text)
    pieces, last, position = [], 0, 0
    while True:
        opener = _FENCE.search(masked, position)
        if opener is None:
            break
        fence = opener.group(1)
        closer = re.compile(r"^[ \t>]*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$",
                            re.MULTILINE)
        end_match = closer.search(masked, opener.end())
        end = end_match.end() if end_match is not None else len(masked)
        pieces += [masked[last : opener.start()], re.sub(r"[^\n]", " ", masked[opener.start() : end])]
        last = position = end
    return "".join(pieces) + masked[last:]
