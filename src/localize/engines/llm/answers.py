"""Reading an llm answer: the JSON in it, item by item, and what a translation must not be.

Models wrap JSON in code fences, put a sentence before it, or answer in plain
text; ``parse_answer`` finds the ``{"translations": [...]}`` object wherever it
is and reports, per requested id, either the text or why there is none (left
out, given twice, empty). ``commentary_problems`` rejects refusals, notes and
explanations in English or the target language, unless the source itself
says the same.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

MISSING = "missing: the answer has no translation with this id"
TWICE = "the answer has more than one translation with this id"
EMPTY = "the translation is empty"
NOT_JSON = "the answer is not the JSON object asked for"


@dataclass(frozen=True)
class ItemAnswer:
    """One requested id's outcome: the text, or the error quoted back in a follow-up."""

    text: str | None
    error: str | None = None


def _json_object(content: str) -> object:
    """The JSON object of an answer: whole, fenced, or the outermost braces within."""
    stripped = content.strip()
    fenced = re.search(r"```(?:json)?\s*(.*?)```", stripped, re.DOTALL)
    candidates = [stripped]
    if fenced:
        candidates.append(fenced.group(1))
    start, end = stripped.find("{"), stripped.rfind("}")
    if 0 <= start < end:
        candidates.append(stripped[start : end + 1])
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    return None


def parse_answer(content: str | None, ids: Sequence[str]) -> dict[str, ItemAnswer]:
    """Each requested id's text or error; ids the model invented are ignored."""
    document = _json_object(content or "")
    rows = document.get("translations") if isinstance(document, dict) else None
    if not isinstance(rows, list):
        return {i: ItemAnswer(None, NOT_JSON) for i in ids}
    found: dict[str, str] = {}
    seen: Counter[str] = Counter()
    for row in rows:
        if isinstance(row, dict) and isinstance(row.get("text"), str):
            key = str(row.get("id"))
            seen[key] += 1
            found.setdefault(key, row["text"])
    out: dict[str, ItemAnswer] = {}
    for i in ids:
        if seen[i] == 0:
            out[i] = ItemAnswer(None, MISSING)
        elif seen[i] > 1:
            out[i] = ItemAnswer(None, TWICE)
        elif not found[i].strip():
            out[i] = ItemAnswer(None, EMPTY)
        else:
            out[i] = ItemAnswer(found[i])
    return out


def plain_answer(content: str | None) -> str:
    """A one-sentence answer (TranslateGemma, or a lone item): the JSON's text if it is JSON."""
    text = (content or "").strip()
    document = _json_object(text) if text.startswith(("{", "`")) else None
    if isinstance(document, dict):
        rows = document.get("translations")
        if isinstance(rows, list) and len(rows) == 1 and isinstance(rows[0], dict):
            return str(rows[0].get("text") or "")
        if isinstance(document.get("text"), str):
            return str(document["text"])
    return text


# Phrases a translation never starts with (notes, labels, preambles) and refusals found anywhere.
_OPENERS = (
    "note:", "notes:", "translation:", "here is", "here's", "explanation:", "sure,", "sure!",
    "certainly", "the translation", "translated text",
    "注：", "注:", "注意：", "说明：", "說明：", "翻译：", "翻譯：", "译文：", "譯文：", "以下是", "以下為",
    "翻訳：", "訳：", "以下は", "備考：", "번역:", "참고:",
    "hinweis:", "anmerkung:", "übersetzung:", "remarque :", "remarque:", "traduction :",
    "traduction:", "nota:", "traducción:", "tradução:", "примечание:", "перевод:",
)
_REFUSALS = (
    "i'm sorry", "i am sorry", "i cannot", "i can't", "i can not", "as an ai", "i apologize",
    "i'm unable", "i am unable", "cannot be translated", "cannot translate",
    "(note", "[note", "（注", "(translator", "抱歉", "对不起", "對不起", "无法翻译", "無法翻譯",
    "申し訳", "翻訳できません", "죄송", "번역할 수 없",
    "es tut mir leid", "entschuldigung", "désolé", "lo siento", "desculpe", "извините",
)


def commentary_problems(source: str, translation: str) -> tuple[str, ...]:
    """A refusal, note or explanation instead of (or besides) the translation."""
    lowered, source_lowered = translation.strip().lower(), source.lower()
    for opener in _OPENERS:
        if lowered.startswith(opener) and opener not in source_lowered:
            return (f"commentary: the answer starts with {translation.strip()[:len(opener)]!r}; "
                    "write only the translation",)
    for phrase in _REFUSALS:
        if phrase in lowered and phrase not in source_lowered:
            return (f"refusal or note: the answer contains {phrase!r}; write only the translation",)
    return ()
