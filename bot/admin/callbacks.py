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


class SourceAction(CallbackData, prefix="adms"):
    source: int
    action: str  # pause, resume, remove, poll


class SourcePage(CallbackData, prefix="admsp"):
    page: int


class ModerationAction(CallbackData, prefix="admm"):
    entry: int
    action: str  # approve, title, skip
