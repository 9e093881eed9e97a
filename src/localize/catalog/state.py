"""The four states of a PO entry that status, translate and build agree on (SPEC section 5)."""

from __future__ import annotations

from typing import Literal

import polib

EntryState = Literal["reviewed", "machine", "stale", "missing"]


def entry_state(entry: polib.POEntry) -> EntryState:
    """reviewed: non-fuzzy with a translation; machine: fuzzy, no previous msgid;
    stale: fuzzy with a previous msgid; missing: no translation."""
    if not entry.msgstr and not any(entry.msgstr_plural.values() if entry.msgstr_plural else ()):
        return "missing"
    if "fuzzy" not in entry.flags:
        return "reviewed"
    return "stale" if entry.previous_msgid else "machine"


def is_publishable(entry: polib.POEntry, publish: str) -> bool:
    """Whether an entry may appear on a page under ``publish = "reviewed" | "machine"``."""
    state = entry_state(entry)
    return state == "reviewed" or (publish == "machine" and state == "machine")
