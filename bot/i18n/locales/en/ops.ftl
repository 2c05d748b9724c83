# Operators' tools: the /stats charts, OPML, /backup.
admin-chart-subscribers = Subscribers by language
admin-chart-deliveries = Deliveries per day
admin-chart-sent = sent
admin-chart-failed = failed or blocked
admin-chart-empty = no data yet
admin-chart-caption = 📈 Subscribers and deliveries, { $first } – { $last } (UTC days)
