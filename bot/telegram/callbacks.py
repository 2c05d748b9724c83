"""Callback data of every button, one factory per kind of button with typed (Enum, Literal) fields.

A forged or stale value fails to unpack, so no handler matches and the fallback's stale-button answer
replies; what a value names (a broadcast, a source) is still checked again on press.
"""

from enum import IntEnum, StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from domain.broadcasts import Audience
from domain.languages import Language
from domain.subscriptions import QUIET_PRESET_COUNT, Mode, Scope

# The bot's row ids are PostgreSQL INTEGERs, and Telegram's message ids fit in 32 bits too: a forged number past
# them fails to unpack (the fallback refuses it) instead of failing the database query.
INT32_MAX = 2**31 - 1
RowId = Annotated[int, Field(ge=1, le=INT32_MAX)]
PageNumber = Annotated[int, Field(ge=0, le=INT32_MAX)]
MessageId = Annotated[int, Field(ge=0, le=INT32_MAX)]  # 0: none


class BroadcastStep(StrEnum):
    NOW = "now"
    SCHEDULE = "sched"
    CANCEL = "cancel"
    ASK = "ask"  # BROADCAST_APPROVALS=2: ask the other admins to approve


class BroadcastAction(CallbackData, prefix="admb"):
    broadcast: RowId
    action: BroadcastStep


class BroadcastAudience(CallbackData, prefix="admba"):
    broadcast: RowId
    audience: Audience


class ApprovalStep(StrEnum):
    APPROVE = "ok"
    REJECT = "no"


class BroadcastApproval(CallbackData, prefix="admbap"):
    """Another admin's answer to a broadcast waiting for a second pair of eyes."""

    broadcast: RowId
    action: ApprovalStep


class ArchiveKind(StrEnum):
    ALL = "all"
    BROADCAST = "broadcast"
    ANNOUNCEMENT = "announcement"


class ArchivePage(CallbackData, prefix="arcp"):
    """A page of /archive, of one kind or all."""

    page: PageNumber
    kind: ArchiveKind = ArchiveKind.ALL


class ArchiveTexts(CallbackData, prefix="arct"):
    """A record's text in every language it was published in."""

    record: RowId


class SourceStep(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    POLL = "poll"
    REMOVE = "remove"  # asks first: the list's buttons become "yes, remove" and "keep"
    REMOVE_CONFIRMED = "rmok"
    KEEP = "keep"


class SourceAction(CallbackData, prefix="adms"):
    """A source's button: on a page of /sources (`page` set: the list is redrawn in place) or under an alert."""

    source: RowId
    action: SourceStep
    page: PageNumber | None = None


class SourcePage(CallbackData, prefix="admsp"):
    page: PageNumber


class ModerationStep(StrEnum):
    APPROVE = "approve"
    TITLE = "title"
    SKIP = "skip"


class ModerationAction(CallbackData, prefix="admm"):
    entry: RowId
    action: ModerationStep


class WhyEntry(CallbackData, prefix="admw"):
    entry: RowId


# Subscribers' buttons: /language, /settings and the news-language offer. Each field is typed, so a forged or
# outdated value (a language we do not speak, a mode that does not exist) fails to unpack like any other.


class LanguageChoice(CallbackData, prefix="lang"):
    """The interface language (the /language picker)."""

    code: Language


class NewsLanguageStep(StrEnum):
    ONLY = "only"
    ADD = "add"
    KEEP = "keep"


class NewsLanguages(CallbackData, prefix="nlang"):
    """After a change of interface language: news in that language only, added, or as it was."""

    code: Language
    action: NewsLanguageStep


class ScopeChoice(CallbackData, prefix="dsc"):
    scope: Scope


class NewsLanguageToggle(CallbackData, prefix="dsl"):
    code: Language


class OwnLanguagesOnly(CallbackData, prefix="dso"):
    only: bool


class ModeChoice(CallbackData, prefix="dsm"):
    mode: Mode


class HourShift(IntEnum):
    EARLIER = -1
    LATER = 1


class DigestHourShift(CallbackData, prefix="dsh"):
    # An IntEnum, not Literal[-1, 1]: the packed "-1" is a string, which a Literal of ints refuses to unpack.
    hours: HourShift


class QuietPreset(CallbackData, prefix="dsq"):
    preset: int = Field(ge=0, lt=QUIET_PRESET_COUNT)


class ZoneMenu(CallbackData, prefix="dszm"):
    """Show the zones offered for the chat's language."""


class ZoneChoice(CallbackData, prefix="dsz"):
    name: str  # an IANA name; checked against the zones offered before it is set


class PauseChoice(CallbackData, prefix="dsp"):
    paused: bool


class SubscribeAgain(CallbackData, prefix="dsub"):
    """Subscribe from /settings of a chat that is not subscribed."""


class AskCenter(CallbackData, prefix="ask"):
    """ "Ask the Center" under an answer the bot could not give (or one rated 👎)."""

    log: RowId  # the question log row: the question and its language
    question: MessageId  # the asker's message the Center's answer replies to (0: none known)


class InquiryStep(StrEnum):
    ANSWER = "answer"
    CLOSE = "close"
    FACT = "fact"  # the answer into the knowledge base


class InquiryAction(CallbackData, prefix="inq"):
    """An admin's button on an inquiry."""

    inquiry: RowId
    action: InquiryStep


class ForgetStep(StrEnum):
    CONFIRM = "yes"
    KEEP = "no"


class ForgetChoice(CallbackData, prefix="forget"):
    """The confirmation of /forget; `chat` is checked on press, so a copied button forgets no other chat."""

    chat: int
    action: ForgetStep
