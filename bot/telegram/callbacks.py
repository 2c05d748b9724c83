"""Callback data of admin buttons, one factory per kind of button with typed (Enum) fields.

A forged or stale value fails to unpack, so no handler matches and the fallback's stale-button answer
replies; what a value names (a broadcast, a source) is still checked again on press.
"""

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from domain.broadcasts import Audience


class BroadcastStep(StrEnum):
    NOW = "now"
    SCHEDULE = "sched"
    CANCEL = "cancel"


class BroadcastAction(CallbackData, prefix="admb"):
    broadcast: int
    action: BroadcastStep


class BroadcastAudience(CallbackData, prefix="admba"):
    broadcast: int
    audience: Audience


class SourceStep(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    POLL = "poll"
    REMOVE = "remove"  # asks first: the list's buttons become "yes, remove" and "keep"
    REMOVE_CONFIRMED = "rmok"
    KEEP = "keep"


class SourceAction(CallbackData, prefix="adms"):
    """A source's button: on a page of /sources (`page` set: the list is redrawn in place) or under an alert."""

    source: int
    action: SourceStep
    page: int | None = None


class SourcePage(CallbackData, prefix="admsp"):
    page: int


class ModerationStep(StrEnum):
    APPROVE = "approve"
    TITLE = "title"
    SKIP = "skip"


class ModerationAction(CallbackData, prefix="admm"):
    entry: int
    action: ModerationStep


class WhyEntry(CallbackData, prefix="admw"):
    entry: int
