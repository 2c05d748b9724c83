"""The alliance classifier: keywords in ru, kk and en with word stems, names from the knowledge base."""

from __future__ import annotations

import pytest

from bot.services.ingestion.classifier import AllianceClassifier, classify
from domain.entries import Entry


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Центр вошёл в Альянс низкоуглеродных технологий", "keywords: альянс + низкоуглерод"),
        ("Встреча членов альянса в рамках инициативы «Один пояс, один путь»", "keywords: альянса + один пояс"),
        ("Альянсы стран BRI обсудили финансирование", "keywords: альянсы + BRI"),
        ("Төмен көміртекті технологиялар альянсы құрылды", "keywords: альянсы + төмен көміртекті"),
        ("«Бір белдеу, бір жол» бастамасы аясындағы Альянс", "keywords: альянс + бір белдеу, бір жол"),
        ("A new Alliance for Low-Carbon Technologies", "keywords: alliance + low-carbon"),
        ("Alliance members met under the Belt and Road Initiative", "keywords: alliance + belt and road"),
        ("the low carbon alliance", "keywords: alliance + low-carbon"),
        ("ALLIANCE\u00a0for low\u2011carbon tech", "keywords: alliance + low-carbon"),
    ],
)
def test_alliance_keywords_in_three_languages(text: str, reason: str):
    verdict = AllianceClassifier().classify_text(text)
    assert (verdict.is_alliance, verdict.reason) == (True, reason)


@pytest.mark.parametrize(
    "text",
    [
        "Альянс футбольных клубов провёл турнир",  # the alliance word alone
        "Низкоуглеродное развитие регионов обсудили в министерстве",  # the companion alone
        "Strategic alliance of retailers",
        "Brilliant results of the brigade",  # BRI inside other words
        "Ремонт шоссе в области",
    ],
)
def test_unrelated_items_are_not_alliance_items(text: str):
    assert AllianceClassifier(["ШОС"]).classify_text(text).is_alliance is False


def test_organization_names_come_from_the_caller_and_match_inflected():
    names = ["МЦЗТИП", "Shanghai Electric Group", "ACCA21", "Шанхайский центр обмена в области науки и технологий"]
    classifier = AllianceClassifier(names)
    assert classifier.classify_text("Делегация МЦЗТИПа посетила Шанхай").reason == "organization: МЦЗТИП"
    assert (
        classifier.classify_text("shanghai  electric group signs deal").reason
        == "organization: Shanghai Electric Group"
    )
    assert classifier.classify_text("Представители Шанхайского центра обмена в области науки и технологий").is_alliance
    assert classifier.classify_text("ACCA21 report").reason == "organization: ACCA21"
    assert not classifier.classify_text("ACCA2 report").is_alliance
    assert not AllianceClassifier().classify_text("Делегация МЦЗТИПа посетила Шанхай").is_alliance


def test_classify_reads_title_and_html_body():
    entry = Entry(
        key="1",
        url=None,
        title="Новости Центра",
        summary_html="<p>Создан <b>Альянс</b> &laquo;низкоуглеродных&raquo; технологий</p>",
        image_url=None,
        published_at=None,
        language="ru",
    )
    assert classify(entry).reason == "keywords: альянс + низкоуглерод"
