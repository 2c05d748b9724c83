# Инструменты оператора: графики /stats, OPML, /backup.
admin-chart-subscribers = Подписчики по языкам
admin-chart-deliveries = Доставки по дням
admin-chart-sent = отправлено
admin-chart-failed = не доставлено или заблокировано
admin-chart-empty = пока нет данных
admin-chart-caption = 📈 Подписчики и доставки, { $first } – { $last } (дни по UTC)
