"""Stage 3, understanding: a question parsed into intent + entities + attribute by a data-driven scorer.

Each intent of lexicon.yaml scores by the triggers found (the first counts its full weight, more add a
little; a typo counts less); an intent with all_of groups scores only when every group is there. An intent
that `beats` another removes it. The best intent wins; two unresolved within TIE_MARGIN are a tie, and the
engine asks back. The names found are the entities; other intents present are attributes that refine the
answer ("how many" + "countries"). Words that are neither question words nor names are leftovers: a
capitalized one is a name the knowledge base does not know.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.services.answers.entities import Entity, EntityIndex, Match
from bot.services.answers.language import LanguageRequest, detect_language, requested_language
from bot.services.answers.lexicon import Found, Lexicon, choose
from bot.services.answers.normalize import Word, words
from bot.services.answers.segment import find_question

MAX_QUESTION_WORDS = 60
TYPO_FACTOR = 0.8
EXTRA_HIT_FACTOR = 0.3
TIE_MARGIN = 0.05
# Below this the engine answers but logs the question as low confidence.
CONFIDENT_SCORE = 1.0


@dataclass(frozen=True, slots=True)
class Parse:
    text: str  # the question part of the message
    language: str  # the language to answer in
    detected: str  # the question's own language
    intent: str | None
    score: float
    tied: tuple[str, ...]  # intents as likely as `intent` (ask back)
    attributes: frozenset[str]  # the other intents present
    entities: tuple[Entity, ...]
    unknown_names: tuple[str, ...]
    leftovers: tuple[str, ...]
    institution: str | None  # "ministry" in "the Kazakh ministry"
    body: bool  # "organizations", "universities": any body of the country named
    exact: bool  # no typo in what was understood
    mentions_alliance: bool
    words: tuple[Word, ...] = field(repr=False)

    @property
    def confident(self) -> bool:
        return (self.intent is None and bool(self.entities)) or (self.score >= CONFIDENT_SCORE and self.exact)


def parse(message: str, *, user_language: str, lexicon: Lexicon, names: EntityIndex) -> Parse:
    """Normalise, find the question in the message, detect its language and parse it."""
    whole = words(message)[: MAX_QUESTION_WORDS * 4]
    whole_found = lexicon.find(whole)
    request = requested_language(message, whole, whole_found, lexicon)
    text = message
    if request is None and len(whole) > 3:
        text = find_question(message, lexicon)
    question = words(text)[:MAX_QUESTION_WORDS] if text is not message else whole[:MAX_QUESTION_WORDS]
    found = whole_found if text is message and len(whole) <= MAX_QUESTION_WORDS else lexicon.find(question)
    skip = _request_positions(request, text is message)
    # Language and request words are question words only when they make a request ("Kazakh members" is not).
    understood = [f for f in found if f.kind not in ("language", "request")]
    chosen = [f for f in choose(understood) if not (set(range(f.start, f.end)) & skip)]
    question_words = frozenset(n for f in chosen for n in range(f.start, f.end)) | skip
    # "Министерство экологии" is a name; "ministry" alone only tells what kind of body is asked about.
    intent_words = frozenset(n for f in chosen if f.kind == "intent" for n in range(f.start, f.end)) | skip
    # A function word ("alliance", "the") may sit inside a name, but never starts the search for one.
    function_words = frozenset(n for n, w in enumerate(question) if lexicon.is_function_word(w))
    matches = _plausible(names.find(question, skip=intent_words, no_anchor=function_words), question, chosen)
    # Question words inside a longer name are part of the name ("и.о. председателя правления").
    in_names = {n for m in matches if m.length > 1 for n in range(m.start, m.end)}
    chosen = [f for f in chosen if not (set(range(f.start, f.end)) & in_names)]
    question_words = frozenset(n for f in chosen for n in range(f.start, f.end)) | skip
    detected = detect_language(text, question, chosen, matches, lexicon, user_language)
    intent, score, tied, attributes, exact = _score(chosen, lexicon)
    covered = question_words | {n for m in matches for n in range(m.start, m.end)}
    leftovers = [
        w for n, w in enumerate(question) if n not in covered and not lexicon.is_function_word(w) and len(w.key) > 1
    ]
    mentions_alliance = any(lexicon.names_the_alliance(w) for w in question)
    if intent is not None and not exact and not matches and not mentions_alliance and leftovers:
        # One question word guessed from a typo among words we do not know ("the supply chain" is not
        # "the chair"): nothing was understood.
        intent, score, tied, attributes = None, 0.0, (), frozenset()
    unknown = tuple(w.text for w in leftovers if w.capitalized)
    return Parse(
        text=text,
        language=request.language if request else detected,
        detected=detected,
        intent=intent,
        score=score,
        tied=tied,
        attributes=attributes,
        entities=tuple(dict.fromkeys(m.entity for m in matches)),
        unknown_names=unknown[:3],
        leftovers=tuple(w.text for w in leftovers),
        institution=next((f.name for f in chosen if f.kind == "institution"), None),
        body=any(f.kind == "body" for f in chosen),
        exact=exact and all(m.exact for m in matches),
        mentions_alliance=mentions_alliance,
        words=tuple(question),
    )


def chosen(intent: str, entity: Entity | None, language: str) -> Parse:
    """The reading a user picked with an ask-back button."""
    return Parse(
        text="",
        language=language,
        detected=language,
        intent=intent,
        score=CONFIDENT_SCORE,
        tied=(),
        attributes=frozenset(),
        entities=(entity,) if entity else (),
        unknown_names=(),
        leftovers=(),
        institution=None,
        body=False,
        exact=True,
        mentions_alliance=True,
        words=(),
    )


def _request_positions(request: LanguageRequest | None, same_text: bool) -> frozenset[int]:
    return request.positions if request is not None and same_text else frozenset()


def _plausible(matches: list[Match], question: Sequence[Word], found: Sequence[Found]) -> list[Match]:
    """Names found with a typo count only in a question about the alliance or when written as a name:
    "I am hungry" is not about Hungary, "Is Hungry a member?" is."""
    about_something = any(f.kind == "intent" for f in found)
    return [m for m in matches if m.exact or about_something or question[m.start].capitalized]


def _score(found: Sequence[Found], lexicon: Lexicon) -> tuple[str | None, float, tuple[str, ...], frozenset[str], bool]:
    hits: dict[str, dict[int, list[Found]]] = {}
    for item in found:
        if item.kind == "intent":
            hits.setdefault(item.name, {}).setdefault(item.group, []).append(item)
    scores: dict[str, float] = {}
    exact: dict[str, bool] = {}
    for name, groups in hits.items():
        intent = lexicon.intents[name]
        parts = [groups.get(0, [])] if not intent.groups else [groups.get(n, []) for n in range(1, intent.groups + 1)]
        if intent.groups and not all(parts):
            parts = [groups.get(0, [])]
        total = 0.0
        for part in parts:
            if not part:
                continue
            ordered = sorted(part, key=lambda f: not f.exact)
            total += (1.0 if ordered[0].exact else TYPO_FACTOR) + EXTRA_HIT_FACTOR * (len({f.start for f in part}) - 1)
        if total:
            scores[name] = total * intent.weight
            exact[name] = all(f.exact for part in parts for f in part)
    present = frozenset(scores)
    for name in list(scores):
        for beaten in lexicon.intents[name].beats:
            if beaten not in scores or name not in scores or name in lexicon.intents[beaten].beats:
                continue
            # A guess from a typo beats nothing surer than itself ("curious" is not "creat*").
            if exact[name] or scores[name] >= scores[beaten]:
                scores.pop(beaten, None)
    if not scores:
        return None, 0.0, (), present, True
    # Equal scores keep the order the words came in: the first-mentioned reading is offered first.
    first = {name: min(f.start for group in hits[name].values() for f in group) for name in scores}
    ranked = sorted(scores.items(), key=lambda item: (-item[1], first[item[0]]))
    best, best_score = ranked[0]
    tied = tuple(name for name, score in ranked[1:] if best_score - score <= TIE_MARGIN)
    return best, best_score, tied, present - {best}, exact[best]
