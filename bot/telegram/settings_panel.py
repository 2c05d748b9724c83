"""The /settings panel: its text, and one table of preferences that draws its buttons and says what each press sets.

A preference is a kind of button (its typed callback data), the buttons it shows for a subscription (labels from
the locale files, the current choice ticked), and the subscription service's setter its press calls. The
keyboard and the handler both read the table, so a preference is added in one place; data that does not unpack
into one of its types reaches no setter (the fallback router refuses it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import LANGUAGES
from bot.i18n import Localizer, localizer
from bot.services.delivery import SubscriptionService
from bot.telegram.callbacks import (
    DigestHourShift,
    HourShift,
    ModeChoice,
    NewsLanguageToggle,
    OwnLanguagesOnly,
    PauseChoice,
    QuietPreset,
    ScopeChoice,
    SubscribeAgain,
    ZoneChoice,
    ZoneMenu,
)
from domain.clock import utcnow
from domain.localtime import zone_label
from domain.subscriptions import MODES, QUIET_PRESETS, SCOPES, Subscription

D = TypeVar("D", bound=CallbackData)


def quiet_text(subscription: Subscription, l10n: Localizer) -> str:
    hours = subscription.quiet_hours
    if hours is None:
        return l10n("delivery-quiet-off")
    return l10n("delivery-quiet-hours", start=f"{hours[0]:02d}", end=f"{hours[1]:02d}")


def settings_text(subscription: Subscription, l10n: Localizer, zone_name: str) -> str:
    """The current preferences in the chat's language, hours on the chat's clock with its zone shown."""
    hour = f"{subscription.digest_hour:02d}"
    none = l10n("delivery-words-none")
    zone = zone_label(zone_name, l10n.language, utcnow())
    return l10n(
        "delivery-settings",
        scope=l10n(f"delivery-scope-{subscription.scope}"),
        languages=", ".join(localizer(code)("language-name") for code in subscription.languages),
        mode=l10n(f"delivery-mode-{subscription.mode}", hour=hour, zone=zone),
        status=l10n("delivery-status-paused" if subscription.paused else "delivery-status-active"),
        include=", ".join(subscription.include_words) or none,
        exclude=", ".join(subscription.exclude_words) or none,
        zone=zone,
        quiet=quiet_text(subscription, l10n),
        fallback=l10n("delivery-fallback-skip" if subscription.own_languages_only else "delivery-fallback-send"),
    )


@dataclass(frozen=True, slots=True)
class Panel:
    """What the panel is drawn for: the chat's subscription, its language and its time zone."""

    subscription: Subscription
    l10n: Localizer
    zone_name: str


@dataclass(frozen=True, slots=True)
class Preference(Generic[D]):
    """One kind of /settings button: its callback data, the buttons it offers a subscription (in order), each
    button's label, whether it is the current choice (ticked), and the setter a press calls."""

    data: type[D]
    offered: Callable[[Subscription], Sequence[D]]
    label: Callable[[D, Panel], str]
    change: Callable[[SubscriptionService, int, D], Awaitable[Subscription | None]]
    chosen: Callable[[D, Subscription], bool] = lambda _data, _subscription: False

    def buttons(self, panel: Panel) -> list[InlineKeyboardButton]:
        """This preference's buttons on the panel."""
        shown = []
        for data in self.offered(panel.subscription):
            label = self.label(data, panel)
            text = f"✅ {label}" if self.chosen(data, panel.subscription) else label
            shown.append(InlineKeyboardButton(text=text, callback_data=data.pack()))
        return shown


def _next_quiet_preset(subscription: Subscription) -> QuietPreset:
    """The quiet-hours button cycles through the presets; from a typed window it starts again at "off"."""
    current = subscription.quiet_hours
    following = QUIET_PRESETS.index(current) + 1 if current in QUIET_PRESETS else 0
    return QuietPreset(preset=following % len(QUIET_PRESETS))


SCOPE = Preference(
    ScopeChoice,
    offered=lambda _: [ScopeChoice(scope=scope) for scope in SCOPES],
    label=lambda data, panel: panel.l10n(f"delivery-button-{data.scope}"),
    chosen=lambda data, subscription: subscription.scope == data.scope,
    change=lambda service, chat_id, data: service.set_scope(chat_id, data.scope),
)
NEWS_LANGUAGES = Preference(
    NewsLanguageToggle,
    offered=lambda _: [NewsLanguageToggle(code=code) for code in LANGUAGES],
    label=lambda data, _: localizer(data.code)("language-name"),
    chosen=lambda data, subscription: data.code in subscription.languages,
    change=lambda service, chat_id, data: service.toggle_language(chat_id, data.code),
)
OWN_LANGUAGES_ONLY = Preference(
    OwnLanguagesOnly,
    offered=lambda subscription: [OwnLanguagesOnly(only=not subscription.own_languages_only)],
    label=lambda _, panel: panel.l10n("delivery-button-own-only"),
    chosen=lambda _, subscription: subscription.own_languages_only,
    change=lambda service, chat_id, data: service.set_own_languages_only(chat_id, data.only),
)
MODE = Preference(
    ModeChoice,
    offered=lambda _: [ModeChoice(mode=mode) for mode in MODES],
    label=lambda data, panel: panel.l10n(f"delivery-button-{data.mode}"),
    chosen=lambda data, subscription: subscription.mode == data.mode,
    change=lambda service, chat_id, data: service.set_mode(chat_id, data.mode),
)
DIGEST_HOUR = Preference(
    DigestHourShift,
    offered=lambda subscription: (  # instant news has no digest hour to move
        [] if subscription.mode == "instant" else [DigestHourShift(hours=shift) for shift in HourShift]
    ),
    label=lambda data, panel: panel.l10n(
        "delivery-button-earlier" if data.hours is HourShift.EARLIER else "delivery-button-later"
    ),
    change=lambda service, chat_id, data: service.shift_hour(chat_id, data.hours),
)
QUIET_HOURS = Preference(
    QuietPreset,
    offered=lambda subscription: [_next_quiet_preset(subscription)],
    label=lambda _, panel: panel.l10n("delivery-button-quiet", quiet=quiet_text(panel.subscription, panel.l10n)),
    change=lambda service, chat_id, data: service.set_quiet_hours(chat_id, QUIET_PRESETS[data.preset]),
)
PAUSE = Preference(
    PauseChoice,
    offered=lambda subscription: [PauseChoice(paused=not subscription.paused)],
    label=lambda data, panel: panel.l10n("delivery-button-pause" if data.paused else "delivery-button-resume"),
    change=lambda service, chat_id, data: service.set_paused(chat_id, data.paused),
)

PREFERENCES: tuple[Preference[Any], ...] = (
    SCOPE,
    NEWS_LANGUAGES,
    OWN_LANGUAGES_ONLY,
    MODE,
    DIGEST_HOUR,
    QUIET_HOURS,
    PAUSE,
)
PREFERENCE_OF: dict[type[CallbackData], Preference[Any]] = {preference.data: preference for preference in PREFERENCES}


def zone_button(panel: Panel) -> list[InlineKeyboardButton]:
    """Opens the zones offered for the chat's language (a menu, not a setting of the subscription)."""
    label = panel.l10n("delivery-button-timezone", zone=zone_label(panel.zone_name, panel.l10n.language, utcnow()))
    return [InlineKeyboardButton(text=label, callback_data=ZoneMenu().pack())]


# The panel's rows, top to bottom; a row with no buttons (the digest hour of instant news) is left out.
LAYOUT: tuple[tuple[Callable[[Panel], list[InlineKeyboardButton]], ...], ...] = (
    (SCOPE.buttons,),
    (NEWS_LANGUAGES.buttons,),
    (OWN_LANGUAGES_ONLY.buttons,),
    (MODE.buttons,),
    (DIGEST_HOUR.buttons,),
    (QUIET_HOURS.buttons, zone_button),
    (PAUSE.buttons,),
)


def settings_keyboard(subscription: Subscription, l10n: Localizer, zone_name: str) -> InlineKeyboardMarkup:
    """Buttons for every preference; the current choices are ticked."""
    panel = Panel(subscription, l10n, zone_name)
    rows = [[button for buttons in row for button in buttons(panel)] for row in LAYOUT]
    return InlineKeyboardMarkup(inline_keyboard=[row for row in rows if row])


def zone_keyboard(zones: tuple[str, ...], current: str, l10n: Localizer) -> InlineKeyboardMarkup:
    """One button per offered zone, the current one ticked."""
    builder = InlineKeyboardBuilder()
    now = utcnow()
    for name in zones:
        label = zone_label(name, l10n.language, now)
        builder.button(text=f"✅ {label}" if name == current else label, callback_data=ZoneChoice(name=name))
    builder.adjust(2)
    return builder.as_markup()


def subscribe_keyboard(l10n: Localizer) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=l10n("delivery-button-subscribe"), callback_data=SubscribeAgain())
    return builder.as_markup()
