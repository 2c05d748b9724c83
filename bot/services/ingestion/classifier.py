"""Deciding whether an entry is an alliance announcement, and saying why (facts.md, "Keywords")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.services.ingestion.text import html_to_text
from domain.entries import Entry

# An alliance word must appear together with one of the companions; stems catch the inflected forms
# (Альянс, Альянса, альянсы; низкоуглеродных; low-carbon, low carbon).
_ALLIANCE = re.compile(r"\b(альянс|alliance)\w*", re.IGNORECASE)
_COMPANIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("низкоуглерод", re.compile(r"\bнизкоуглерод\w*", re.IGNORECASE)),
    ("один пояс", re.compile(r"\bодин\s+пояс\w*", re.IGNORECASE)),
    ("BRI", re.compile(r"\bBRI\b")),
    ("төмен көміртекті", re.compile(r"\bтөмен\s+көміртек\w*", re.IGNORECASE)),
    ("бір белдеу, бір жол", re.compile(r"\bбір\s+белдеу\w*\W+бір\s+жол\w*", re.IGNORECASE)),
    ("low-carbon", re.compile(r"\blow\s*-?\s*carbon\b", re.IGNORECASE)),
    ("belt and road", re.compile(r"\bbelt\s+and\s+road\b", re.IGNORECASE)),
)
# Hyphens, dashes and non-breaking spaces as feeds write them, folded to plain ones before matching.
_FOLD = str.maketrans({"\u00a0": " ", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"})
_INFLECTION = r"\w{0,3}"
_MIN_STEMMED = 5
_MIN_SUFFIXED = 4  # shorter words (ШОС) must match exactly, or "шоссе" would name an organization


@dataclass(frozen=True, slots=True)
class Classification:
    """Whether an entry is about the alliance, and the reason that decided it."""

    is_alliance: bool
    reason: str | None


def _name_pattern(name: str) -> re.Pattern[str] | None:
    """A pattern for an organization name: whole words, any case, flexible spacing, short case endings allowed."""
    words = re.findall(r"[^\W_]+", name)
    if not words:
        return None
    parts = []
    for word in words:
        # Russian and Kazakh inflect names ("МЦЗТИПа", "Шанхайского центра"): allow a short ending on long words.
        stem = word[:-2] if len(word) >= _MIN_STEMMED + 2 else word
        parts.append(re.escape(stem) + (_INFLECTION if len(word) >= _MIN_SUFFIXED else ""))
    return re.compile(r"(?<!\w)" + r"\W+".join(parts) + r"(?!\w)", re.IGNORECASE)


class AllianceClassifier:
    """Alliance keywords in ru, kk or en, or the name of an organization from the knowledge base.

    Organization names come only from the caller (the knowledge base); none are written here.
    """

    def __init__(self, organization_names: Iterable[str] = ()) -> None:
        self._names: list[tuple[str, re.Pattern[str]]] = []
        for name in dict.fromkeys(n.strip() for n in organization_names if n and n.strip()):
            pattern = _name_pattern(name)
            if pattern is not None:
                self._names.append((name, pattern))

    def classify_text(self, text: str) -> Classification:
        """Classify plain text."""
        text = text.translate(_FOLD)
        alliance = _ALLIANCE.search(text)
        if alliance:
            for label, pattern in _COMPANIONS:
                if pattern.search(text):
                    return Classification(True, f"keywords: {alliance.group(0).casefold()} + {label}")
        for name, pattern in self._names:
            if pattern.search(text):
                return Classification(True, f"organization: {name}")
        return Classification(False, None)

    def classify(self, entry: Entry) -> Classification:
        """Classify an entry by its title and body."""
        return self.classify_text(entry.title + "\n" + html_to_text(entry.summary_html))


def classify(entry: Entry, organization_names: Iterable[str] = ()) -> Classification:
    """Classify one entry (builds the name patterns each call; the poller keeps an AllianceClassifier)."""
    return AllianceClassifier(organization_names).classify(entry)
