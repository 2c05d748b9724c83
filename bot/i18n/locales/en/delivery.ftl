cmd-settings = News subscription settings
cmd-stop = Stop receiving news
delivery-settings =
    <b>Your news subscription</b>

    News: { $scope }
    Languages of news: { $languages }
    Delivery: { $mode }
    Status: { $status }
    Only news with the words: { $include }
    Never news with the words: { $exclude }

    Word filters: <code>/settings include solar wind</code>, <code>/settings exclude sport</code>; the command without words clears the list.
delivery-scope-alliance = alliance announcements only
delivery-scope-all = all ministry news
delivery-mode-instant = as soon as published
delivery-mode-daily = daily digest at { $hour }:00 UTC
delivery-mode-weekly = weekly digest on Mondays at { $hour }:00 UTC
delivery-status-active = active
delivery-status-paused = paused
delivery-words-none = —
delivery-button-alliance = Alliance only
delivery-button-all = All ministry news
delivery-button-instant = Instant
delivery-button-daily = Daily
delivery-button-weekly = Weekly
delivery-button-earlier = − 1 hour
delivery-button-later = + 1 hour
delivery-button-pause = ⏸ Pause
delivery-button-resume = ▶️ Resume
delivery-button-subscribe = Subscribe
delivery-not-subscribed = This chat is not subscribed to the news.
delivery-saved = Saved.
delivery-stopped = You have unsubscribed: no more news from me. Send /start to subscribe again.
delivery-not-stopped = This chat was not subscribed.
delivery-admins-only = Only the chat's administrators can change its news subscription.
delivery-group-subscribed = This chat is subscribed to alliance announcements. Administrators can change it with /settings and cancel it with /stop.
delivery-words-saved = Word filters saved.
