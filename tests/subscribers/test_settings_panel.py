"""The /settings panel's table: every button it draws is one its handlers take, in every language."""

from datetime import UTC, datetime

from aiogram.filters.callback_data import CallbackData
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import localizer
from bot.telegram.callbacks import ZoneMenu
from bot.telegram.settings_panel import PREFERENCE_OF, settings_keyboard
from domain.languages import LANGUAGES
from domain.subscriptions import MODES, QUIET_PRESETS, SCOPES, Subscription

NOW = datetime(2026, 12, 7, tzinfo=UTC)
HANDLED: tuple[type[CallbackData], ...] = (*PREFERENCE_OF, ZoneMenu)

subscriptions = st.builds(
    lambda scope, languages, mode, hour, paused, quiet, own: Subscription(
        1,
        scope,
        tuple(languages),
        mode,
        hour,
        paused,
        (),
        (),
        None,
        None,
        NOW,
        NOW,
        quiet_start=quiet[0] if quiet else None,
        quiet_end=quiet[1] if quiet else None,
        own_languages_only=own,
    ),
    st.sampled_from(SCOPES),
    st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=3, unique=True),
    st.sampled_from(MODES),
    st.integers(0, 23),
    st.booleans(),
    st.sampled_from(QUIET_PRESETS) | st.tuples(st.integers(0, 23), st.integers(0, 23)),
    st.booleans(),
)


def handled(data: str) -> bool:
    for kind in HANDLED:
        try:
            kind.unpack(data)
        except (TypeError, ValueError):
            continue
        return True
    return False


@given(subscription=subscriptions, language=st.sampled_from(LANGUAGES))
def test_every_button_of_the_panel_is_one_a_handler_takes_and_within_telegrams_limits(
    subscription: Subscription, language: str
) -> None:
    keyboard = settings_keyboard(subscription, localizer(language), "Asia/Almaty")
    buttons = [button for row in keyboard.inline_keyboard for button in row]
    assert all(button.callback_data and handled(button.callback_data) for button in buttons)
    assert all(len(button.callback_data.encode()) <= 64 for button in buttons if button.callback_data)
    assert all(0 < len(row) <= 8 for row in keyboard.inline_keyboard)
    # One tick per chosen scope, mode and news language; the digest hour moves only for a digest.
    ticked = sum(button.text.startswith("✅") for button in buttons)
    assert ticked == 2 + len(subscription.languages) + subscription.own_languages_only
    assert len(keyboard.inline_keyboard) == (6 if subscription.mode == "instant" else 7)
