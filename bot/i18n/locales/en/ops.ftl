# Operators' tools: the /stats charts, OPML, /backup.
admin-chart-subscribers = Subscribers by language
admin-chart-deliveries = Deliveries per day
admin-chart-sent = sent
admin-chart-failed = failed or blocked
admin-chart-empty = no data yet
admin-chart-caption = 📈 Subscribers, deliveries and questions, { $first } – { $last } (days in { $zone })
admin-src-settings = every { $interval } s · extra headers: { $headers }
admin-src-interval-usage = Usage: <code>/sources interval ID SECONDS</code> (10 to 604800)
admin-src-interval-set = Source #{ $id } is polled every { $seconds } s; next poll: { $next }.
admin-src-headers-usage = Usage: <code>/sources headers ID</code>, then one <code>Name: value</code> per line (none clears them)
admin-src-headers-set = Extra headers of source #{ $id }: { $names }
admin-src-not-changed = Nothing changed: { $error }
admin-src-exported = { $count ->
    [one] { $count } source as OPML. Any feed reader imports it; send it back after <code>/sources import</code>.
   *[other] { $count } sources as OPML. Any feed reader imports it; send it back after <code>/sources import</code>.
}
admin-src-send-opml = Send an OPML file (from a feed reader or <code>/sources export</code>). Feeds that are already sources are skipped. Any command cancels.
admin-src-import-failed = Nothing was imported: { $error }
admin-src-opml-too-big = Nothing was imported: the file is larger than { $limit } KB.
admin-src-imported = OPML imported: { $added } added, { $existing } already there, { $refused } refused.
admin-src-import-languages = No language in the file for these; they were added in:
admin-alert-backup-failed = The scheduled backup failed: { $error }
admin-backup-working = Making a backup…
admin-backup-sent = 💾 Backup of { $time }, { $size } MB. Restore it with <code>python -m bot restore FILE</code> while the bot is stopped.
admin-backup-too-big = The backup ({ $size } MB) is larger than the { $limit } MB Telegram lets a bot send. It is on the server: <code>{ $path }</code>
admin-backup-failed = No backup was made: { $error }
admin-backup-postgres = The database is PostgreSQL: back it up on the server with <code>pg_dump</code> (see docs/OPERATIONS.md).
cmd-backup = Admin: database backup

# /stats chart: questions answered vs not known per day
admin-chart-questions = Questions per day
admin-chart-answered = answered
admin-chart-not-known = not known
