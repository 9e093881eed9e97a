"""Property tests of the merge invariants (issue 4), on in-memory catalogs.

Random sequences of source edits (add, delete, change words, renumber
citations, move) and translator edits (translate, edit, unfuzzy, comment,
waiver) interleaved with merges. Every translation a translator wrote carries
a unique token ``T<n>`` and every comment a token ``C<n>``, so "never lost" is
checked by finding the token again.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import polib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from localize.catalog.merge import SourceEntry, citation_key, merge_catalog, renumber, similarity
from localize.catalog.pofile import catalog_header, mark_machine, parse_po_text, po_bytes
from localize.catalog.state import entry_state
from localize.locales import parse_locale

JA = parse_locale("ja")
THRESHOLD = 0.75
WORDS = ["gemma", "model", "runs", "on", "phones", "open", "weights", "fast", "cloud", "team", "new", "data"]
WAIVERS = ["ignore-numbers", "ignore-punctuation", "ignore-glossary"]
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", 500))
_TOKEN = re.compile(r"[TC]\d+")


@dataclass
class World:
    """The source sentences, the catalog, and what translators wrote that must survive."""

    sentences: list[str] = field(default_factory=list)
    po: polib.POFile | None = None
    translations: set[str] = field(default_factory=set)
    comments: set[str] = field(default_factory=set)
    waivers: dict[str, int] = field(default_factory=dict)
    counter: int = 0

    def token(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"


def sentence_strategy() -> st.SearchStrategy[str]:
    words = st.lists(st.sampled_from(WORDS), min_size=3, max_size=8)
    cites = st.lists(st.integers(1, 9), max_size=2)
    return st.builds(lambda w, c: " ".join(w) + "".join(f" [{n}]" for n in c) + ".", words, cites)


def run_merge(world: World) -> tuple[polib.POFile | None, polib.POFile]:
    before = parse_po_text(po_bytes(world.po).decode()) if world.po is not None else None
    sources = [SourceEntry(s, (("content/a.md", str(i + 1)),), "kind: paragraph") for i, s in enumerate(world.sentences)]
    header = catalog_header("a", JA, "2025-01-01 00:00+0000", before.metadata if before else None)
    work = parse_po_text(po_bytes(world.po).decode()) if world.po is not None else None
    po, _ = merge_catalog(work, sources, THRESHOLD, header)
    reparsed = parse_po_text(po_bytes(po).decode())
    assert po_bytes(reparsed) == po_bytes(po)
    world.po = po
    check_invariants(world, before, po)
    return before, po


def check_invariants(world: World, before: polib.POFile | None, after: polib.POFile) -> None:
    live = [e for e in after if not e.obsolete]
    assert [e.msgid for e in live] == world.sentences
    everything = " ".join(f"{e.msgstr} {e.tcomment}" for e in after)
    found = set(_TOKEN.findall(everything))
    assert world.translations <= found, world.translations - found
    assert world.comments <= found, world.comments - found
    for waiver, count in world.waivers.items():
        assert sum(waiver in e.flags for e in after) >= count
    old_reviewed = {e.msgid: e for e in before or [] if entry_state(e) == "reviewed"}
    for entry in live:
        if entry_state(entry) != "reviewed":
            continue
        same = old_reviewed.get(entry.msgid)
        if same is not None:
            assert entry.msgstr == same.msgstr
            continue
        assert any(
            citation_key(o.msgid) == citation_key(entry.msgid)
            and renumber(o.msgid, entry.msgid, o.msgstr) == entry.msgstr
            for o in old_reviewed.values()
        ), f"reviewed translation of {entry.msgid!r} appeared from nowhere"
    for msgid, old in old_reviewed.items():
        if msgid in world.sentences and not old.obsolete:
            now = next(e for e in live if e.msgid == msgid)
            assert now.msgstr == old.msgstr and entry_state(now) == "reviewed"


def translate(world: World, entry: polib.POEntry, reviewed: bool) -> None:
    if not reviewed and entry_state(entry) == "reviewed":
        return  # an engine never overwrites a reviewed entry
    text = world.token("T") + "".join(f" [{n}]" for n in re.findall(r"\[(\d+)\]", entry.msgid))
    world.translations.discard(next(iter(_TOKEN.findall(entry.msgstr)), ""))
    world.translations.add(text.split()[0])
    if reviewed:
        entry.msgstr = text
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
    else:
        mark_machine(entry, text, "google")


def source_edit(data: st.DataObject, world: World) -> None:
    kind = data.draw(st.sampled_from(["add", "delete", "change", "renumber", "move"]))
    n = len(world.sentences)
    if kind == "add" or n == 0:
        new = data.draw(sentence_strategy())
        if new not in world.sentences:
            world.sentences.insert(data.draw(st.integers(0, n)), new)
    elif kind == "delete":
        del world.sentences[data.draw(st.integers(0, n - 1))]
    elif kind == "move":
        world.sentences.insert(data.draw(st.integers(0, n - 1)), world.sentences.pop())
    elif kind == "renumber":
        index = data.draw(st.integers(0, n - 1))
        shift = data.draw(st.integers(1, 5))
        new = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + shift}]", world.sentences[index])
        if new not in world.sentences:
            world.sentences[index] = new
    else:
        change_words(data, world)


def change_words(data: st.DataObject, world: World) -> None:
    """Change one or two words, merge at once, and check the stale rule for that one sentence."""
    if world.po is not None:
        run_merge(world)
    index = data.draw(st.integers(0, len(world.sentences) - 1))
    old = world.sentences[index]
    words = old.split(" ")
    for _ in range(data.draw(st.integers(1, 2))):
        words[data.draw(st.integers(0, len(words) - 1))] = data.draw(st.sampled_from(WORDS))
    new = " ".join(words)
    if new in world.sentences or world.po is None:
        return
    before_entries = list(world.po)
    old_entry = next(e for e in before_entries if e.msgid == old and not e.obsolete)
    world.sentences[index] = new
    _, after = run_merge(world)
    clash = any(e.msgid == new or citation_key(e.msgid) == citation_key(new) for e in before_entries)
    if old_entry.msgstr and not clash and similarity(old, new) >= THRESHOLD:
        entry = next(e for e in after if e.msgid == new and not e.obsolete)
        assert entry_state(entry) == "stale" and entry.previous_msgid
        rivals = [e for e in before_entries if e.obsolete and e.msgstr]
        if all(similarity(e.msgid, new) < similarity(old, new) for e in rivals):
            assert entry.msgstr == old_entry.msgstr
            assert entry.previous_msgid == (old_entry.previous_msgid or old)


def translator_edit(data: st.DataObject, world: World) -> None:
    entries = [e for e in world.po or [] if not e.obsolete]
    if not entries:
        return
    entry = data.draw(st.sampled_from(entries))
    kind = data.draw(st.sampled_from(["translate", "edit", "unfuzzy", "comment", "waiver"]))
    if kind in ("translate", "edit"):
        translate(world, entry, reviewed=data.draw(st.booleans()) or kind == "edit")
    elif kind == "unfuzzy" and entry.msgstr:
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        entry.previous_msgid = None
    elif kind == "comment":
        token = world.token("C")
        entry.tcomment = f"{entry.tcomment}\n{token} note".strip()
        world.comments.add(token)
    elif kind == "waiver":
        waiver = data.draw(st.sampled_from(WAIVERS))
        if waiver not in entry.flags:
            entry.flags.append(waiver)
            world.waivers[waiver] = world.waivers.get(waiver, 0) + 1


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_random_edit_sequences_keep_every_invariant(data: st.DataObject) -> None:
    world = World(sentences=data.draw(st.lists(sentence_strategy(), min_size=1, max_size=6, unique=True)))
    run_merge(world)
    for _ in range(data.draw(st.integers(1, 25))):
        step = data.draw(st.sampled_from(["source", "translator", "translator", "run"]))
        if step == "source":
            source_edit(data, world)
        elif step == "translator":
            translator_edit(data, world)
        else:
            run_merge(world)
    run_merge(world)
    final = po_bytes(world.po)
    run_merge(world)
    assert po_bytes(world.po) == final, "a run with nothing changed must change nothing"
