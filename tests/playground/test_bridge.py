"""The playground's bridge, through HTTP as the page uses it: the real bot on the built-in local Telegram."""

from __future__ import annotations

import asyncio
import html
import string
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.config import Settings
from domain.urls import telegram_url
from playground import Playground
from playground.render import Node, telegram_html_tree

ADMIN = 4242


def page_text(nodes: list[Node]) -> str:
    return "".join(node if isinstance(node, str) else page_text(node["children"]) for node in nodes)


class Page:
    """What the page's script does: POST to send and press, long-poll GET /api/chat for changes."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session, self.url = session, url
        self.role, self.language = "subscriber", "en"
        self.view: dict[str, Any] = {"rev": ""}

    async def post(self, path: str, **body: Any) -> aiohttp.ClientResponse:
        payload = {"role": self.role, "language": self.language, **body}
        return await self.session.post(f"{self.url}{path}", json=payload)

    async def send(self, text: str) -> None:
        response = await self.post("/api/send", text=text)
        assert response.status == 200, await response.text()
        self.view = await response.json()

    async def press(self, message: dict[str, Any], label: str) -> None:
        button = next(b for row in message["buttons"] for b in row if label in b["text"])
        response = await self.post("/api/press", message_id=message["id"], data=button["callback_data"])
        assert response.status == 200, await response.text()
        self.view = await response.json()

    async def wait_for(self, found: Callable[[dict[str, Any]], Any], polls: int = 30) -> Any:
        """Long-poll until `found(message)` holds for a bot message; returns that message."""
        for _ in range(polls):
            for message in self.view.get("messages", []):
                if message["from"] == "bot" and found(message):
                    return message
            params = {"role": self.role, "language": self.language, "rev": self.view["rev"]}
            async with self.session.get(f"{self.url}/api/chat", params=params) as response:
                self.view = await response.json()
        raise AssertionError(f"not shown: {[page_text(m['nodes']) for m in self.view['messages']]}")


def text_of(message: dict[str, Any]) -> str:
    return page_text(message["nodes"])


@pytest.fixture
async def playground(tmp_path: Path) -> AsyncIterator[Playground]:
    settings = Settings(
        _env_file=None,
        playground_port=0,
        playground_admin_id=ADMIN,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/operator.sqlite3",
        send_rate_per_second=1000,
    )
    running = Playground(settings, data_dir=tmp_path / "data")
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def page(playground: Playground) -> AsyncIterator[Page]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        yield Page(session, playground.url)


async def test_the_page_and_its_script_are_served(page: Page) -> None:
    async with page.session.get(page.url + "/") as response:
        assert response.status == 200
        assert '<script src="/static/app.js">' in await response.text()
    async with page.session.get(page.url + "/static/app.js") as response:
        assert response.status == 200
    async with page.session.get(page.url + "/api/state", params={"language": "kk"}) as response:
        state = await response.json()
    assert state["texts"]["publish"] == "Демо жаңалықтарды жариялау"
    assert state["feed"] == {"published": 0, "total": 2}


async def test_a_subscriber_chats_presses_and_gets_the_demo_feed(page: Page, playground: Playground) -> None:
    await page.send("/start")
    welcome = await page.wait_for(lambda m: "Hello, Anna!" in text_of(m))
    assert any("English" in b["text"] for row in welcome["buttons"] for b in row)
    assert {"tag": "b", "children": ["Alliance for Innovation and Cooperation in Low-Carbon Technologies"]} in welcome[
        "nodes"
    ]

    await page.send("Who are the co-chairs?")
    answer = await page.wait_for(lambda m: "co-chairs" in text_of(m))
    assert "IGTIPC" in text_of(answer) and "Shanghai Electric" in text_of(answer)
    assert page.view["messages"][-2] == {
        "id": page.view["messages"][-2]["id"],
        "from": "user",
        "nodes": ["Who are the co-chairs?"],
    }

    await page.send("/settings")
    settings = await page.wait_for(lambda m: "Your news subscription" in text_of(m))
    await page.press(settings, "All ministry news")
    edited = await page.wait_for(lambda m: m["id"] == settings["id"] and "all ministry news" in text_of(m))
    assert edited["edited"]
    await page.wait_for(lambda _m: any(n["text"] == "Saved." for n in page.view["notices"]))

    response = await page.post("/api/publish")
    assert (await response.json())["feed"] == {"published": 1, "total": 2}
    push = await page.wait_for(
        lambda m: "Alliance for Innovation and Cooperation in Low-Carbon Technologies founded" in text_of(m)
    )
    assert "Shanghai Electric Group" in text_of(push)
    operator_database = Path(playground.base.database_url.split("///")[1])
    assert not await asyncio.to_thread(operator_database.exists)  # the operator's database is never touched


async def test_the_admin_broadcasts_and_watches_the_report_reach_done(page: Page) -> None:
    await page.send("/start")  # a subscriber to broadcast to
    await page.wait_for(lambda m: "Hello, Anna!" in text_of(m))
    page.role = "admin"
    page.view = {"rev": ""}
    await page.send("/broadcast")
    await page.wait_for(lambda m: "Send the message to broadcast" in text_of(m))
    await page.send("Hello from the playground")
    audience = await page.wait_for(lambda m: "Who should receive it?" in text_of(m))
    await page.press(audience, "Everyone")
    confirm = await page.wait_for(lambda m: "Audience: Everyone" in text_of(m))
    await page.press(confirm, "Send now")
    # The final report: done, without the Cancel button (posted so at once when the sends are over by then).
    report = await page.wait_for(lambda m: text_of(m).startswith("Broadcast #1: done") and not m["buttons"])
    assert "Hello from the playground" not in text_of(report)

    page.role = "subscriber"
    page.view = {"rev": ""}
    copy = await page.wait_for(lambda m: text_of(m) == "Hello from the playground")
    assert copy["kind"] == "text"


async def test_the_stats_chart_is_shown_as_its_picture(page: Page, playground: Playground) -> None:
    """The walk: the /stats chart showed as a grey box with the word "Photo"; the page now loads the PNG itself."""
    page.role = "admin"
    await page.send("/stats")
    chart = await page.wait_for(lambda m: m["kind"] == "photo", polls=60)
    assert chart["photo"] is not None
    async with page.session.get(page.url + chart["photo"]) as response:
        assert response.status == 200
        assert response.content_type == "image/png"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        picture = await response.read()
    (sent,) = [m for m in playground.stub.sent_to(ADMIN) if m.message_id == chart["id"]]
    assert sent.upload is not None
    assert picture == sent.upload.content
    subscriber = playground.page_user("subscriber", "en").user.id
    for forged in (
        f"/api/photo/{subscriber}/{chart['id']}",
        f"/api/photo/{ADMIN}/{chart['id'] + 999}",
        "/api/photo/x/1",
    ):
        async with page.session.get(page.url + forged) as response:
            assert response.status == 404, forged
    script = (Path(__file__).parents[2] / "playground/static/app.js").read_text()
    assert "message.photo" in script and 'createElement("img")' in script


async def test_forged_presses_and_bad_requests_are_refused(page: Page) -> None:
    await page.send("/start")
    welcome = await page.wait_for(lambda m: "Hello, Anna!" in text_of(m))
    forged = await page.post("/api/press", message_id=welcome["id"], data="lang:xx")
    assert forged.status == 400
    page.role = "nobody"
    assert (await page.post("/api/send", text="hi")).status == 400
    page.role = "subscriber"
    assert (await page.post("/api/send", text="   ")).status == 400


@given(st.text())
def test_escaped_text_is_text_on_the_page(text: str) -> None:
    assert page_text(telegram_html_tree(html.escape(text, quote=False))) == text


def hrefs(nodes: list[Node]) -> list[str]:
    found = []
    for node in nodes:
        if isinstance(node, dict):
            found += ([node["href"]] if "href" in node else []) + hrefs(node["children"])
    return found


@given(st.sampled_from(["javascript:alert(1)", "data:text/html,x", "vbscript:x", " javascript:x", "tg://x"]), st.text())
def test_links_keep_only_safe_schemes_and_their_text(href: str, label: str) -> None:
    tree = telegram_html_tree(f'<a href="{html.escape(href)}">{html.escape(label, quote=False)}</a>')
    assert hrefs(tree) == []
    assert page_text(tree) == label


@given(st.text(alphabet=string.ascii_letters + string.digits + "-._~/?#=&%+:@!$'()*,;"))
def test_safe_links_are_kept(path: str) -> None:
    url = "https://igtipc.org/" + path
    assume(telegram_url(url) == url)  # a link Telegram would refuse (a bad %-escape) is dropped before the page
    tree = telegram_html_tree(f'<a href="{html.escape(url)}">source</a>')
    assert hrefs(tree) == [url]


async def test_a_question_for_the_center_goes_round_in_the_playground(page: Page) -> None:
    page.role = "admin"
    await page.send("/start")  # the admin's chat now reads English, as the page's language
    page.role = "subscriber"
    page.view = {"rev": ""}
    await page.send("/start")
    await page.wait_for(lambda m: "Hello, Anna!" in text_of(m))
    await page.send("How much is a plane ticket to Beijing?")
    unanswered = await page.wait_for(lambda m: any("Ask the Center" in b["text"] for row in m["buttons"] for b in row))
    await page.press(unanswered, "Ask the Center")
    await page.wait_for(lambda m: "went to the Center as question #1" in text_of(m))

    page.role = "admin"
    page.view = {"rev": ""}
    notice = await page.wait_for(lambda m: "A new question for the Center (#1)" in text_of(m))
    await page.press(notice, "Answer #1")
    await page.wait_for(lambda m: "Type the Center's answer to question #1" in text_of(m))
    await page.send("Tickets are sold by airlines; the Center does not sell them.")
    await page.wait_for(lambda m: "The answer to #1 was sent to the asker." in text_of(m))

    page.role = "subscriber"
    page.view = {"rev": ""}
    answer = await page.wait_for(lambda m: "The Center answers your question" in text_of(m))
    assert "the Center does not sell them" in text_of(answer)
