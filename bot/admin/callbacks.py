"""Callback data of admin buttons. Every field is checked again on press: a forged button does nothing."""

from aiogram.filters.callback_data import CallbackData


class BroadcastAction(CallbackData, prefix="admb"):
    broadcast: int
    action: str  # aud, now, sched, cancel
    value: str = ""


class SourceAction(CallbackData, prefix="adms"):
    source: int
    action: str  # pause, resume, remove, poll


class ModerationAction(CallbackData, prefix="admm"):
    entry: int
    action: str  # approve, title, skip
