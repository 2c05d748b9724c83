"""The playground in a real headless browser: Debian's chromium driven by selenium through /usr/bin/chromedriver.

`python -m bot demo` runs as an operator starts it, in a fresh directory; the test uses the page as a person
would. PLAYGROUND_SCREENSHOT=docs/playground.png saves the screenshot shown in the docs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.conftest import REPO_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_SECONDS = 600  # the test's own timeout (slow): the waits end as soon as the page shows the text

pytestmark = pytest.mark.slow


def _require_chromium() -> None:
    if shutil.which("chromium") and Path(CHROMEDRIVER).exists():
        return
    reason = "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: .ci/run installs them")
    pytest.skip(reason)


@pytest.fixture
def playground_url(tmp_path: Path) -> Iterator[str]:
    env = {key: value for key, value in os.environ.items() if key not in {"BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS"}}
    env |= {"PYTHONPATH": str(REPO_ROOT), "PLAYGROUND_PORT": "0", "LOG_LEVEL": "WARNING"}
    with (tmp_path / "stderr.txt").open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "demo"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        try:
            assert process.stdout is not None
            announced = process.stdout.readline()
            assert "playground: open " in announced, (tmp_path / "stderr.txt").read_text()
            yield announced.split("open ", 1)[1].split()[0]
        finally:
            process.terminate()
            process.wait()


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    _require_chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1000,1650"):
        options.add_argument(argument)
    # The driver is given, so selenium-manager has nothing to look up or download.
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def bot_message(driver: WebDriver, *parts: str, edited: bool = False) -> WebElement:
    """Wait until a bot message containing every part is on the page."""
    condition = " and ".join(f"contains(., {_literal(part)})" for part in parts)
    if edited:
        condition += " and .//span[@class='edited']"
    xpath = f"//div[contains(@class, 'message') and contains(@class, 'bot') and {condition}]"
    found: WebElement = WebDriverWait(driver, WAIT_SECONDS).until(lambda d: d.find_element(By.XPATH, xpath))
    return found


def press(driver: WebDriver, message_text: str, button_text: str) -> None:
    """Click a button of the bot message with that text; the chat re-renders as it changes, so retry."""
    xpath = (
        f"//div[contains(@class, 'bot') and contains(., {_literal(message_text)})]"
        f"//button[contains(., {_literal(button_text)})]"
    )

    def click(d: WebDriver) -> bool:
        try:
            d.find_element(By.XPATH, xpath).click()
        except (StaleElementReferenceException, WebDriverException):
            return False
        return True

    WebDriverWait(driver, WAIT_SECONDS).until(click)


def send(driver: WebDriver, text: str) -> None:
    box = driver.find_element(By.ID, "input")
    box.send_keys(text)
    driver.find_element(By.ID, "send").click()


def _literal(text: str) -> str:
    return f'"{text}"' if '"' not in text else f"'{text}'"


def test_a_person_tries_the_bot_in_the_playground(playground_url: str, browser: WebDriver, tmp_path: Path) -> None:
    browser.get(playground_url)
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: d.find_element(By.ID, "publish").text)
    Select(browser.find_element(By.ID, "language")).select_by_value("en")
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: d.find_element(By.ID, "publish").text == "Publish demo news")
    assert "Anna" in browser.find_element(By.ID, "who").text

    send(browser, "/start")
    bot_message(browser, "Hello, Anna!")
    send(browser, "Who are the co-chairs?")
    bot_message(browser, "IGTIPC", "Shanghai Electric")

    send(browser, "/settings")
    press(browser, "Your news subscription", "All ministry news")
    bot_message(browser, "Your news subscription", "all ministry news", edited=True)

    browser.find_element(By.ID, "publish").click()
    bot_message(browser, "Alliance for Innovation and Cooperation in Low-Carbon Technologies founded")
    assert browser.find_element(By.ID, "feed-status").text == "Demo news published: 1 of 2"

    browser.find_element(By.ID, "role-admin").click()
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: "Admin" in d.find_element(By.ID, "who").text)
    send(browser, "/broadcast")
    bot_message(browser, "Send the message to broadcast")
    send(browser, "Hello from the playground")
    press(browser, "Who should receive it?", "Everyone")
    press(browser, "Audience: Everyone", "Send now")
    bot_message(browser, "done")  # posted final at once when the sends were done first, else edited to it

    browser.find_element(By.ID, "role-subscriber").click()
    bot_message(browser, "Hello from the playground")
    screenshot = Path(os.environ.get("PLAYGROUND_SCREENSHOT") or tmp_path / "playground.png")
    assert browser.save_screenshot(str(screenshot))
