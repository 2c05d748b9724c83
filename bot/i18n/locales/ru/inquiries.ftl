cmd-myquestions = Мои вопросы Центру
cmd-inquiries = Админ: вопросы, заданные Центру
inquiry-button-ask = ❓ Спросить Центр
inquiry-button-answer = ✍️ Ответить на №{ $id }
inquiry-button-close = ✖️ Закрыть №{ $id }
inquiry-button-fact = 📚 Добавить №{ $id } в базу знаний
inquiry-sent-short = Отправлено в Центр.
inquiry-sent = Ваш вопрос отправлен в Центр под номером { $id }. Ответ придёт сюда, ответом на ваш вопрос; что с ним, покажет /myquestions.
inquiry-limit-open = { $limit ->
    [one] У вас уже { $limit } вопрос ждёт ответа Центра. Пожалуйста, дождитесь ответа.
    [few] У вас уже { $limit } вопроса ждут ответа Центра. Пожалуйста, дождитесь ответов.
   *[many] У вас уже { $limit } вопросов ждут ответа Центра. Пожалуйста, дождитесь ответов.
}
inquiry-limit-daily = Сегодня вы уже задали Центру { $limit } вопросов. Пожалуйста, попробуйте завтра.
inquiry-status-open = ждёт ответа
inquiry-status-answered = есть ответ
inquiry-status-closed = закрыт без ответа
inquiry-mine-none = Вы ещё ничего не спрашивали у Центра. Если я не могу ответить на вопрос, кнопка «Спросить Центр» передаёт его сотрудникам Центра.
inquiry-mine-title = <b>Ваши вопросы Центру</b>
inquiry-mine-line = №{ $id } ({ $status }): { $question }
inquiry-line = <b>№{ $id }</b> [{ $language }] { $status }
    { $question }
inquiry-line-answer = <b>Ответ:</b> { $answer }
inquiry-new = ❓ Новый вопрос для Центра (№{ $id }). Кто спросил, не показывается.
inquiry-title = Вопросы Центру: ждут ответа — { $open }, с ответом — { $answered }, закрыты — { $closed }. Остальные покажут /inquiries answered и /inquiries closed.
inquiry-none = Вопросов со статусом «{ $status }» нет.
inquiry-already = Этот вопрос уже: { $status }.
inquiry-type-answer = Напишите ответ Центра на вопрос №{ $id } (до { $limit } символов). Он уйдёт спросившему как есть. Любая команда отменяет.
inquiry-bad-answer = Ответ должен быть текстом от 1 до { $limit } символов. Нажмите «Ответить» ещё раз.
inquiry-answer-sent = Ответ на №{ $id } отправлен спросившему.
inquiry-answer-undelivered = Ответ на №{ $id } сохранён, но Telegram его не доставил (возможно, спросивший заблокировал бота).
inquiry-closed = Вопрос №{ $id } закрыт.
inquiry-no-fact = Добавить можно только вопрос с ответом, и только один раз.
inquiry-fact-added = Ответ добавлен в базу знаний как факт { $key }; источник — ответ Центра от сегодняшнего дня.
inquiry-answered = 📩 Центр отвечает на ваш вопрос «{ $question }»:

    { $answer }
