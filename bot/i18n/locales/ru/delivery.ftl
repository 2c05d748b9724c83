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

    Фильтры по словам: <code>/settings include солнечный ветер</code>, <code>/settings exclude спорт</code>; команда без слов очищает список.
delivery-scope-alliance = только объявления альянса
delivery-scope-all = все новости министерства
delivery-mode-instant = сразу после публикации
delivery-mode-daily = ежедневная сводка в { $hour }:00 UTC
delivery-mode-weekly = еженедельная сводка по понедельникам в { $hour }:00 UTC
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
