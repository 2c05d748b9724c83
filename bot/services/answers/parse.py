"""Stage 3, understanding: a question parsed into its meaning by a data-driven scorer.

The meaning: the subject (the entities, or the alliance), what is asked (the intent, the other intents present
as attributes, an attribute the knowledge base never holds such as someone's age), the modifiers (only;
except / besides / not counting, and "not", with what they exclude; a claim to verify: "is it true that"),
the numbers written before what they count ("26 organizations", "жиырма алты ұйым", "twenty-six"), and an
off-topic kind (opinion, politics, insult, prompt injection) that the bot refuses politely.

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

from bot.services.answers.entities import MIN_OWN_NAME_WORD, OWN_NAME_STEM, Entity, EntityIndex, Match
from bot.services.answers.language import LanguageRequest, detect_language, requested_language
from bot.services.answers.lexicon import Found, Lexicon, choose
from bot.services.answers.normalize import Word, words
from bot.services.answers.segment import find_question

MAX_QUESTION_WORDS = 60
# Intents an "except" or a "not" may exclude as a group of organizations ("not counting the co-chairs").
GROUP_INTENTS = frozenset({"co_chairs", "chair_units", "leadership", "council"})
# What else an "except" or a "not" may leave out: "I don't need the news, when was it founded?"
EXCLUDABLE_INTENTS = GROUP_INTENTS | {"news"}
# Intents that ask no topic of their own: "жаңалықтар бар ма" (are there news) is still about the news.
NOT_TOPICS = frozenset({"about", "who", "membership", "count"})
# The kinds of lexicon phrases that are never a name alone ("считая" is one letter from "Китай").
NOT_NAMES = frozenset({"intent", "modifier", "offtopic", "attribute"})
# What a number may count: "26 организаций", "22 ел", "2 co-chairs", "22 члена Совета".
COUNTABLE = frozenset({"countries", "co_chairs", "chair_units", "council", "membership"})
# Conjunctions (as keys) that continue a list of what is excluded: "кроме Казахстана и Китая".
CONJUNCTIONS = frozenset({"i", "and", "jane", "men", "or", "ili"})
# A number is a year or a code, not a count, from this on.
MAX_COUNT = 1000
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
    modifiers: frozenset[str] = frozenset()  # only, except, negation, claim
    excluded: tuple[Entity, ...] = ()  # what "except" or "not" leaves out
    excluded_groups: frozenset[str] = frozenset()  # intents left out as groups ("not counting the co-chairs")
    numbers: tuple[tuple[int, str], ...] = ()  # (number, what it counts: an intent name or "body")
    offtopic: str | None = None  # opinion, politics, insult, injection
    asked: str | None = None  # an attribute the knowledge base never holds (age, birth…)

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
    # The alliance's own name ("Альянс по инновациям и сотрудничеству…") is the alliance, not the question's
    # words: "сотрудничеству" asks nothing about staff.
    own_name = _own_name(question, names.own_name_stems, lexicon)
    chosen = [
        f
        for f in chosen
        if not (set(range(f.start, f.end)) & own_name)
        and (f.exact or not all(names.in_vocabulary(question[n]) for n in range(f.start, f.end)))
    ]
    # "Министерство экологии" is a name; "ministry" alone only tells what kind of body is asked about.
    intent_words = frozenset(n for f in chosen if f.kind in NOT_NAMES for n in range(f.start, f.end)) | skip
    # A function word ("alliance", "the") may sit inside a name, but never starts the search for one.
    function_words = frozenset(n for n, w in enumerate(question) if lexicon.is_function_word(w))
    matches = _plausible(names.find(question, skip=intent_words, no_anchor=function_words), question, chosen)
    matches = [m for m in matches if not (set(range(m.start, m.end)) & own_name)]
    # Question words inside a longer name are part of the name ("и.о. председателя правления").
    in_names = {n for m in matches if m.length > 1 for n in range(m.start, m.end)}
    chosen = [f for f in chosen if not (set(range(f.start, f.end)) & in_names)]
    excluded_matches, excluded_found = _exclusions(question, chosen, matches, lexicon)
    numbers, number_positions = _numbers(question, chosen, matches, lexicon)
    question_words = frozenset(n for f in chosen for n in range(f.start, f.end)) | skip | number_positions
    detected = detect_language(text, question, chosen, matches, lexicon, user_language)
    scored = [f for f in chosen if f not in excluded_found]
    intent, score, tied, attributes, exact = _score(scored, lexicon)
    covered = question_words | own_name | {n for m in matches for n in range(m.start, m.end)}
    leftovers = [
        w for n, w in enumerate(question) if n not in covered and not lexicon.is_function_word(w) and len(w.key) > 1
    ]
    mentions_alliance = bool(own_name) or any(lexicon.names_the_alliance(w) for w in question)
    if intent is not None and not exact and not matches and not mentions_alliance and leftovers:
        # One question word guessed from a typo among words we do not know ("the supply chain" is not
        # "the chair"): nothing was understood.
        intent, score, tied, attributes = None, 0.0, (), frozenset()
    # In a message typed in capitals every word is capitalized: that tells nothing about names.
    shouting = sum(w.text.isupper() for w in question if len(w.text) > 1) > len(question) / 2
    beside = {
        n
        for m in matches
        for n in (m.start - 1, m.end)
        if 0 <= n < len(question) and names.part_of(question[n], m.entity)
    }
    unknown = tuple(
        w.text for n, w in enumerate(question) if w in leftovers and w.capitalized and not shouting and n not in beside
    )
    kept = [m for m in matches if m not in excluded_matches]
    return Parse(
        text=text,
        language=request.language if request else detected,
        detected=detected,
        intent=intent,
        score=score,
        tied=tied,
        attributes=attributes,
        entities=tuple(dict.fromkeys(m.entity for m in kept)),
        unknown_names=unknown[:3],
        leftovers=tuple(w.text for w in leftovers),
        institution=next((f.name for f in chosen if f.kind == "institution"), None),
        body=any(f.kind == "body" and f not in excluded_found for f in chosen),
        exact=exact and all(m.exact for m in matches),
        mentions_alliance=mentions_alliance,
        words=tuple(question),
        modifiers=frozenset(f.name for f in chosen if f.kind == "modifier"),
        excluded=tuple(dict.fromkeys(m.entity for m in excluded_matches if m.entity not in {k.entity for k in kept})),
        excluded_groups=frozenset(f.name for f in excluded_found if f.kind == "intent" and f.name in GROUP_INTENTS),
        numbers=numbers,
        offtopic=next((f.name for f in chosen if f.kind == "offtopic"), None),
        asked=next((f.name for f in chosen if f.kind == "attribute"), None),
    )


def _own_name(question: Sequence[Word], stems: frozenset[str], lexicon: Lexicon) -> frozenset[int]:
    """The words of the alliance's own name, read in context: a run of two or more of its words (an
    "alliance" word counts), with only function words between them. One such word alone is an ordinary word."""
    found: set[int] = set()
    run: list[int] = []
    for n, word in enumerate([*question, None]):
        if word is not None and (
            lexicon.names_the_alliance(word)
            or (len(word.key) >= MIN_OWN_NAME_WORD and word.key[:OWN_NAME_STEM] in stems)
        ):
            run.append(n)
            continue
        if word is not None and lexicon.is_function_word(word) and run:
            continue
        if len(run) >= 2:
            found.update(range(run[0], run[-1] + 1))
        run = []
    return frozenset(found)


def _exclusions(
    question: Sequence[Word], found: Sequence[Found], matches: Sequence[Match], lexicon: Lexicon
) -> tuple[list[Match], list[Found]]:
    """What "except", "besides", "not counting" or "not" leaves out: the names and the groups (the co-chairs,
    a kind of body, the news) right after it, past function words and "members" ("кроме членов Совета").
    An "except" with nothing after it looks before it ("Қазақстаннан басқа", "Китай не считаем"); a "not"
    looks after it, or before it in Kazakh ("Қытайдан емес"). Any other word ends the search, so "не входит"
    and "мүше емес" exclude nothing."""
    left_matches: list[Match] = []
    left_found: list[Found] = []
    for marker in found:
        if marker.kind != "modifier" or marker.name not in ("except", "negation"):
            continue
        forward = range(marker.end, len(question))
        backward = range(marker.start - 1, -1, -1)
        if marker.name == "negation":
            directions = [forward] if marker.language != "kk" else [backward]
        else:
            directions = [forward, backward]
        for steps in directions:
            taken = _excluded_from(steps, question, found, matches, lexicon)
            if taken[0] or taken[1]:
                left_matches += [m for m in taken[0] if m not in left_matches]
                left_found += [f for f in taken[1] if f not in left_found]
                break
    return left_matches, left_found


def _excluded_from(
    steps: range, question: Sequence[Word], found: Sequence[Found], matches: Sequence[Match], lexicon: Lexicon
) -> tuple[list[Match], list[Found]]:
    """The names and groups met walking `steps` from a marker, until a word that is none of them."""
    left_matches: list[Match] = []
    left_found: list[Found] = []
    positions: set[int] = set()
    for n in steps:
        match = next((m for m in matches if m.start <= n < m.end), None)
        target = next(
            (f for f in found if f.start <= n < f.end and (f.kind == "body" or f.name in EXCLUDABLE_INTENTS)), None
        )
        if match is not None and match not in left_matches:
            left_matches.append(match)
            positions.update(range(match.start, match.end))
            continue
        if target is not None:
            if target not in left_found:
                left_found.append(target)
                positions.update(range(target.start, target.end))
            continue
        if n in positions:
            continue
        passable = lexicon.is_function_word(question[n]) or any(
            f.start <= n < f.end and f.name == "membership" for f in found
        )
        if passable and not ((left_matches or left_found) and question[n].key not in CONJUNCTIONS):
            continue
        break
    return left_matches, left_found


def _numbers(
    question: Sequence[Word], found: Sequence[Found], matches: Sequence[Match], lexicon: Lexicon
) -> tuple[tuple[tuple[int, str], ...], frozenset[int]]:
    """Numbers in digits or words right before what they count: "26 организаций", "twenty-six
    organizations", "жиырма алты ұйым". A number word elsewhere ("он" is also "he") is not read."""
    in_names = {n for m in matches for n in range(m.start, m.end)}
    numbers: list[tuple[int, str]] = []
    positions: set[int] = set()
    n = 0
    while n < len(question):
        value, end = _number_at(question, n, lexicon)
        if value is None or n in in_names:
            n += 1
            continue
        # What it counts: a countable question word right after it, an intent ("стран") before a kind of body.
        after = sorted(
            (f for f in found if f.start == end and (f.kind == "body" or f.name in COUNTABLE)), key=lambda f: f.kind
        )
        counted = after[-1] if after else None
        word = question[n]
        # "он" is "ten" in Kazakh and "he" in Russian, "on" in English: a number only before a Kazakh noun.
        if (
            counted is not None
            and lexicon.is_function_word(word)
            and counted.language not in lexicon.number_languages.get(word.key, frozenset())
        ):
            counted = None
        if counted is not None and 0 <= value < MAX_COUNT:
            numbers.append((value, counted.name))
            positions.update(range(n, end))
        n = end
    return tuple(numbers), frozenset(positions)


def _number_at(question: Sequence[Word], start: int, lexicon: Lexicon) -> tuple[int | None, int]:
    """The number that starts at `start` and where it ends: digits, or tens and units in words."""
    word = question[start].key
    if word.isdigit():
        return int(word), start + 1
    value = lexicon.numbers.get(word)
    if value is None:
        return None, start + 1
    end = start + 1
    if value % 10 == 0 and 20 <= value < 100 and end < len(question):
        unit = lexicon.numbers.get(question[end].key)
        if unit is not None and 0 < unit < 10:
            value, end = value + unit, end + 1
    return value, end


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
    if "news" in scores and set(scores) - {"news", *NOT_TOPICS}:
        # "News about the founding" asks about the founding: the knowledge base answers it, not the news list.
        scores.pop("news")
    # Equal scores keep the order the words came in: the first-mentioned reading is offered first.
    first = {name: min(f.start for group in hits[name].values() for f in group) for name in scores}
    ranked = sorted(scores.items(), key=lambda item: (-item[1], first[item[0]]))
    best, best_score = ranked[0]
    tied = tuple(name for name, score in ranked[1:] if best_score - score <= TIE_MARGIN)
    return best, best_score, tied, present - {best}, exact[best]
