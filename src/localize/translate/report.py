"""What a translate run did (or, with --dry-run, would do): SPEC section 5 ``translate --json``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from localize.errors import EXIT_NEEDS_ATTENTION, EXIT_OK


@dataclass(frozen=True)
class Failure:
    """One entry left empty, and why (also kept in the FailureLog)."""

    slug: str
    msgid: str
    reason: str


@dataclass(frozen=True)
class EngineLocaleReport:
    """Figures for one engine and target locale.

    segments: entries that needed the engine (after TM and cache); characters and
    requests: what was (or would be) sent, each request counted once, retries apart;
    cache_hits: entries served entirely from the cache; tm_hits: entries filled from
    the translation memory; failed: entries left empty; capped: entries left for the
    next run by --max-chars.
    """

    engine: str
    locale: str
    segments: int = 0
    characters: int = 0
    cache_hits: int = 0
    tm_hits: int = 0
    requests: int = 0
    retries: int = 0
    failed: int = 0
    estimated_cost: float | None = None
    translated: int = 0
    capped: int = 0
    failures: tuple[Failure, ...] = ()
    model: str | None = None  # the llm engine's model; tokens are its usage (estimates in a dry run)
    input_tokens: int = 0
    output_tokens: int = 0
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "locale": self.locale,
            "segments": self.segments,
            "characters": self.characters,
            "cache_hits": self.cache_hits,
            "tm_hits": self.tm_hits,
            "requests": self.requests,
            "retries": self.retries,
            "failed": self.failed,
            "estimated_cost": self.estimated_cost,
            "model": self.model,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
        }


def estimate_cost(characters: int, price_per_million_chars: float | None) -> float | None:
    """Characters times the configured price; None when no price is set."""
    if price_per_million_chars is None:
        return None
    return round(characters * price_per_million_chars / 1_000_000, 6)


@dataclass(frozen=True)
class TranslateReport:
    """The whole run: one row per engine and locale."""

    dry_run: bool
    engines: tuple[EngineLocaleReport, ...] = ()
    elapsed_s: float = 0.0
    max_chars_reached: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def failed(self) -> int:
        return sum(row.failed for row in self.engines)

    @property
    def characters(self) -> int:
        return sum(row.characters for row in self.engines)

    @property
    def exit_code(self) -> int:
        """1 when entries failed or --max-chars left work for the next run (SPEC section 5)."""
        if self.failed or self.max_chars_reached:
            return EXIT_NEEDS_ATTENTION
        return EXIT_OK

    def to_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "engines": [row.to_json() for row in self.engines],
            "elapsed_s": round(self.elapsed_s, 3),
        }

    def to_text(self) -> str:
        """A summary table for standard output (shown even with --quiet)."""
        headers = ("engine", "locale", "segments", "chars", "cache", "tm", "requests", "retries")
        headers += ("failed", "cost")
        rows = [headers]
        for row in self.engines:
            cost = "-" if row.estimated_cost is None else f"{row.estimated_cost:.4f}"
            rows.append(
                (row.engine, row.locale, str(row.segments), str(row.characters))
                + (str(row.cache_hits), str(row.tm_hits), str(row.requests), str(row.retries))
                + (str(row.failed), cost)
            )
        widths = [max(len(r[i]) for r in rows) for i in range(len(headers))]
        lines = [
            "  ".join(
                c.ljust(w) if i < 2 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            ).rstrip()
            for r in rows
        ]
        title = "Dry run: nothing was sent." if self.dry_run else "Translation finished."
        lines.insert(0, f"{title} ({self.elapsed_s:.1f} s)")
        for row in self.engines:
            for failure in row.failures[:20]:
                lines.append(
                    f"failed [{row.locale}] {failure.slug}: {failure.msgid[:60]!r}: "
                    f"{failure.reason}"
                )
            if len(row.failures) > 20:
                lines.append(f"... and {len(row.failures) - 20} more failed in {row.locale}")
        lines.extend(self.notes)
        lines.extend(note for row in self.engines for note in row.notes)
        return "\n".join(lines)

    @property
    def warnings(self) -> list[str]:
        """What a person should know, for standard error (the summary itself is a result)."""
        if self.max_chars_reached:
            return ["--max-chars reached: run again to translate the rest."]
        return []
