cmd-settings = Настройки подписки на новости
cmd-stop = Отписаться от новостей
delivery-settings =
    <b>Ваша подписка на новости</b>

    Новости: { $scope }
    Языки новостей: { $languages }
    Доставка: { $mode }
    Статус: { $status }
    Только новости со словами: { $include }
    Без новостей со словами: { $exclude }
    Часовой пояс: { $zone }
    Тихие часы: { $quiet }
    Объявление ни на одном из моих языков: { $fallback }

    Фильтры по словам: <code>/settings include солнечный ветер</code>, <code>/settings exclude спорт</code>; команда без слов очищает список. Часовой пояс: <code>/settings timezone Europe/Berlin</code>; тихие часы: <code>/settings quiet 22-08</code> или <code>/settings quiet off</code>.
delivery-scope-alliance = только объявления альянса
delivery-scope-all = все новости министерства
delivery-mode-instant = сразу после публикации
delivery-mode-daily = ежедневная сводка в { $hour }:00 ({ $zone })
delivery-mode-weekly = еженедельная сводка по понедельникам в { $hour }:00 ({ $zone })
delivery-status-active = активна
delivery-status-paused = на паузе
delivery-words-none = —
delivery-button-alliance = Только альянс
delivery-button-all = Все новости министерства
delivery-button-instant = Сразу
delivery-button-daily = Раз в день
delivery-button-weekly = Раз в неделю
delivery-button-earlier = − 1 час
delivery-button-later = + 1 час
delivery-button-pause = ⏸ Пауза
delivery-button-resume = ▶️ Возобновить
delivery-button-subscribe = Подписаться
delivery-not-subscribed = Этот чат не подписан на новости.
delivery-saved = Сохранено.
delivery-stopped = Вы отписались: новостей от меня больше не будет. Отправьте /start, чтобы подписаться снова.
delivery-not-stopped = Этот чат не был подписан.
delivery-admins-only = Менять подписку чата могут только его администраторы.
delivery-group-subscribed = Этот чат подписан на объявления альянса. Администраторы могут изменить подписку командой /settings и отменить её командой /stop.
delivery-words-saved = Фильтры по словам сохранены.
delivery-quiet-off = выключены
delivery-quiet-hours = { $start }:00–{ $end }:00, новости ждут до { $end }:00
delivery-fallback-send = присылать на том языке, на котором оно есть
delivery-fallback-skip = не присылать (только мои языки)
delivery-button-timezone = 🕒 { $zone }
delivery-button-quiet = 🌙 Тихие часы: { $quiet }
delivery-button-own-only = Только мои языки
delivery-timezone-choose = Выберите часовой пояс или пришлите его название, например <code>/settings timezone Europe/Paris</code>:
delivery-timezone-saved = Часовой пояс: { $zone }.
delivery-timezone-unknown = Я не знаю часового пояса { $zone }. Укажите название вида <code>Europe/Berlin</code> или <code>Asia/Almaty</code>.
delivery-quiet-saved = Тихие часы: { $quiet }.
delivery-quiet-bad = Укажите тихие часы по местному времени: <code>/settings quiet 22-08</code>, или <code>/settings quiet off</code>.
delivery-taste-ask = Прислать три последних объявления альянса сейчас или только новые?
delivery-button-taste-now = 📰 Три последних сейчас
delivery-button-taste-new = Только новые
delivery-taste-sent = { $count ->
    [0] Объявлений пока нет: новые придут сразу после публикации.
    [one] Отправляю { $count } объявление.
    [few] Отправляю { $count } объявления.
   *[other] Отправляю { $count } объявлений.
}
delivery-taste-none = Хорошо: только новые объявления.
delivery-language-offer = Получать новости и на языке «{ $language }»? Сейчас языки новостей: { $languages }.
delivery-button-news-only = Только { $language }
delivery-button-news-add = Добавить { $language }
delivery-button-news-keep = Оставить как есть
delivery-languages-saved = Языки новостей: { $languages }.
