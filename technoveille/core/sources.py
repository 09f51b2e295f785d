"""The sources a document comes from, with their French labels (site, mails, CLI)."""
from __future__ import annotations

SOURCES: dict[str, str] = {
    "boamp": "BOAMP (marchés publics)",
    "jorf": "Journal officiel",
    "council": "Conseils municipaux",
    "legifrance": "Légifrance",
}


def label(source: str | None) -> str:
    return SOURCES.get(source or "", source or "")
