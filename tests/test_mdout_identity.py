"""Byte fidelity of localized Markdown (SPEC section 10), on fixtures modelled on real documentation.

With every msgstr equal to its msgid, a localized file is the source file byte
for byte apart from the front-matter keys localize adds; and when every block
is substituted anyway (the writer forced to write the msgids back), the file
still renders to the same HTML: spans, prefixes, escapes and reference links
land where they came from.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent / "data" / "mdout"))

from mdkit import FIXTURES, identity, md_project, write_catalog  # noqa: E402

from localize.mdout import build_markdown  # noqa: E402
from localize.mdout.writer import SourceFile, block_edits  # noqa: E402
from localize.readers.frontmatter import locate_front_matter  # noqa: E402
from localize.readers.markdown import markdown_parser, read_markdown  # noqa: E402
from localize.readers.text import decode_source  # noqa: E402
from localize.segmentation import segment_document  # noqa: E402

KEYS = ("tags", "keywords", "categories", "authors", "nav")
_ADDED = re.compile(r"^(?:translationKey: .*\r?\n|localize:\r?\n(?:  .*\r?\n){6})", re.MULTILINE)


def fixture_variants() -> list[tuple[str, bytes]]:
    """Every fixture as written (LF), with CRLF line ends, and with a BOM and CRLF."""
    variants = []
    for path in sorted(FIXTURES.glob("*.md")):
        data = path.read_bytes()
        variants.append((path.name, data))
        variants.append((path.stem + "-crlf.md", data.replace(b"\n", b"\r\n")))
    first = sorted(FIXTURES.glob("*.md"))[0]
    variants.append(("bom-crlf.md", b"\xef\xbb\xbf" + first.read_bytes().replace(b"\n", b"\r\n")))
    return variants


VARIANTS = fixture_variants()


def source_locale(data: bytes) -> str:
    return "zh-Hant-TW" if re.search("[\u4e00-\u9fff]", data.decode("utf-8")) else "en"


def without_added_keys(data: bytes, source: bytes) -> bytes:
    text = _ADDED.sub("", data.decode("utf-8"))
    if not source.decode("utf-8").lstrip("\ufeff").startswith("---"):
        text = re.sub(r"^(\ufeff?)---\r?\n---\r?\n", r"\1", text)
    return text.encode("utf-8")


@pytest.mark.parametrize(("name", "data"), VARIANTS, ids=[name for name, _ in VARIANTS])
def test_identity_catalogs_reproduce_the_source_byte_for_byte(tmp_path: Path, name: str, data: bytes) -> None:
    source = source_locale(data)
    target = "ja" if source == "en" else "en"
    project = md_project(tmp_path, {name: data}, source=source, targets=(target,),
                         front_matter_keys=list(KEYS), markdown={"layout": "mkdocs-folder"})
    slug = Path(name).stem
    write_catalog(project, slug, target, identity, content_rel=name)
    report = build_markdown(project)
    lang = {"ja": "ja", "en": "en"}[target]
    out = report.out / "docs" / lang / name
    assert (slug, project.settings.target_locales[0].bcp47, f"docs/{lang}/{name}") in report.files
    written = out.read_bytes()
    assert written != data  # the provenance keys were added ...
    assert without_added_keys(written, data) == data  # ... and nothing else changed


@pytest.mark.parametrize(("name", "data"), VARIANTS, ids=[name for name, _ in VARIANTS])
def test_every_block_has_a_span_over_its_source_text(name: str, data: bytes) -> None:
    text = decode_source(data, name)
    document = read_markdown(text, name, KEYS)
    assert document.blocks
    for block in document.blocks:
        assert block.span is not None, (block.kind, block.text)
        start, end = block.span
        assert 0 <= start < end <= len(text)
        if block.kind in ("title", "description", "front_matter"):  # a YAML scalar
            assert squeeze(str(yaml.safe_load(text[start:end]))) == squeeze(block.text)
        elif block.kind != "table_cell":  # cells unescape \| in msgids
            assert text[start:end].startswith(block.text[:1])


def squeeze(text: str) -> str:
    """Text without whitespace: YAML folds a line break into a space, even between CJK characters."""
    return re.sub(r"\s+", "", text)


def rendered(text: str) -> str:
    """The body's HTML with all whitespace removed (soft breaks and joins differ by design), and
    without the ids made from heading text (their spacing follows the text's)."""
    _, body, _ = locate_front_matter(text, "x")
    return re.sub(r"\s+", "", re.sub(r' id="[^"]*"', "", markdown_parser().render(body)))


def front_data(text: str) -> object:
    yaml_text, _, _ = locate_front_matter(text, "x")
    data = yaml.safe_load(yaml_text or "") or {}

    def plain(value: object) -> object:
        if isinstance(value, str):
            return squeeze(value)
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    return plain(data)


def force_substitution(data: bytes, name: str) -> str:
    """Every block written back from its msgids, as if each were translated."""
    from localize.locales import parse_locale
    from localize.mdout.render import is_markdown_text, join

    raw = data.decode("utf-8")
    text = decode_source(data, name)
    document = read_markdown(text, name, KEYS)
    locale = parse_locale(source_locale(data))
    by_block: dict[int, list[str]] = {}
    for segment in segment_document(document, locale):
        by_block.setdefault(segment.block, []).append(segment.text)
    markdown = {block.index for block in document.blocks if is_markdown_text(block.kind)}
    texts = {index: join(locale, sentences, index in markdown) for index, sentences in by_block.items()}
    env: dict = {}
    markdown_parser().parse(locate_front_matter(text, name)[1], env)
    edits = block_edits(document, texts, lambda: env.get("references", {}))
    return SourceFile(raw, document).apply(edits)


@pytest.mark.parametrize(("name", "data"), VARIANTS, ids=[name for name, _ in VARIANTS])
def test_substituted_msgids_render_as_the_source_does(name: str, data: bytes) -> None:
    written = force_substitution(data, name)
    source = decode_source(data, name)
    normalized = decode_source(written.encode("utf-8"), name)
    assert rendered(normalized) == rendered(source)
    assert front_data(normalized) == front_data(source)
    if b"\r\n" in data:
        assert "\n" not in written.replace("\r\n", "")  # line ends stay CRLF
