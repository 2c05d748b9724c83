cmd-broadcast = Админ: рассылка
cmd-sources = Админ: источники новостей
cmd-kb = Админ: выгрузка и загрузка базы знаний
cmd-stats = Админ: статистика
admin-cancelled = Отменено.
admin-never = никогда
admin-seconds = { $count ->
    [one] { $count } секунда
    [few] { $count } секунды
   *[many] { $count } секунд
}
admin-bc-ask = Пришлите сообщение для рассылки: текст с оформлением, фото, документ или видео (с подписью). Любая команда отменяет.
admin-bc-unsupported = Такое сообщение разослать нельзя. Пришлите текст, фото, документ или видео.
admin-bc-audience = Кому отправить?
admin-bc-audience-chosen = Кому отправить? { $audience } ✓
admin-aud-all = Всем
admin-aud-lang-ru = Русский язык
admin-aud-lang-kk = Казахский язык
admin-aud-lang-en = Английский язык
admin-aud-scope-alliance = Подписчикам новостей альянса
admin-aud-scope-all = Подписчикам всех новостей
admin-aud-groups = Группам и каналам
admin-aud-private = Только личным чатам
admin-bc-preview = Предпросмотр — так увидят получатели:
admin-bc-confirm = Аудитория: { $audience }. Сообщение получат { $count ->
    [one] { $count } получатель
    [few] { $count } получателя
   *[many] { $count } получателей
}.
admin-bc-button-now = 📤 Отправить сейчас
admin-bc-button-sched = 🕒 Запланировать
admin-bc-button-cancel = ✖️ Отменить
admin-bc-when = Пришлите дату и время по вашим часам ({ $zone }), например <code>{ $example }</code>. Часовой пояс меняется в /settings.
admin-bc-bad-time = Нужны будущие дата и время по вашим часам ({ $zone }) в виде <code>{ $example }</code>.
admin-bc-too-far = Рассылку можно запланировать не больше чем на год вперёд, до { $latest }. Укажите более раннюю дату и время.
admin-bc-scheduled = Запланировано на { $when }.
admin-bc-cancelled = Рассылка отменена.
admin-bc-already-over = Эта рассылка уже завершена.
admin-bc-state-draft = черновик
admin-bc-state-scheduled = запланирована
admin-bc-state-sending = отправляется
admin-bc-state-done = завершена
admin-bc-state-cancelled = отменена
admin-bc-report =
    <b>Рассылка #{ $id }</b>: { $state }
    Получателей: { $total }
    Отправлено: { $sent } · ошибки: { $failed } · заблокировали: { $blocked } · осталось: { $left } · отменено: { $cancelled }
    Скорость: { $rate }/с · осталось времени: { $eta }
admin-src-title = <b>Источники новостей</b>
admin-src-none = Источников нет. Добавьте: <code>/sources add URL [rss|govkz] [ru|kk|en]</code>
admin-src-on = ▶️ работает
admin-src-off = ⏸ на паузе
admin-src-line =
    <b>#{ $id }</b> { $state } · { $language } · { $title }
    { $url }
    Последний успех: { $success } · ошибок подряд: { $failures }
    Последняя ошибка: { $error }
admin-src-button-pause = ⏸ #{ $id }
admin-src-button-resume = ▶️ #{ $id }
admin-src-button-poll = 🔄 #{ $id }
admin-src-button-remove = 🗑 #{ $id }
admin-src-button-rmok = 🗑 Да, удалить источник #{ $id }
admin-src-button-keep = ↩️ Оставить
admin-src-confirm-remove = Удалить источник #{ $id }? Подтвердите кнопкой.
admin-src-add-usage = Как добавить: <code>/sources add URL [rss|govkz] [ru|kk|en]</code>
admin-src-checking = Проверяю { $url } …
admin-src-add-failed = Источник не добавлен: { $error }
admin-src-added = Добавлен источник #{ $id } (сейчас в ленте { $entries ->
    [one] { $entries } материал
    [few] { $entries } материала
   *[many] { $entries } материалов
}).
    { $line }
admin-src-polling = Опрашиваю…
admin-src-polled = Источник #{ $id } опрошен: { $outcome ->
        [ok] прочитан
        [not_modified] не изменился с прошлого опроса
        [busy] его уже опрашивали, попробуйте ещё раз
       *[other] ошибка ({ $outcome })
    }, новых материалов: { $new }. Ошибка: { $error }
admin-src-done-pause = Источник #{ $id } на паузе.
admin-src-done-resume = Источник #{ $id } снова опрашивается.
admin-src-done-remove = Источник #{ $id } удалён; сохранённые новости остаются.
admin-kb-send-file = Пришлите базу знаний YAML-документом (как её выгружает /kb). Любая команда отменяет.
admin-kb-exported = База знаний: организаций — { $organizations }. Исправьте и пришлите обратно после <code>/kb import</code>.
admin-kb-invalid = Ничего не изменено: в файле { $count ->
    [one] { $count } ошибка
    [few] { $count } ошибки
   *[many] { $count } ошибок
}.
admin-kb-too-big = Файл больше { $limit } байт.
admin-kb-not-utf8 = Файл не в кодировке UTF-8.
admin-kb-imported = База знаний загружена: организаций — { $organizations }, стран — { $countries }, людей — { $people }.
admin-stats =
    <b>Статистика</b>

    <b>Подписчики</b>: активны { $active }, на паузе { $paused }, заблокировали или ушли { $blocked }
    По языкам: { $languages }
    По новостям: { $scopes }
    По доставке: { $modes }
    <b>Чаты</b> по типам: { $chats }

    <b>Доставка</b>: отправлено { $sent_day } за сутки, { $sent_week } за неделю
    Ошибки и блокировки: { $failed_day } за сутки, { $failed_week } за неделю
    В очереди: { $queue }

    <b>Источники</b>: { $sources } (исправны { $healthy }, с ошибками { $failing }, на паузе { $disabled })
admin-mod-held = 🛂 <b>Ждёт одобрения</b>
admin-mod-button-approve = ✅ Одобрить
admin-mod-button-title = ✏️ Изменить заголовок
admin-mod-button-skip = ⏭ Пропустить
admin-mod-decided = По этому объявлению уже принято решение.
admin-mod-ask-title = Текущий заголовок: { $title }
    Пришлите новый заголовок. Любая команда отменяет.
admin-mod-bad-title = Заголовок — от 1 до { $limit } символов.
admin-mod-approved = Одобрено: { $count ->
    [one] в очереди { $count } сообщение.
    [few] в очереди { $count } сообщения.
   *[many] в очереди { $count } сообщений.
}
admin-mod-skipped = Пропущено: отправлено не будет.
admin-alert-stalled = Отправка остановилась: { $count } сообщений ждут, и за { $minutes } минут ничего не отправлено.
admin-alert-failures = За последние { $minutes } минут не удалось отправить { $count } сообщений.
admin-alert-crash = Бот не смог запуститься: { $error }
admin-alert-task-failed = Фоновая задача «{ $task }» упала и перезапускается: { $error }
admin-alert-poller-stalled = Опрос источников остановился: источник ждёт опроса уже { $minutes } мин.
admin-alert-database-stalled = База данных не отвечает уже { $seconds } с: пока она не ответит, ничего не опрашивается, не отправляется и не записывается.
admin-chat-type-private = личные
admin-chat-type-group = группы
admin-chat-type-supergroup = супергруппы
admin-chat-type-channel = каналы
admin-alert-handler-error = Обработчик упал на обновлении ({ $error }); пользователя попросили повторить. Подробности в журнале.
admin-kb-more-errors = …и ещё ошибок: { $count }.
admin-src-page = (страница { $page } из { $pages })
admin-src-prev = ◀ Назад
admin-src-next = Далее ▶
cmd-why = Админ: почему новость (не) доставлена
admin-why-usage = Отправьте /why и ссылку на статью, можно добавить id пользователя или чата: /why https://example.org/news/1 123456789
admin-why-unknown = Новости со ссылкой { $url } нет в базе.
admin-why-title = 🔎 <b>{ $title }</b>
admin-why-story = Одна новость в { $count ->
    [one] { $count } версии
   *[other] { $count } версиях
} ({ $languages }); путь каждой:
admin-why-version = <b>Версия { $language }</b> (#{ $id })
admin-why-fetched = Получена: { $when }, источник «{ $source }»
admin-why-alliance = Классификация: новость альянса ({ $reason })
admin-why-other = Классификация: прочая новость (об альянсе ничего не найдено)
admin-why-mod-none = Модерация: не задерживалась
admin-why-mod-held = Модерация: ждёт решения с { $held }
admin-why-mod-approved = Модерация: задержана { $held }, одобрена { $when }
admin-why-mod-skipped = Модерация: задержана { $held }, пропущена { $when }
admin-why-not-queued = В очереди: ни для кого
admin-why-queued = В очереди: { $when }, получателей { $recipients }, версий { $versions }
admin-why-counts = Отправлено { $sent }, ошибок { $failed }, заблокировано { $blocked }, отписались { $left }, ждут { $pending }
admin-why-digest = В ближайших дайджестах: { $count }
admin-why-errors = Частые ошибки:
admin-why-error = { $count } × { $error }
admin-why-channels = Официальные каналы:
admin-why-channel-post = { $channel }: опубликовано { $when } (версия { $version })
admin-why-channel-version = { $channel }: изменено { $when }, версия { $version } заменила показанную
admin-why-channel-correction = { $channel }: изменено { $when }, источник исправил версию { $version }
admin-why-channel-pending = (ждёт отправки)
admin-why-channel-failed = (не выполнено: { $error })
admin-why-user-sent = Чат { $user }: получил { $when }.
admin-why-user-pending = Чат { $user }: в очереди, ещё не отправлено (следующая попытка { $when }).
admin-why-user-quiet = Чат { $user }: ждёт конца тихих часов ({ $when }).
admin-why-user-failed = Чат { $user }: отправка не удалась: { $error }
admin-why-user-blocked = Чат { $user }: не доставлено, бот заблокирован или удалён: { $error }
admin-why-user-left = Чат { $user }: отписался до отправки.
admin-why-user-digest = Чат { $user }: ждёт ближайшего дайджеста.
admin-why-user-held = Чат { $user }: не отправлено, новость ждёт модерации.
admin-why-user-skipped = Чат { $user }: не отправлено, админ пропустил новость.
admin-why-user-not-subscribed = Чат { $user }: не подписан.
admin-why-user-inactive = Чат { $user }: неактивен (заблокировал или удалил бота).
admin-why-user-paused = Чат { $user }: подписка на паузе.
admin-why-user-scope = Чат { $user }: подписан только на новости альянса, а это прочая новость.
admin-why-user-keywords = Чат { $user }: новость отсеяна фильтром слов (включать: { $include }; исключать: { $exclude }).
admin-why-user-language = Чат { $user }: языки его новостей ({ $languages }) не включают язык новости ({ $language }).
admin-why-user-had = Чат { $user }: уже получил эту историю в другой версии ({ $language }).
admin-why-story-merged = История: та же, что у новости №{ $story } ({ $reason ->
       *[url] тот же адрес статьи
    })
admin-why-story-similar = История: своя. Похожа на новость №{ $story } ({ $likeness ->
        [title] тот же заголовок и день
        [url] та же ссылка, но другая новость того же источника
       *[text] тот же текст
    }), но ничто не доказывает, что это та же статья, поэтому доставлены обе.
admin-why-user-had-waiting = Чат { $user }: его версия этой истории ({ $language }) стоит в очереди и уйдёт { $when }; эта версия не лучше неё.
admin-why-user-superseded = Чат { $user }: до отправки эту версию заменила лучшая ({ $language }).
admin-why-user-had-digest = Чат { $user }: получил эту историю в дайджесте ({ $language }); дайджест не редактируется.
admin-why-user-digest-sent = Чат { $user }: получил её в дайджесте ({ $when }).
admin-why-user-later = Чат { $user }: подписался после постановки в очередь ({ $when }).
admin-why-user-unannounced = Чат { $user }: не отправлено, новость ещё не передана на доставку.
admin-why-user-unexplained = Чат { $user }: не в очереди, хотя по настройкам новость сейчас подошла бы.
admin-why-button = 🔎 Почему?
admin-channels-title = <b>Официальные каналы</b>
admin-channel-line = { $language }: { $channel } · участников: { $members } · последний пост: { $last } · 7 дней: отправлено { $sent }, ошибок { $failed }
admin-channel-error = ⚠️ { $error }
