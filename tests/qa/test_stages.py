"""Each stage of the question pipeline alone: normalisation, word matching, language, the question in a
long message, parsing, retrieval, and the question log."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.answers.entities import EntityIndex
from bot.services.answers.keymatch import KeyMatcher, one_edit
from bot.services.answers.lexicon import lexicon
from bot.services.answers.normalize import key, words
from bot.services.answers.parse import parse
from bot.services.answers.retrieval import Passage, Retriever
from bot.services.answers.segment import find_question
from storage import Database
from storage.kb import SEED_FILE, read_knowledge_base_file
from storage.qa_log import QuestionLogRepository

SEED = read_knowledge_base_file(SEED_FILE)
NAMES = EntityIndex(SEED)

# How people type Russian in Latin letters (one common scheme; the key must not care which).
LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i", "й": "y",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "ы": "y", "э": "e", "ю": "yu", "я": "ya", "ь": "",
}  # fmt: skip
# Russian words as syllables (a consonant, a vowel): random letter strings such as "сх" are ambiguous in Latin
# letters for a reader too ("sh" is ш).
CONSONANTS = "бвгджзйклмнпрстфхцчш"
VOWELS = "аеиоуыэюя"
RUSSIAN = st.lists(
    st.tuples(st.sampled_from(CONSONANTS), st.sampled_from(VOWELS)).map("".join), min_size=1, max_size=4
).map("".join)


def _parse(text: str, user: str = "ru"):
    return parse(text, user_language=user, lexicon=lexicon(), names=NAMES)


@given(RUSSIAN)
def test_russian_typed_in_latin_letters_has_the_key_of_the_cyrillic(word):
    assert key("".join(LATIN[c] for c in word)) == key(word)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzабвгдежзиклмнопрстуфхцчшыэюяәқңөұүі", min_size=1, max_size=12))
def test_keys_ignore_case(word):
    assert key(word.upper()) == key(word)


@settings(max_examples=200)
@given(st.text(alphabet="abcdefghilmnoprstuv", min_size=6, max_size=12), st.data())
def test_a_word_beginning_is_found_with_an_ending_and_with_one_typo(pattern, data):
    matcher: KeyMatcher[str] = KeyMatcher()
    matcher.add(pattern, "hit", prefix=True)
    ending = data.draw(st.text(alphabet="aeiou", max_size=3))
    assert matcher.match(pattern + ending)
    position = data.draw(st.integers(min_value=1, max_value=len(pattern) - 1))
    typo = pattern[:position] + pattern[position + 1 :]  # one letter left out
    assert matcher.match(typo)


def _osa_distance(a: str, b: str) -> int:
    # The textbook optimal-string-alignment table: edits of single letters and swaps of two neighbours.
    table = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
    return table[len(a)][len(b)]


@settings(max_examples=500)
@given(st.text(alphabet="abcд", max_size=7), st.data())
def test_one_edit_is_an_optimal_string_alignment_distance_of_at_most_one(word, data):
    near = data.draw(st.one_of(st.text(alphabet="abcд", max_size=8), st.just(word)))
    if word and data.draw(st.booleans()):  # one random edit of the word, so that near misses are common
        at = data.draw(st.integers(min_value=0, max_value=len(word) - 1))
        near = data.draw(
            st.sampled_from(
                [word[:at] + word[at + 1 :], word[:at] + "x" + word[at:], word[:at] + "x" + word[at + 1 :],
                 word[:at] + word[at + 1 : at + 2] + word[at] + word[at + 2 :]]
            )
        )  # fmt: skip
    assert one_edit(word, near) == (_osa_distance(word, near) <= 1)


def test_short_words_are_never_matched_by_a_typo():
    matcher: KeyMatcher[str] = KeyMatcher()
    matcher.add(key("Kain"), "kain")
    matcher.add(key("жарна"), "fees", prefix=True)
    assert matcher.match(key("chain")) == ()
    assert matcher.match(key("жаңа")) == ()


@pytest.mark.parametrize(
    ("text", "user", "language"),
    [
        ("альянсты ким баскарады", "ru", "kk"),
        ("kim basqarady", "ru", "kk"),
        ("kto predsedatel", "en", "ru"),
        ("germaniya mushe me", "ru", "kk"),
        ("Is Japan a member?", "kk", "en"),
        ("Германиядан", "ru", "kk"),
        ("ACCA21", "kk", "kk"),
        ("Ответь на английском: кто возглавляет?", "ru", "en"),
        ("Орысша жауап беріңізші: кім басқарады?", "kk", "ru"),
        ("Как альянс называется по-английски?", "ru", "ru"),
        ("Kazakh members?", "ru", "en"),
    ],
)
def test_the_answer_language_is_the_questions_or_the_one_asked_for(text, user, language):
    assert _parse(text, user).language == language


GREETINGS = st.sampled_from(
    ["Здравствуйте!", "Добрый день, коллеги.", "Я работаю в университете в Караганде.", "Спасибо за бота.",
     "Мы из Казахстана.", "Прочитал новость вчера."]
)  # fmt: skip


@given(st.lists(GREETINGS, min_size=1, max_size=4))
def test_the_question_is_found_among_greetings_and_context(context):
    question = "Кто сопредседатели альянса?"
    assert find_question(" ".join([*context, question]), lexicon()) == question


@pytest.mark.parametrize(
    ("text", "intent", "entities"),
    [
        ("Какой фонд планирует создать Китай?", "fund", ["CN"]),
        ("Кто сопредседатель от Казахстана?", "co_chairs", ["KZ"]),
        ("Германия", None, ["DE"]),
        ("сколько денег в фонде", "fund_amount", []),
        ("who runs IGTIPC", "leadership", ["igtipc"]),
        ("Мы из Казахстана. Кто сопредседатели?", "co_chairs", []),
        ("I am hungry", None, []),
    ],
)
def test_a_question_parses_into_intent_and_entities(text, intent, entities):
    parsed = _parse(text)
    assert parsed.intent == intent
    assert [e.key for e in parsed.entities] == entities


def test_a_leftover_word_is_not_taken_for_a_name():
    assert _parse("Есть ли?").unknown_names == ()
    assert _parse("Входит ли Япония в альянс?").unknown_names == ("Япония",)


def test_retrieval_needs_most_of_the_question_in_one_passage():
    retriever = Retriever(
        [
            Passage("works under the Ministry of Ecology", "en", "https://igtipc.org/1", "2025-06-12"),
            Passage("hydrogen energy forum in Shanghai", "en", "https://igtipc.org/2", "2025-06-13"),
        ]
    )
    assert retriever.best("how does the supply chain work", "en") == []
    assert [p.url for p in retriever.best("hydrogen energy forum", "en")] == ["https://igtipc.org/2"]


async def test_the_question_log_groups_misses_counts_votes_and_prunes(db: Database):
    log = QuestionLogRepository(db)
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    for text in ("kto predsedatel", "кто председатель"):
        await log.record(
            question=text,
            normalized=" ".join(w.key for w in words(text)),
            language="ru",
            intent="x",
            outcome="low",
            at=now,
        )
    answered = await log.record(question="q", normalized="q", language="en", intent="x", outcome="answered", at=now)
    assert await log.vote(answered, 1)
    assert not await log.vote(answered + 100, -1)
    misses = await log.misses(since=now - timedelta(days=1), limit=10)
    assert [(m.normalized, m.count) for m in misses] == [("cto predsedatel", 2)]
    votes = await log.votes(since=now - timedelta(days=1))
    assert (votes.up, votes.down, votes.missed) == (1, 0, 2)
    assert await log.prune(before=now + timedelta(seconds=1)) == 3


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_every_intent_has_a_button_label_and_every_unstated_one_its_wording(language):
    from bot.i18n import localizer

    l10n = localizer(language)
    for name, intent in lexicon().intents.items():
        assert l10n(f"qa-choice-{name.replace('_', '-')}")
        if intent.not_stated:
            assert l10n(f"qa-attr-{name.replace('_', '-')}")


def test_a_passage_that_only_repeats_the_question_is_not_an_answer():
    retriever = Retriever([Passage("Belt and Road Initiative", "en", "https://igtipc.org/1", "2025-06-12")])
    assert retriever.best("how do you like the Belt and Road Initiative", "en") == []
    assert [p.url for p in retriever.best("belt road initiative founded", "en")] == ["https://igtipc.org/1"]
