"""Rendering throughput: entries with a WordPress-like body of about 3 KB into Telegram messages.

Baseline in the same run: the naive approach, `html.escape` of the same body plus truncation (which shows tags
as text and can cut an entity in half). Run: `python -m bench.render [--entries N]`.

`python -m bench.render --adversarial` renders 100 KB bodies of hostile shapes instead (deep nesting, misnested
formatting, thousands of list items or cells...) and prints the worst time per 100 KB (goal: at most 50 ms),
with the same-run baseline of an ordinary 100 KB body of paragraphs.
"""

from __future__ import annotations

import argparse
import html
import time
from dataclasses import replace
from datetime import UTC, datetime

from bot.rendering import render_entry
from domain.entries import Entry, StoredEntry

BODY = """<p><img loading="lazy" decoding="async" class="alignleft size-medium wp-image-{n}" \
src="https://igtipc.org/wp-content/uploads/2025/06/forum-{n}-300x200.jpg" alt="" width="300" height="200" \
srcset="https://igtipc.org/wp-content/uploads/2025/06/forum-{n}-300x200.jpg 300w, \
https://igtipc.org/wp-content/uploads/2025/06/forum-{n}.jpg 1024w" sizes="(max-width: 300px) 100vw, 300px" /></p>
<p style="text-align: justify;"><strong>12 июня 2025 года в&nbsp;Шанхае</strong> состоялось учредительное \
заседание Альянса по&nbsp;инновациям и&nbsp;сотрудничеству в&nbsp;области низкоуглеродных технологий \
в&nbsp;рамках инициативы &laquo;Один пояс, один путь&raquo;. В&nbsp;состав Альянса вошли 26 организаций \
из&nbsp;22 стран&nbsp;&mdash; ведущие научные, технологические и&nbsp;инвестиционные структуры.</p>
<p style="text-align: justify;">Председательскими единицами Альянса стали Административный центр \
по&nbsp;реализации Повестки дня Китая на&nbsp;XXI век (ACCA21) и&nbsp;Шанхайский центр обмена в&nbsp;области \
науки и&nbsp;технологий (SSTEC). Сопредседателями избраны <a href="https://igtipc.org/">Международный центр \
зелёных технологий и&nbsp;инвестиционных проектов</a> и&nbsp;Shanghai Electric Group.</p>
<h3>Цели Альянса</h3>
<ul>
<li>устойчивые решения и&nbsp;ускорение глобального климатического перехода;</li>
<li>трансфер технологий и&nbsp;устойчивое финансирование;</li>
<li>вклад в&nbsp;Парижское соглашение и&nbsp;Повестку ООН до&nbsp;2030 года.</li>
</ul>
<p style="text-align: justify;">Китайская сторона планирует создать в&nbsp;рамках Альянса фонд для \
финансирования зелёных проектов в&nbsp;странах инициативы. Подробнее о&nbsp;деятельности Центра \
<a href="/2025/06/12/{n}" target="_blank" rel="noopener">читайте на&nbsp;сайте</a>.</p>
<blockquote><p><em>&laquo;Альянс станет площадкой для обмена лучшими практиками&raquo;</em></p></blockquote>
<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social">\
<h3 class="sd-title">Поделиться:</h3><div class="sd-content"><ul><li class="share-telegram">\
<a rel="nofollow noopener noreferrer" class="share-telegram sd-button" href="https://igtipc.org/?share=telegram" \
target="_blank" title="Telegram"><span>Telegram</span></a></li></ul></div></div></div>
<script type="text/javascript">window.WPCOM_sharing_counts = {{"https://igtipc.org/{n}": {n}}};</script>
<p>The post <a rel="nofollow" href="https://igtipc.org/2025/06/12/{n}/">Альянс</a> appeared first on \
<a rel="nofollow" href="https://igtipc.org">МЦЗТИП</a>.</p>
"""


def make_entries(count: int) -> list[StoredEntry]:
    now = datetime(2025, 6, 12, 10, tzinfo=UTC)
    return [
        StoredEntry(
            id=n,
            source_id=1,
            source_title="МЦЗТИП",
            entry=Entry(
                key=str(n),
                url=f"https://igtipc.org/2025/06/12/{n}",
                title=f"Основан Альянс по инновациям в области низкоуглеродных технологий №{n}",
                summary_html=BODY.format(n=n),
                image_url=f"https://igtipc.org/wp-content/uploads/2025/06/forum-{n}.jpg" if n % 2 else None,
                published_at=now,
                language="ru",
            ),
            first_seen_at=now,
            is_alliance=True,
            alliance_reason=None,
        )
        for n in range(count)
    ]


def naive(stored: StoredEntry) -> str:
    """What a quick bot does: escape everything and cut at 4096 characters."""
    return (f"<b>{html.escape(stored.entry.title)}</b>\n\n" + html.escape(stored.entry.summary_html))[:4096]


ADVERSARIAL_UNITS = (
    "<b>", "<div><b>", "<ul><li>", "<ol><li>x", "<i><b>x</i>", "<p>x", "<div>", "<table><tr><td>", "</b>", "<br>",
    '<a href="https://a.kz"><b>', '<span class="tg-spoiler">', "<blockquote><p>", "<pre><code>", "<div></span>",
    "<b><p></b>x", "&amp;<", "<!--", "<a href='//x:99999'>y</a>",
    "<a", "<", "a<b ", "<b x='<'>",  # tags never closed, "<" in an attribute
)  # fmt: skip
ADVERSARIAL_SIZE = 100_000


def _worst_of(body: str, rounds: int = 3) -> float:
    stored = make_entries(1)[0]
    entry = replace(stored.entry, summary_html=body)
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        render_entry(replace(stored, entry=entry), "ru")
        best = min(best, time.perf_counter() - started)
    return best


def adversarial() -> None:
    ordinary = ("<p>" + "Альянс по низкоуглеродным технологиям. " * 5 + "</p>") * 1000
    baseline = _worst_of(ordinary[:ADVERSARIAL_SIZE])
    times = {
        unit: _worst_of((unit * (ADVERSARIAL_SIZE // len(unit) + 1))[:ADVERSARIAL_SIZE]) for unit in ADVERSARIAL_UNITS
    }
    worst_unit, worst = max(times.items(), key=lambda item: item[1])
    for unit, seconds in sorted(times.items(), key=lambda item: -item[1]):
        print(f"{unit!r:36} {seconds * 1e3:7.1f} ms per 100 KB")
    print(f"baseline (ordinary 100 KB of paragraphs): {baseline * 1e3:.1f} ms")
    print(f"worst: {worst * 1e3:.1f} ms per 100 KB ({worst_unit!r}); goal <= 50 ms")
    print(f"ratio worst/baseline: {worst / baseline:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--adversarial", action="store_true", help="worst time per 100 KB over hostile shapes")
    arguments = parser.parse_args()
    if arguments.adversarial:
        adversarial()
        return
    count = arguments.entries
    entries = make_entries(count)
    body_kb = sum(len(e.entry.summary_html.encode()) for e in entries) / count / 1024

    started = time.perf_counter()
    for stored in entries:
        naive(stored)
    baseline = time.perf_counter() - started

    started = time.perf_counter()
    for stored in entries:
        render_entry(stored, "ru")
    rendered = time.perf_counter() - started

    print(f"entries: {count}, body: {body_kb:.1f} KB each (UTF-8)")
    print(f"render_entry (nh3 + structure + UTF-16 cut, text and caption): {count / rendered:,.0f} entries/s")
    print(f"baseline html.escape + [:4096]:                                {count / baseline:,.0f} entries/s")
    print(f"ratio render/baseline time: {rendered / baseline:.1f}x slower; {rendered / count * 1e3:.3f} ms per entry")


if __name__ == "__main__":
    main()
