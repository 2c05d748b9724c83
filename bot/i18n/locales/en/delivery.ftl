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
    Time zone: { $zone }
    Quiet hours: { $quiet }
    An announcement in none of my languages: { $fallback }

    Word filters: <code>/settings include solar wind</code>, <code>/settings exclude sport</code>; the command without words clears the list. Time zone: <code>/settings timezone Europe/Berlin</code>; quiet hours: <code>/settings quiet 22-08</code> or <code>/settings quiet off</code>.
delivery-scope-alliance = alliance announcements only
delivery-scope-all = all ministry news
delivery-mode-instant = as soon as published
delivery-mode-daily = daily digest at { $hour }:00 ({ $zone })
delivery-mode-weekly = weekly digest on Mondays at { $hour }:00 ({ $zone })
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
delivery-quiet-off = off
delivery-quiet-hours = { $start }:00–{ $end }:00, news waits until { $end }:00
delivery-fallback-send = sent in the language it exists in
delivery-fallback-skip = not sent (only my languages)
delivery-button-timezone = 🕒 { $zone }
delivery-button-quiet = 🌙 Quiet hours: { $quiet }
delivery-button-own-only = Only my languages
delivery-timezone-choose = Choose your time zone, or send one by name, for example <code>/settings timezone Europe/Paris</code>:
delivery-timezone-saved = Time zone: { $zone }.
delivery-timezone-unknown = I don't know the time zone { $zone }. Use a name like <code>Europe/Berlin</code> or <code>Asia/Almaty</code>.
delivery-quiet-saved = Quiet hours: { $quiet }.
delivery-quiet-bad = Write quiet hours in your local time as <code>/settings quiet 22-08</code>, or <code>/settings quiet off</code>.
delivery-taste-ask = Would you like the latest three alliance announcements now, or only new ones from now on?
delivery-button-taste-now = 📰 Latest three now
delivery-button-taste-new = Only new ones
delivery-taste-sent = { $count ->
    [0] There are no announcements yet: new ones will come as soon as they are published.
    [one] Here it comes: { $count } announcement.
   *[other] Here they come: { $count } announcements.
}
delivery-taste-none = Fine: only new announcements from now on.
delivery-language-offer = News in { $language } as well? Your news languages now: { $languages }.
delivery-button-news-only = Only in { $language }
delivery-button-news-add = Add { $language }
delivery-button-news-keep = Keep as it is
delivery-languages-saved = News languages: { $languages }.
