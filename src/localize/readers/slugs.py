"""An article's slug without reading the whole article: its front matter only.

Shards (SPEC section 11) must know every article's slug to find their own, and
parsing each body just to throw it away would cost every shard the whole
project's reading time.
"""

from __future__ import annotations

from pathlib import Path

from localize.project import Project, check_slug
from localize.readers import document_format
from localize.readers.frontmatter import split_front_matter
from localize.readers.text import read_source_text


def article_slug(project: Project, path: Path) -> str:
    """The slug ``read_document`` would give the article at ``path`` (front matter, else its path)."""
    origin = project.relative(path)
    if document_format(path, origin) == "markdown":
        front = split_front_matter(read_source_text(path, origin), origin)
        if "slug" in front.data:
            return check_slug(front.data["slug"], origin, front.key_lines.get("slug"))
    return project.default_slug(path)
