"""QA findings and the report ``localize check`` prints (SPEC section 5, ``check --json``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Finding", "QAReport"]


@dataclass(frozen=True)
class Finding:
    """One problem of one PO entry; ``file`` is relative to the project, ``line`` the entry's."""

    severity: str  # "error" | "warning"
    check: str
    locale: str  # BCP 47
    slug: str
    file: str
    line: int
    msgid: str
    message: str


@dataclass
class QAReport:
    """Every finding of a check run, with the counts the exit status depends on."""

    findings: list[Finding] = field(default_factory=list)
    entries_checked: int = 0
    files_checked: int = 0

    @property
    def errors(self) -> int:
        return sum(finding.severity == "error" for finding in self.findings)

    @property
    def warnings(self) -> int:
        return sum(finding.severity == "warning" for finding in self.findings)

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: (f.file, f.line, f.severity != "error", f.check))

    def to_json(self) -> dict[str, Any]:
        """SPEC's ``check --json`` document."""
        return {
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [asdict(finding) for finding in self.sorted_findings()],
        }

    def to_text(self) -> str:
        """A report for people: findings grouped by PO file, each with its line number."""
        lines: list[str] = []
        current = None
        for finding in self.sorted_findings():
            if finding.file != current:
                current = finding.file
                if lines:
                    lines.append("")
                lines.append(f"{finding.file} ({finding.locale}, {finding.slug})")
            lines.append(f"  {finding.line}: {finding.severity} [{finding.check}] {finding.message}")
            lines.append(f"      msgid: {_short(finding.msgid)}")
        entries = "entry" if self.entries_checked == 1 else "entries"
        summary = (
            f"{self.errors} error(s), {self.warnings} warning(s) in {self.entries_checked} "
            f"checked {entries} of {self.files_checked} file(s)"
        )
        return "\n".join([*lines, "", summary] if lines else [summary])


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
