"""Reading and writing gettext catalogs with one policy (SPEC section 8).

Every catalog the tool writes goes through ``save_po``: no wrapping (CJK text
has no spaces to wrap at), deterministic bytes, atomic replacement, and no
write at all when the bytes would not change, so a no-op run touches nothing.
"""

from __future__ import annotations

import codecs
import os
import re
import time
from collections.abc import Mapping
from pathlib import Path

import polib

from localize.errors import InputError
from localize.fileio import write_if_changed
from localize.locales import LocaleInfo
from localize.statmemo import remembered_listing

#: Header fields a translator (or their editor) owns; merges keep them as they are.
TRANSLATOR_FIELDS = ("PO-Revision-Date", "Last-Translator", "Language-Team")
#: Header fields the tool regenerates on every merge.
TOOL_FIELDS = (
    "Project-Id-Version",
    "POT-Creation-Date",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Plural-Forms",
)
MACHINE_PREFIX = "machine translation: "
PREVIOUS_PREFIX = "previous translation: "
_SYNTAX_LINE = re.compile(r"\(line (\d+)\)")
_CHARSET = re.compile(r"charset=[\w.:-]+", re.IGNORECASE)
_CHARSET_BYTES = re.compile(rb"charset=([\w.:-]+)", re.IGNORECASE)
# polib writes an obsolete entry's previous msgid as "#~| msgid" but skips such
# lines when reading; as "#| " they parse onto the (obsolete) entry that follows.
_OBSOLETE_PREVIOUS = re.compile(r"^#~\|", re.MULTILINE)
_KEYWORD_LINE = re.compile(r"^(?:#~\|?|#\|)?\s*(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)(?=\s|\")(.*)$")
_STRING_LINE = re.compile(r'^(?:#~\|?|#\|)?\s*(".*)$')
_QUOTED = re.compile(r'^"(?:[^"\\]|\\.)*"$')
_ESCAPE = re.compile(r"\\(.)")
#: The escapes polib reads back as written; any other (\a, octal, \x41, \q) it keeps as a
#: literal backslash and writes back as ``\\``, silently changing the text.
_ROUND_TRIP_ESCAPES = frozenset('\\ntrvbf"')
# A line _check_strings accepts by its look alone: blank, a comment other than #~/#|, or one
# closed string with round-trip escapes after an optional prefix and keyword. Characters at
# which str.splitlines also breaks are never matched, so a file holding one goes line by line.
_NO_BREAK = r"\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_PROVEN_LINE = (rf'[ \t]*+(?:#(?![~|])[^{_NO_BREAK}]*+|(?:(?:#~\|?|#\|)?[ \t]*+'
                r'(?:(?:msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)[ \t]*+)?'
                rf'"(?:[^"\\{_NO_BREAK}]++|\\[\\ntrvbf"])*+"[ \t]*+)?)')
_PROVEN_TEXT = re.compile(rf"(?:{_PROVEN_LINE}\n)*+{_PROVEN_LINE}")
_NEEDS_ESCAPE = re.compile(r'[\\\t\r\n\v\b\f"]')  # what polib.escape replaces (\b: backspace here)


def load_po(path: Path) -> polib.POFile:
    """Parse a PO/POT file; InputError naming file and line when it is not valid gettext."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("no such file", path) from exc
    charset = _declared_charset(raw)
    try:
        text = raw.decode(charset)
    except UnicodeDecodeError as exc:
        where = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"not valid {'UTF-8' if charset == 'utf-8' else charset}", path, where) from exc
    if "\x00" in text:
        raise InputError("contains NUL bytes", path, text[: text.index("\x00")].count("\n") + 1)
    if not text.lstrip("\ufeff").strip():
        raise InputError("empty file: no catalog header or entries", path, 1)
    _check_strings(text, path)
    try:
        po = parse_po_text(text)
    except (OSError, ValueError) as exc:
        match = _SYNTAX_LINE.search(str(exc))
        message = _SYNTAX_LINE.sub("", str(exc)).replace("Syntax error in po file", "syntax error")
        message = " ".join(message.replace(str(path), "").replace(" :", ":").split())
        raise InputError(
            f"malformed PO: {message}", path, int(match.group(1)) if match else None
        ) from exc
    _check_duplicates(po, path)
    po.wrapwidth = 0
    if charset != "utf-8" and "Content-Type" in po.metadata:  # read converted, written as UTF-8
        po.metadata["Content-Type"] = _CHARSET.sub("charset=UTF-8", po.metadata["Content-Type"])
    return po


def _declared_charset(raw: bytes) -> str:
    """The header's ``charset=`` as a Python codec name (gettext reads any it declares);
    UTF-8 when none, CHARSET (a fresh POT) or an unknown one is declared."""
    match = _CHARSET_BYTES.search(raw[:4096])
    if match is None:
        return "utf-8"
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return "utf-8"
    return "utf-8" if name in ("utf-8", "ascii") else name


def _check_strings(text: str, path: Path) -> None:
    """Every msgid/msgstr/continuation line holds exactly one closed string (polib lets
    an unterminated one pass; msgfmt does not).

    One regex match proves a whole file of ordinary lines valid (a fifth of the cost of
    going line by line); only a file with a line it cannot vouch for is read line by
    line, which alone decides and words the error.
    """
    if not proven_well_quoted(text):
        _check_lines(text, path)


def proven_well_quoted(text: str) -> bool:
    """True when every line is one ``_check_lines`` passes by its look alone; False: not proven."""
    return _PROVEN_TEXT.fullmatch(text) is not None


def _check_lines(text: str, path: Path) -> None:
    """The line-by-line check: it alone decides, and names the line of, an error."""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or (line.startswith("#") and not line.startswith(("#~", "#|"))):
            continue
        keyword = _KEYWORD_LINE.match(line)
        string = keyword.group(2).strip() if keyword else None
        if string is None:
            plain = _STRING_LINE.match(line)
            string = plain.group(1).strip() if plain else None
        if string is None:
            continue
        if not _QUOTED.match(string):
            raise InputError("malformed PO: unterminated or invalid string", path, number)
        for escape in _ESCAPE.finditer(string[1:-1]):
            if escape.group(1) not in _ROUND_TRIP_ESCAPES:
                raise InputError(
                    f"malformed PO: unsupported escape \\{escape.group(1)}", path, number
                )


def parse_po_text(text: str) -> polib.POFile:
    """polib's parser with the no-wrap policy and obsolete previous msgids kept."""
    text = _OBSOLETE_PREVIOUS.sub("#|", text)
    return polib.pofile(text, wrapwidth=0, encoding="utf-8", check_for_duplicates=False)


def _check_duplicates(po: polib.POFile, path: Path) -> None:
    """gettext needs unique msgids (per msgctxt) among live entries and among obsolete ones,
    and msgstr[n] exactly when there is a msgid_plural."""
    seen: set[tuple[bool, str | None, str]] = set()
    for entry in po:
        if bool(entry.msgid_plural) != bool(entry.msgstr_plural) and (
            entry.msgstr or entry.msgstr_plural
        ):
            raise InputError(
                "malformed PO: msgid_plural needs msgstr[n], and msgstr[n] a msgid_plural",
                path,
                entry.linenum or None,
            )
        key = (entry.obsolete, entry.msgctxt, entry.msgid)
        if key in seen:
            raise InputError(
                f"malformed PO: duplicate msgid {entry.msgid[:60]!r}", path, entry.linenum
            )
        seen.add(key)


def po_bytes(po: polib.POFile) -> bytes:
    """The canonical serialisation: exactly what polib's writer gives with wrapping off.

    Why not ``str(po)``: polib works out line wrapping for every field even when it is
    off, which made writing most of a merge's cost. ``po_text`` is polib's writer with
    the wrapping branches (dead at width 0) left out; tests hold it to ``str(po)``.
    """
    po.wrapwidth = 0
    return po_text(po).encode("utf-8")


def po_text(po: polib.POFile) -> str:
    """``str(po)`` at wrap width 0 (polib's ``POFile.__unicode__``), entry by entry."""
    header = "".join(
        "#\n" if not line else f"#{line}\n" if line[:1] in (",", ":") else f"# {line}\n"
        for line in po.header.split("\n")
    )
    entries = [po.metadata_as_entry(), *(e for e in po if not e.obsolete), *(e for e in po if e.obsolete)]
    return header + "\n".join(_entry_text(entry) for entry in entries)


def _entry_text(entry: polib.POEntry) -> str:
    """polib's ``POEntry.__unicode__(wrapwidth=0)``."""
    if type(entry) is not polib.POEntry:  # a subclass may write itself differently
        return entry.__unicode__(0)
    out: list[str] = []
    obsolete = entry.obsolete
    if entry.tcomment:
        out += ["# " + line for line in entry.tcomment.split("\n")]
    if not obsolete:
        if entry.comment:
            out += ["#. " + line for line in entry.comment.split("\n")]
        if entry.occurrences:
            out.append("#: " + " ".join(f"{path}:{line}" if line else path for path, line in entry.occurrences))
    if entry.flags:
        out.append("#, " + ", ".join(entry.flags))
    previous = "#~| " if obsolete else "#| "
    for name, value in (("msgctxt", entry.previous_msgctxt), ("msgid", entry.previous_msgid),
                        ("msgid_plural", entry.previous_msgid_plural)):
        if value is not None:
            _field(out, previous, name, value)
    mark = "#~ " if obsolete else ""
    if entry.msgctxt is not None:
        _field(out, mark, "msgctxt", entry.msgctxt)
    _field(out, mark, "msgid", entry.msgid)
    if entry.msgid_plural:
        _field(out, mark, "msgid_plural", entry.msgid_plural)
    if entry.msgstr_plural:
        for index in sorted(entry.msgstr_plural):
            _field(out, mark, f"msgstr[{index}]", entry.msgstr_plural[index])
    else:
        _field(out, mark, "msgstr", entry.msgstr)
    out.append("")
    return "\n".join(out)


def _field(out: list[str], mark: str, name: str, value: str) -> None:
    """polib's ``_str_field`` unwrapped: a multi-line value starts with an empty string."""
    lines = value.splitlines(True)
    if len(lines) <= 1:
        out.append(f'{mark}{name} "{_escape(value)}"')
        return
    out.append(f'{mark}{name} ""')
    out += [f'{mark}"{_escape(line)}"' for line in lines]


def _escape(text: str) -> str:
    """``polib.escape``; one search first, since most strings hold nothing to escape."""
    return polib.escape(text) if _NEEDS_ESCAPE.search(text) else text


def save_po(po: polib.POFile, path: Path) -> bool:
    """Write atomically, only if the bytes differ; True when the file was written."""
    return write_if_changed(Path(path), po_bytes(po))


def mark_machine(entry: polib.POEntry, translation: str, engine: str) -> None:
    """Store an engine's (or the memory's) translation as a machine entry.

    Refuses a reviewed entry: the tool never rewords a reviewed translation.
    A stale translation being replaced is kept as ``# previous translation: ...``.
    """
    if entry.msgstr and "fuzzy" not in entry.flags:
        raise ValueError(f"refusing to overwrite the reviewed translation of {entry.msgid!r}")
    old = entry.msgstr
    lines = [
        line
        for line in (entry.tcomment or "").splitlines()
        if not line.startswith(MACHINE_PREFIX)
    ]
    if old and old != translation:
        keep = PREVIOUS_PREFIX + " ".join(old.split("\n"))
        if keep not in lines:
            lines.append(keep)
    lines.insert(0, MACHINE_PREFIX + engine)
    entry.tcomment = "\n".join(lines)
    entry.msgstr = translation
    entry.previous_msgid = None
    entry.previous_msgid_plural = None
    entry.previous_msgctxt = None
    set_fuzzy(entry, True)


def set_fuzzy(entry: polib.POEntry, fuzzy: bool) -> None:
    """Add or drop the fuzzy flag; fuzzy goes first, as gettext writes it."""
    others = [flag for flag in entry.flags if flag != "fuzzy"]
    entry.flags = (["fuzzy"] if fuzzy else []) + others


def add_translator_comment(entry: polib.POEntry, line: str) -> None:
    """Append one translator comment line unless it is there already."""
    lines = (entry.tcomment or "").splitlines()
    if line not in lines:
        lines.append(line)
    entry.tcomment = "\n".join(lines)


def now_stamp() -> str:
    """A gettext date; SOURCE_DATE_EPOCH (reproducible builds) wins over the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = int(epoch) if epoch and epoch.isdigit() else int(time.time())
    return time.strftime("%Y-%m-%d %H:%M+0000", time.gmtime(seconds))


def catalog_header(
    slug: str,
    locale: LocaleInfo | None,
    creation_date: str,
    previous: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Header fields in a fixed order: tool fields regenerated, every other field kept.

    ``locale`` None makes a POT header (no Language, generic Plural-Forms).
    """
    fields: dict[str, str] = {
        "Project-Id-Version": slug,
        "POT-Creation-Date": creation_date,
    }
    kept = dict(previous or {})
    for name in TRANSLATOR_FIELDS:
        if name in kept:
            fields[name] = kept[name]
    fields["Language"] = locale.posix if locale is not None else ""
    fields["MIME-Version"] = "1.0"
    fields["Content-Type"] = "text/plain; charset=UTF-8"
    fields["Content-Transfer-Encoding"] = "8bit"
    fields["Plural-Forms"] = (
        _plural_forms(locale.plural_forms, kept.get("Plural-Forms"))
        if locale is not None
        else "nplurals=INTEGER; plural=EXPRESSION;"
    )
    if locale is None:
        del fields["Language"]
        del fields["Plural-Forms"]
    for name, value in kept.items():
        if name not in fields and name not in TOOL_FIELDS:
            fields[name] = value
    return fields


_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


def _plural_forms(generated: str, previous: str | None) -> str:
    """The catalog's own Plural-Forms while it has the locale's number of forms, as msgmerge
    keeps it: the formula babel spells differs between its versions (CLDR updates), and a
    fresh clone must not rewrite tracked catalogs for that."""
    if previous:
        old, new = _NPLURALS.search(previous), _NPLURALS.search(generated)
        if old and new and old.group(1) == new.group(1):
            return previous
    return generated


def new_catalog(metadata: Mapping[str, str], header_comment: str = "") -> polib.POFile:
    """An empty catalog with the no-wrap policy and the given header."""
    po = polib.POFile(wrapwidth=0, check_for_duplicates=False)
    po.metadata = dict(metadata)
    po.header = header_comment
    po.metadata_is_fuzzy = []
    return po


def po_files_under(base: Path, suffix: str = ".po") -> dict[str, Path]:
    """Slug -> path of every ``*<suffix>`` file under ``base``, sorted by slug, as ``Path.rglob``
    finds them (symlinked directories are not entered): walked with ``os.scandir`` on strings,
    since a project's thousands of catalogs made pathlib's objects a cost of every run, and
    walked once while a stat memo holds (``statmemo.stat_memo``: each stage of a run lists them)."""
    root = os.fspath(base)
    return dict(remembered_listing(root, suffix, lambda: _walk(root, suffix)))


def _walk(root: str, suffix: str) -> dict[str, Path]:
    found: dict[str, str] = {}
    pending = [(root, "")]
    while pending:
        directory, prefix = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.is_dir() and not entry.is_symlink():
                pending.append((entry.path, f"{prefix}{entry.name}/"))
            elif entry.name.endswith(suffix) and len(entry.name) > len(suffix):
                found[f"{prefix}{entry.name[:-len(suffix)]}"] = entry.path
    return {slug: Path(path) for slug, path in sorted(found.items())}
