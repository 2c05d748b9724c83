cmd-broadcast = Admin: broadcast a message
cmd-sources = Admin: news sources
cmd-kb = Admin: knowledge base export and import
cmd-stats = Admin: statistics
admin-cancelled = Cancelled.
admin-never = never
admin-seconds = { $count ->
    [one] { $count } second
   *[other] { $count } seconds
}
admin-bc-ask = Send the message to broadcast: text with formatting, a photo, a document or a video (with a caption). Any command cancels.
admin-bc-unsupported = This kind of message cannot be broadcast. Send text, a photo, a document or a video.
admin-bc-audience = Who should receive it?
admin-bc-audience-chosen = Who should receive it? { $audience } ✓
admin-aud-all = Everyone
admin-aud-lang-ru = Russian
admin-aud-lang-kk = Kazakh
admin-aud-lang-en = English
admin-aud-scope-alliance = Alliance news subscribers
admin-aud-scope-all = All-news subscribers
admin-aud-groups = Groups and channels
admin-aud-private = Private chats only
admin-bc-preview = Preview, exactly as recipients will see it:
admin-bc-confirm = Audience: { $audience }. It will reach { $count ->
    [one] { $count } recipient
   *[other] { $count } recipients
}.
admin-bc-button-now = 📤 Send now
admin-bc-button-sched = 🕒 Schedule
admin-bc-button-cancel = ✖️ Cancel
admin-bc-when = Send the date and time on your clock ({ $zone }), for example <code>{ $example }</code>. Your time zone is in /settings.
admin-bc-bad-time = I need a future date and time on your clock ({ $zone }) like <code>{ $example }</code>.
admin-bc-too-far = A broadcast can be scheduled at most a year ahead, until { $latest }. Type an earlier date and time.
admin-bc-scheduled = Scheduled for { $when }.
admin-bc-cancelled = The broadcast is cancelled.
admin-bc-already-over = This broadcast has already ended.
admin-bc-state-draft = draft
admin-bc-state-scheduled = scheduled
admin-bc-state-sending = sending
admin-bc-state-done = done
admin-bc-state-cancelled = cancelled
admin-bc-report =
    <b>Broadcast #{ $id }</b>: { $state }
    Recipients: { $total }
    Sent: { $sent } · failed: { $failed } · blocked: { $blocked } · left: { $left } · cancelled: { $cancelled }
    Rate: { $rate }/s · time left: { $eta }
admin-src-title = <b>News sources</b>
admin-src-none = No sources are configured. Add one: <code>/sources add URL [rss|govkz] [ru|kk|en]</code>
admin-src-on = ▶️ active
admin-src-off = ⏸ paused
admin-src-line =
    <b>#{ $id }</b> { $state } · { $language } · { $title }
    { $url }
    Last success: { $success } · failures in a row: { $failures }
    Last error: { $error }
admin-src-button-pause = ⏸ #{ $id }
admin-src-button-resume = ▶️ #{ $id }
admin-src-button-poll = 🔄 #{ $id }
admin-src-button-remove = 🗑 #{ $id }
admin-src-button-rmok = 🗑 Yes, remove source #{ $id }
admin-src-button-keep = ↩️ Keep it
admin-src-confirm-remove = Remove source #{ $id }? Confirm with the button.
admin-src-add-usage = Usage: <code>/sources add URL [rss|govkz] [ru|kk|en]</code>
admin-src-checking = Checking { $url } …
admin-src-add-failed = The source was not added: { $error }
admin-src-added = Added source #{ $id } ({ $entries ->
    [one] { $entries } item in the feed now
   *[other] { $entries } items in the feed now
}).
    { $line }
admin-src-polling = Polling…
admin-src-polled = Source #{ $id } polled: { $outcome ->
        [ok] read
        [not_modified] not changed since the last poll
        [busy] another poll of it was running, try again
       *[other] failed ({ $outcome })
    }, new items: { $new }. Error: { $error }
admin-src-done-pause = Source #{ $id } is paused.
admin-src-done-resume = Source #{ $id } is polled again.
admin-src-done-remove = Source #{ $id } is removed; its stored news stays.
admin-kb-send-file = Send the knowledge base as a YAML document (as exported by /kb). Any command cancels.
admin-kb-exported = The knowledge base: { $organizations } organizations. Edit it and send it back after <code>/kb import</code>.
admin-kb-invalid = Nothing was changed: { $count ->
    [one] { $count } error
   *[other] { $count } errors
} in the file.
admin-kb-too-big = The file is larger than { $limit } bytes.
admin-kb-not-utf8 = The file is not UTF-8 text.
admin-kb-imported = Knowledge base imported: { $organizations } organizations, { $countries } countries, { $people } people.
admin-stats =
    <b>Statistics</b>

    <b>Subscribers</b>: active { $active }, paused { $paused }, blocked or gone { $blocked }
    By language: { $languages }
    By news: { $scopes }
    By delivery: { $modes }
    <b>Chats</b> by type: { $chats }

    <b>Deliveries</b>: sent { $sent_day } in 24 h, { $sent_week } in 7 days
    Failed or blocked: { $failed_day } in 24 h, { $failed_week } in 7 days
    Waiting in the queue: { $queue }

    <b>Sources</b>: { $sources } (healthy { $healthy }, failing { $failing }, paused { $disabled })
admin-mod-held = 🛂 <b>Waiting for approval</b>
admin-mod-button-approve = ✅ Approve
admin-mod-button-title = ✏️ Edit title
admin-mod-button-skip = ⏭ Skip
admin-mod-decided = This announcement was already decided.
admin-mod-ask-title = The current title: { $title }
    Send the new title. Any command cancels.
admin-mod-bad-title = The title must be 1 to { $limit } characters.
admin-mod-approved = Approved: { $count ->
    [one] { $count } message queued.
   *[other] { $count } messages queued.
}
admin-mod-skipped = Skipped: it will not be sent.
admin-alert-stalled = The sender is stalled: { $count } messages are due and nothing was sent for { $minutes } minutes.
admin-alert-failures = { $count } sends failed in the last { $minutes } minutes.
admin-alert-crash = The bot could not start: { $error }
admin-alert-task-failed = The background task “{ $task }” failed and is restarting: { $error }
admin-alert-poller-stalled = Polling has stalled: a source has been waiting to be polled for { $minutes } min.
admin-alert-database-stalled = The database has not answered for { $seconds } s: nothing is polled, sent or recorded until it does.
admin-chat-type-private = private
admin-chat-type-group = groups
admin-chat-type-supergroup = supergroups
admin-chat-type-channel = channels
admin-alert-handler-error = A handler failed on an update ({ $error }); the user was asked to try again. Details are in the log.
admin-kb-more-errors = …and { $count } more problems.
admin-src-page = (page { $page } of { $pages })
admin-src-prev = ◀ Previous
admin-src-next = Next ▶
cmd-why = Admin: why was a news item (not) delivered
admin-why-usage = Send /why and an article link, optionally followed by a user or chat id: /why https://example.org/news/1 123456789
admin-why-unknown = No stored news item has the link { $url }.
admin-why-title = 🔎 <b>{ $title }</b>
admin-why-story = One story in { $count } versions ({ $languages }); each with its own trail:
admin-why-version = <b>Version { $language }</b> (#{ $id })
admin-why-fetched = Fetched: { $when }, source “{ $source }”
admin-why-alliance = Classified: alliance news ({ $reason })
admin-why-other = Classified: other news (nothing about the alliance found)
admin-why-mod-none = Moderation: not held
admin-why-mod-held = Moderation: held since { $held }, waiting for a decision
admin-why-mod-approved = Moderation: held { $held }, approved { $when }
admin-why-mod-skipped = Moderation: held { $held }, skipped { $when }
admin-why-not-queued = Queued: not for anyone
admin-why-queued = Queued: { $when }, { $recipients } recipients, { $versions } versions
admin-why-counts = Sent { $sent }, failed { $failed }, blocked { $blocked }, left { $left }, waiting { $pending }
admin-why-digest = In { $count } digests still to come
admin-why-errors = Most common errors:
admin-why-error = { $count } × { $error }
admin-why-channels = Official channels:
admin-why-channel-post = { $channel }: posted { $when } ({ $version } version)
admin-why-channel-version = { $channel }: edited { $when }, the { $version } version replaced the one shown
admin-why-channel-correction = { $channel }: edited { $when }, the source corrected the { $version } version
admin-why-channel-pending = (waiting to be sent)
admin-why-channel-failed = (not done: { $error })
admin-why-user-sent = Chat { $user }: got it on { $when }.
admin-why-user-pending = Chat { $user }: queued, not sent yet (next attempt { $when }).
admin-why-user-quiet = Chat { $user }: waits for the end of its quiet hours ({ $when }).
admin-why-user-failed = Chat { $user }: sending failed: { $error }
admin-why-user-blocked = Chat { $user }: not delivered, the bot is blocked or was removed: { $error }
admin-why-user-left = Chat { $user }: unsubscribed before it was sent.
admin-why-user-digest = Chat { $user }: waits for its next digest.
admin-why-user-held = Chat { $user }: not sent, the item waits for moderation.
admin-why-user-skipped = Chat { $user }: not sent, an admin skipped the item.
admin-why-user-not-subscribed = Chat { $user }: not subscribed.
admin-why-user-inactive = Chat { $user }: inactive (blocked the bot or removed it).
admin-why-user-paused = Chat { $user }: subscription paused.
admin-why-user-scope = Chat { $user }: subscribed to alliance news only, and this is other news.
admin-why-user-keywords = Chat { $user }: its keyword filter excludes it (include: { $include }; exclude: { $exclude }).
admin-why-user-language = Chat { $user }: its news languages ({ $languages }) exclude the item's language ({ $language }).
admin-why-user-had = Chat { $user }: already has this story in another version ({ $language }).
admin-why-story-merged = Story: the same as item #{ $story } ({ $reason ->
       *[url] the same article address
    })
admin-why-story-similar = Story: its own. It looks like item #{ $story } ({ $likeness ->
        [title] the same title and day
        [url] the same link, but another item of the same source
       *[text] the same text
    }), but nothing proves it is the same article, so both are delivered.
admin-why-user-had-waiting = Chat { $user }: its copy of this story ({ $language }) is queued and goes out { $when }; this version is not preferred to it.
admin-why-user-superseded = Chat { $user }: before it was sent, this version was replaced by a better one ({ $language }).
admin-why-user-had-digest = Chat { $user }: got this story in a digest ({ $language }); a digest is never edited.
admin-why-user-digest-sent = Chat { $user }: got it in a digest ({ $when }).
admin-why-user-later = Chat { $user }: subscribed after the item was queued ({ $when }).
admin-why-user-unannounced = Chat { $user }: not sent, the item was not handed to delivery yet.
admin-why-user-unexplained = Chat { $user }: not queued, and its settings would accept the item now.
admin-why-button = 🔎 Why?
admin-channels-title = <b>Official channels</b>
admin-channel-line = { $language }: { $channel } · members: { $members } · last post: { $last } · 7 days: sent { $sent }, failed { $failed }
admin-channel-error = ⚠️ { $error }
