"""Links to the official channels' posts: an answer that names an announcement links to its post in the channel of
the answer's language, when the channel has one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.services.delivery.fanout import Delivery
from storage.outbox import Outbox


def post_url(target: str, chat_id: int, message_id: int) -> str:
    """The t.me link of a channel post: by the channel's @username, else its private form (t.me/c/...), which
    opens for the channel's members."""
    if target.startswith("@"):
        return f"https://t.me/{target[1:]}/{message_id}"
    internal = str(chat_id).removeprefix("-100")
    return f"https://t.me/c/{internal}/{message_id}"


class ChannelPosts:
    """Where each story was posted in the official channel of a language (the post its edits rewrite)."""

    def __init__(self, targets: Mapping[str, str], delivery: Delivery, outbox: Outbox) -> None:
        self._targets = dict(targets)  # language -> the channel as configured: @username or a chat id
        self._delivery = delivery  # its channels by chat id, resolved from @usernames at start
        self._outbox = outbox

    def labels(self) -> dict[int, str]:
        """Chat id -> the channel as configured (@username or its id), for each channel resolved."""
        resolved = self._delivery.official_channels
        return {resolved[language]: target for language, target in self._targets.items() if language in resolved}

    async def post_links(self, stories: Iterable[int], language: str) -> dict[int, str]:
        """Story -> the link of its post in the channel of `language`; stories without one are left out (no channel
        for the language, not posted yet, or its delivery rows gone with the outbox retention)."""
        target = self._targets.get(language)
        chat_id = self._delivery.official_channels.get(language)
        wanted = sorted(set(stories))
        if target is None or chat_id is None or not wanted:
            return {}
        posts = await self._outbox.posts_in(chat_id, wanted)
        return {story: post_url(target, chat_id, message_id) for story, message_id in posts.items()}
