"""A generated project of many articles sharing many sentences, and helpers to run it in shards.

Used by the shard tests and by ``benchmarks/shards.py``. Articles link to one
another and to a shared image, so a finalizer has pages, assets, a sitemap and
a manifest to write; a third of each article's sentences come from a common
pool, so shards need the same texts at the same moment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

#: reproducible PO dates, so runs at different minutes compare byte for byte
EPOCH = "1767225600"
SHARED = [f"這是第{i}個所有文章共用的句子，用來測試快取。" for i in range(60)]
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def english(text: str, source: str, target: str) -> str:
    """The fake service's translation: recognisable, token-preserving, deterministic."""
    return f"{target.upper()}: {text}"


def write_project(root: Path, url: str, articles: int, locales: Sequence[str] = ("en", "ja"),
                  concurrency: int = 4, store_url: str = "", per_article: int = 9) -> Path:
    """A project of ``articles`` Markdown articles; returns its root."""
    root.mkdir(parents=True, exist_ok=True)
    lines = [
        'source_locale = "zh-Hant-TW"',
        f"target_locales = {list(locales)!r}".replace("'", '"'),
        'base_url = "https://example.com/docs"',
        "min_completion = 0.5",
        "",
        "[engine]",
        'name = "libre"',
        f'url = "{url}"',
        f"concurrency = {concurrency}",
        "timeout = 60",
        "retries = 3",
        "max_retry_after = 0.05",
    ]
    if store_url:
        lines += ["", "[store]", f'url = "{store_url}"']
    (root / "localize.toml").write_text("\n".join(lines) + "\n", "utf-8")
    content = root / "content"
    (content / "img").mkdir(parents=True, exist_ok=True)
    (content / "img" / "logo.png").write_bytes(PNG)
    for n in range(articles):
        body = []
        for s in range(per_article):
            if s % 3 == 0:
                body.append(SHARED[(n * 7 + s) % len(SHARED)])
            else:
                body.append(f"第{n}篇文章的第{s}句話，內容獨一無二。")
        paragraphs = ["".join(body[i : i + 3]) for i in range(0, len(body), 3)]
        if n % 4 == 0:  # a link to another article: its pages are the finalizer's to write
            paragraphs.append(f"請參閱[下一篇文章](article-{(n + 1) % articles:04d}.md)。")
        if n % 5 == 0:
            paragraphs.append("![標誌](img/logo.png)")
        text = f"---\ntitle: 第{n}篇文章\n---\n\n" + "\n\n".join(paragraphs) + "\n"
        (content / f"article-{n:04d}.md").write_text(text, "utf-8")
    return root


def localize(project: Path, *args: str, env: Mapping[str, str] | None = None,
             check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the ``localize`` command in a process of its own."""
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "localize", "--quiet", "--project", str(project), *args],
        capture_output=True, text=True, env=full_env, timeout=600,
    )
    if check and result.returncode not in (0,):
        raise AssertionError(f"localize {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
    return result


def start(project: Path, *args: str, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-m", "localize", "--quiet", "--project", str(project), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full_env,
    )


def tree(root: Path, skip: Sequence[str] = (".shards",)) -> dict[str, bytes]:
    """Every file under ``root`` by relative path, with its bytes."""
    if not root.is_dir():
        return {}
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not any(part in skip for part in p.relative_to(root).parts)
    }


def overlay(source: Path, target: Path) -> int:
    """Copy ``source``'s files over ``target`` (as CI artifacts are unpacked); refuse conflicts."""
    copied = 0
    for rel, data in tree(source, skip=()).items():
        dest = target / rel
        if dest.exists() and dest.read_bytes() != data:
            raise AssertionError(f"two shards wrote {rel} differently")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        copied += 1
    return copied


def copy_project(source: Path, target: Path) -> Path:
    """A fresh checkout: config and content only, as CI jobs start."""
    target.mkdir(parents=True)
    shutil.copy2(source / "localize.toml", target / "localize.toml")
    shutil.copytree(source / "content", target / "content")
    return target
