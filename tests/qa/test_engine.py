"""The engine through its public interface: language, matching, honesty, news, valid HTML."""

import dataclasses
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.services.answers import QuestionEngine, QuestionThrottle, Verdict
from bot.services.answers.engine import members_page, roles_text
from bot.services.answers.normalize import key
from local_telegram.html import parse_html
from storage.kb import KnowledgeBase
from tests.qa.fakes import FakeAnnouncements, SeedKnowledge, stored


def engine(announcements=None) -> QuestionEngine:
    return QuestionEngine(SeedKnowledge(), announcements)


@pytest.mark.parametrize(
    ("text", "user", "expected"),
    [
        ("Кто возглавляет альянс?", "en", "ru"),
        ("Альянсты кім басқарады?", "ru", "kk"),
        ("Альянс деген не?", "ru", "kk"),
        ("Who leads the alliance?", "kk", "en"),
        ("ACCA21", "kk", "kk"),
        ("Германия", "kk", "kk"),
        ("Германия", "ru", "ru"),
    ],
)
async def test_language_of_the_question_wins_and_the_setting_breaks_ties(text, user, expected):
    assert (await engine().understand(text, user_language=user)).language == expected


KAZAKH_AS_TYPED = str.maketrans("әғқңөұүһі", "агкноуухи")


@given(st.text(alphabet="абвгдежзийклмнопрстуфхцчшыэюяәғқңөұүһі", min_size=1, max_size=12))
def test_a_kazakh_word_typed_without_its_letters_has_the_same_key(word):
    assert key(word) == key(word.translate(KAZAKH_AS_TYPED))


@pytest.mark.parametrize(
    ("question", "country"),
    [
        ("из Германии", "Германия"),
        ("Германиядан", "Германия"),
        ("Малазия", "Малайзия"),
        ("Малайзиядан", "Малайзия"),
        ("Turkey", "Турция"),
        ("Türkiye", "Турция"),
        ("Турции", "Турция"),
        ("Болгарии", "Болгария"),
        ("из Китая", "Китай"),
        ("Китаю", "Китай"),
        ("Новой Зеландии", "Новая Зеландия"),
    ],
)
async def test_inflections_typos_and_variants_find_the_country(question, country):
    answer = await engine().answer(f"{question} участвует?", user_language="ru")
    assert answer.intent == "country"
    assert country in answer.text


@pytest.mark.parametrize("question", ["Франция член альянса?", "Франциядан кім бар?", "Is France a member?"])
async def test_france_is_not_germany_and_never_a_yes(question):
    answer = await engine().answer(question, user_language="ru")
    assert answer.intent == "unknown"
    first_line = answer.text.splitlines()[0]
    assert "Герман" not in first_line and "Germany" not in first_line
    assert not first_line.startswith(("Да", "Иә", "Yes"))


async def test_transliteration_finds_shanghai_electric_in_cyrillic():
    answer = await engine().answer("Шанхай Электрик входит в альянс?", user_language="ru")
    assert "Shanghai Electric Group — сопредседатель альянса" in answer.text


async def test_names_from_the_question_are_escaped():
    answer = await engine().answer("Is <b>Evil</b> & Co a member?", user_language="en")
    assert "<b>Evil" not in answer.text
    assert "Evil" in answer.text
    parse_html(answer.text)


@pytest.mark.parametrize(
    "question",
    ["Кто возглавляет альянс?", "Кто такой Калкаманов?", "What is the alliance?", "Альянста қанша ел бар?", "Малазия"],
)
async def test_answers_are_valid_telegram_html_with_the_source_link(question):
    answer = await engine().answer(question, user_language="ru")
    parsed = parse_html(answer.text)
    assert "https://igtipc.org/2025/06/12/9036" in parsed.links
    assert answer.sources == ("https://igtipc.org/2025/06/12/9036",)


async def test_unknown_questions_fall_back_to_stored_news_with_links():
    news = FakeAnnouncements([stored(3, "Форум по водородной энергетике в Шанхае"), stored(4, "Другое")])
    answer = await engine(news).answer("Что было на форуме по водородной энергетике?", user_language="ru")
    assert answer.intent == "search"
    assert "Форум по водородной энергетике в Шанхае" in answer.text
    assert "https://igtipc.org/2025/06/03/3" in parse_html(answer.text).links
    assert "Другое" not in answer.text


async def test_without_matching_news_the_bot_says_it_does_not_know():
    news = FakeAnnouncements([stored(3, "Форум")])
    answer = await engine(news).answer("Какая погода в Астане?", user_language="ru")
    assert answer.intent == "dont-know"
    assert answer.text.startswith("Не знаю ответа")
    assert news.searches == ["погода астане"]


async def test_latest_news_lists_alliance_items_newest_first():
    news = FakeAnnouncements([stored(2, "Old <news>"), stored(5, "Newest"), stored(7, "Unrelated", alliance=False)])
    answer = await engine(news).answer("Latest news", user_language="ru")
    assert answer.language == "en"
    lines = answer.text.splitlines()
    assert lines[0] == "<b>Latest alliance news</b>"
    assert "Newest" in lines[1] and "Old &lt;news&gt;" in lines[2]
    assert "Unrelated" not in answer.text
    parse_html(answer.text)


async def test_members_pages_are_clamped_and_roles_say_what_is_unknown():
    first = await members_page(engine(), "en", 0)
    assert (first.page, first.pages) == (1, 1)
    assert "1. Administrative Centre for China's Agenda 21 (ACCA21) — chair unit, China" in first.text
    assert "…and 22 Council members whose names are not known." in first.text
    assert (await members_page(engine(), "en", 999)).page == 1
    roles = await roles_text(engine(), "ru")
    assert "секретариат: неизвестно" in roles
    assert "член Совета: 22 организации; их названия неизвестны" in roles
    assert "организация-участник: все организации альянса (26)" in roles
    parse_html(roles)


async def test_the_knowledge_base_is_read_again_after_the_reload_interval():
    knowledge = SeedKnowledge()
    cached = QuestionEngine(knowledge, reload_seconds=3600)
    fresh = QuestionEngine(knowledge, reload_seconds=0)
    for _ in range(3):
        await cached.answer("ACCA21", user_language="en")
        await fresh.answer("ACCA21", user_language="en")
    assert knowledge.loads == 1 + 3


async def test_an_imported_change_shows_up_after_the_reload_interval():
    knowledge = SeedKnowledge()
    live = QuestionEngine(knowledge, reload_seconds=0)
    assert "Shanghai Electric (Китай)" in (await live.answer("Кто сопредседатели?", user_language="ru")).text
    shanghai = knowledge.kb.organization("shanghai_electric")
    assert shanghai is not None
    renamed = dataclasses.replace(shanghai, short_names={"ru": "SEG"}, names={"ru": "SEG Group"})
    others = tuple(o for o in knowledge.kb.organizations if o.key != "shanghai_electric")
    knowledge.kb = dataclasses.replace(knowledge.kb, organizations=(*others, renamed))
    assert "SEG (Китай)" in (await live.answer("Кто сопредседатели?", user_language="ru")).text


async def test_inline_results_offer_organizations_by_partial_name_and_news():
    news = FakeAnnouncements([stored(6, "Shanghai forum held")])
    items = await engine(news).inline_results("shanghai", language="en")
    titles = [item.title for item in items]
    assert "Shanghai Science and Technology Exchange Center (SSTEC)" in titles
    assert "Shanghai Electric Group (Shanghai Electric)" in titles or "Shanghai Electric Group" in titles
    assert "Shanghai forum held" in titles
    (forum,) = [item for item in items if item.title == "Shanghai forum held"]
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", forum.description), forum.description  # "1 June 2025", not ISO
    assert len({item.id for item in items}) == len(items)
    for item in items:
        parse_html(item.text)


def test_throttle_allows_a_burst_then_refuses_politely_once_then_recovers():
    throttle = QuestionThrottle(rate=2.0, burst=3)
    verdicts = [throttle.check(1, now=100.0) for _ in range(5)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.REFUSE_WITH_NOTICE, Verdict.REFUSE_SILENTLY]
    assert throttle.check(2, now=100.0) is Verdict.ALLOW  # per user
    assert throttle.check(1, now=100.6) is Verdict.ALLOW


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=400))
async def test_any_text_gets_valid_html_and_never_crashes(text):
    answer = await engine(FakeAnnouncements([stored(1, "Альянс <x>")])).answer(text, user_language="kk")
    assert answer.language in {"ru", "kk", "en"}
    assert answer.text.strip()
    parse_html(answer.text)


async def test_a_pasted_article_is_answered():
    # How fast is a benchmark's business (bench/qa_latency.py), not a limit that flakes on a busy machine.
    text = "Альянс Германия Шанхай Электрик " * 800
    answer = await engine().answer(text, user_language="ru")
    assert "Shanghai Electric Group — сопредседатель альянса" in answer.text


@pytest.mark.parametrize("question", ["Кто сопредседатели?", "Who leads the alliance?", "Какие страны?", "Germany"])
async def test_an_empty_knowledge_base_answers_honestly(question):
    answer = await QuestionEngine(SeedKnowledge(KnowledgeBase())).answer(question, user_language="ru")
    assert answer.intent == "dont-know"
    parse_html(answer.text)


async def test_inline_goes_through_the_pipeline_in_the_users_language_each_result_once():
    items = await engine().inline_results("Германия Калкаманов Германия", language="en")
    assert len({item.id for item in items}) == len(items)
    titles = [item.title for item in items]
    assert "Germany" in titles and "Saken Kalkamanov" in titles
    answer = await engine().inline_results("kto sopredsedateli", language="kk")
    assert answer[0].text.startswith("Альянстың тең төрағалары: МЦЗТИП (Қазақстан)")


async def test_a_retrieved_passage_links_its_source_and_escapes_once():
    answer = await engine().answer("стартапы поддерживают?", user_language="ru")
    assert answer.intent == "retrieved"
    assert "стартапов" in answer.text
    assert "https://igtipc.org/2025/06/12/9036" in parse_html(answer.text).links
    assert "&amp;" not in answer.text and "&lt;" not in answer.text
