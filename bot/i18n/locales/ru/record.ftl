cmd-archive = Админ: архив рассылок и объявлений
archive-heading = 🗄 <b>Официальный архив</b> · { $kind } · страница { $page } из { $pages }
archive-empty = Пока ничего не опубликовано.
archive-entry = <b>#{ $id } { $kind }</b> · { $when }
    { $who }
    sha256 <code>{ $hash }</code> · отправлено { $sent }, в очереди { $waiting }, ошибок { $failed }, заблокировали { $blocked }
    {"["}{ $language }] { $text }
archive-kind-broadcast = 📢 Рассылка
archive-kind-announcement = 📰 Объявление
archive-who-broadcast = Подготовил { $drafter }, одобрил { $approver }
archive-who-announcement = Источник: { $source }; одобрил модератор { $moderator }
archive-filter-all = Всё
archive-filter-broadcast = Рассылки
archive-filter-announcement = Объявления
archive-button-texts = #{ $id }: все языки
archive-button-newer = ◀️ Новее
archive-button-older = Старше ▶️
archive-text = <b>#{ $id }</b> [{ $language }]
    { $text }
admin-bc-button-ask = 👥 Отправить на одобрение
admin-bc-button-ok = ✅ Одобрить и отправить
admin-bc-button-no = ✖️ Отклонить
admin-bc-needs-approval = Рассылку всем должен одобрить второй администратор: она уйдёт, когда другой администратор её одобрит.
admin-bc-approval-notice = Рассылка #{ $id } от администратора { $drafter } для аудитории «{ $audience }» ({ $count ->
    [one] { $count } получатель
    [few] { $count } получателя
   *[many] { $count } получателей
}) ждёт вашего одобрения до { $until }. Сообщение — выше.
admin-bc-approval-asked = Отправлено на одобрение: { $admins ->
    [0] некому — других администраторов не удалось уведомить
    [one] { $admins } чат администраторов
    [few] { $admins } чата администраторов
   *[many] { $admins } чатов администраторов
}. Рассылка уйдёт, когда кто-то из них её одобрит, до { $until }.
admin-bc-approval-own = Это ваша рассылка: одобрить её должен другой администратор.
admin-bc-approval-expired = Срок запроса истёк: никто не одобрил рассылку вовремя. Подготовьте её заново.
admin-bc-approval-gone = Эта рассылка уже одобрена, отклонена или отменена.
admin-bc-approval-sent = Одобрено: отправляю.
admin-bc-approved = Рассылка #{ $id } одобрена вами: отправляю.
admin-bc-rejected = Отклонено.
admin-bc-rejected-by-you = Рассылка #{ $id } отклонена вами и не будет отправлена.
admin-bc-rejected-drafter = Другой администратор отклонил вашу рассылку #{ $id }; она не будет отправлена.
admin-bc-state-pending = ждёт одобрения
admin-bc-state-expired = срок истёк
admin-bc-expired-drafter = Вашу рассылку #{ $id } никто не одобрил вовремя; она не будет отправлена. Если она ещё нужна, подготовьте её заново.
