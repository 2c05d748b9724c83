# Инструменты оператора: графики /stats, OPML, /backup.
admin-chart-subscribers = Подписчики по языкам
admin-chart-deliveries = Доставки по дням
admin-chart-sent = отправлено
admin-chart-failed = не доставлено или заблокировано
admin-chart-empty = пока нет данных
admin-chart-caption = 📈 Подписчики, доставки и вопросы, { $first } – { $last } (дни по часовому поясу: { $zone })
admin-src-settings = каждые { $interval } с · доп. заголовки: { $headers }
admin-src-interval-usage = Формат: <code>/sources interval ID СЕКУНДЫ</code> (от 10 до 604800)
admin-src-interval-set = Источник #{ $id } опрашивается каждые { $seconds } с; следующий опрос: { $next }.
admin-src-headers-usage = Формат: <code>/sources headers ID</code>, затем по одному <code>Имя: значение</code> в строке (без строк заголовки удаляются)
admin-src-headers-set = Доп. заголовки источника #{ $id }: { $names }
admin-src-not-changed = Ничего не изменено: { $error }
admin-src-exported = { $count ->
    [one] { $count } источник в формате OPML. Его импортирует любая читалка лент; отправьте его обратно после <code>/sources import</code>.
    [few] { $count } источника в формате OPML. Его импортирует любая читалка лент; отправьте его обратно после <code>/sources import</code>.
   *[other] { $count } источников в формате OPML. Его импортирует любая читалка лент; отправьте его обратно после <code>/sources import</code>.
}
admin-src-send-opml = Отправьте файл OPML (из читалки лент или <code>/sources export</code>). Ленты, которые уже есть среди источников, пропускаются. Любая команда отменяет.
admin-src-import-failed = Ничего не импортировано: { $error }
admin-src-opml-too-big = Ничего не импортировано: файл больше { $limit } КБ.
admin-src-imported = OPML импортирован: добавлено { $added }, уже были { $existing }, отклонено { $refused }.
admin-src-import-languages = У этих лент в файле нет языка; они добавлены с языком:
admin-alert-backup-failed = Плановая резервная копия не сделана: { $error }
admin-backup-working = Делаю резервную копию…
admin-backup-sent = 💾 Резервная копия от { $time }, { $size } МБ. Восстановить: <code>python -m bot restore ФАЙЛ</code> при остановленном боте.
admin-backup-too-big = Резервная копия ({ $size } МБ) больше { $limit } МБ, которые Telegram разрешает отправлять ботам. Она на сервере: <code>{ $path }</code>
admin-backup-failed = Резервная копия не сделана: { $error }
admin-backup-postgres = База данных — PostgreSQL: делайте резервную копию на сервере с помощью <code>pg_dump</code> (см. docs/OPERATIONS.md).
cmd-backup = Админ: резервная копия базы

# /stats chart: questions answered vs not known per day
admin-chart-questions = Вопросы по дням
admin-chart-answered = отвечено
admin-chart-not-known = ответ неизвестен
