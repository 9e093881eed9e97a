"""The page model handed to the Jinja2 template, and the template itself.

The built-in template is ``localize/templates/page.html``; ``template`` in
localize.toml names a replacement (path relative to the project) that receives
the same ``page`` object. It must lie inside the project (symlinks followed)
and renders in Jinja2's ``SandboxedEnvironment``: a template that reaches for
Python internals (``cycler.__init__.__globals__``) is refused, exit 2.
Autoescaping is on: only ``page.body`` and ``page.title_html``, built from
escaped pieces, are Markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from localize.containment import is_contained
from localize.errors import InputError

if TYPE_CHECKING:
    import jinja2

BUILTIN_TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "page.html"


@dataclass(frozen=True)
class Alternate:
    """A ``<link rel="alternate" hreflang>``: hreflang value and absolute URL."""

    hreflang: str
    href: str


@dataclass(frozen=True)
class SwitcherItem:
    """One language-switcher entry, labelled in its own language."""

    label: str
    lang: str
    hreflang: str | None
    href: str
    current: bool


@dataclass(frozen=True)
class Notice:
    text: str
    lang: str
    dir: str = "ltr"


@dataclass(frozen=True)
class PageModel:
    """Everything a template needs for one page."""

    lang: str
    dir: str
    slug: str
    title: str
    title_html: Markup
    show_title: bool
    description: str
    canonical: str
    alternates: tuple[Alternate, ...]
    noindex: bool
    og_locale: str
    og_alternates: tuple[str, ...]
    notice: Notice | None
    switcher: tuple[SwitcherItem, ...]
    body: Markup
    source_lang: str


@dataclass(frozen=True)
class PageTemplate:
    """A template's source and the digest of its bytes (part of every page's input key).

    Compiled on first use: a build whose pages all stand (a no-op) never imports Jinja2.
    """

    source: str
    fingerprint: str
    path: str = ""

    @cached_property
    def template(self) -> jinja2.Template:
        """The compiled template; a syntax error is an InputError naming the line."""
        import jinja2

        try:
            return _environment().from_string(self.source)
        except jinja2.TemplateSyntaxError as exc:
            raise InputError(f"template syntax error: {exc.message}", self.path, exc.lineno) from exc

    def __getstate__(self) -> dict[str, str]:
        """Pickled without the compiled template: a worker started afresh compiles its own."""
        return {"source": self.source, "fingerprint": self.fingerprint, "path": self.path}

    def check(self) -> PageTemplate:
        """Compile now (see ``template``)."""
        _ = self.template
        return self

    def render(self, page: PageModel) -> bytes:
        from jinja2.exceptions import SecurityError

        try:
            text = self.template.render(page=page)
        except SecurityError as exc:
            raise InputError(f"unsafe template: {exc}", self.path) from exc
        if not text.endswith("\n"):
            text += "\n"
        return text.encode("utf-8")


def load_template(root: Path, name: str, compiled: bool = True) -> PageTemplate:
    """The project's template (``name`` relative to ``root``) or the built-in one; ``compiled``
    False leaves compiling (and its syntax errors) to the first page rendered."""
    import hashlib

    path = (root / name) if name else BUILTIN_TEMPLATE
    if name and not is_contained(root, path):
        raise InputError("template lies outside the project (a template must be a project file)",
                         name)
    try:
        source = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise InputError("template not found", path) from exc
    except UnicodeDecodeError as exc:
        raise InputError("template is not valid UTF-8", path) from exc
    template = PageTemplate(source, hashlib.sha256(source.encode("utf-8")).hexdigest(), str(path))
    return template.check() if compiled else template


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
