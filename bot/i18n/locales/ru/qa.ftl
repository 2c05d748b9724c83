qa-source = Источник: { $links }
qa-leadership = Альянс возглавляют председательские организации { $chairs } и сопредседатели { $cochairs }.
qa-chair-units = Председательские организации альянса: { $list }.
qa-co-chairs = Сопредседатели альянса: { $list }.
qa-org-role = { $org } — { $role } альянса; страна: { $country }.
qa-org-role-nocountry = { $org } — { $role } альянса.
qa-org-not-member = { $org } есть в базе знаний, но не значится среди участников альянса.
qa-org-people = { $org }: { $people }.
qa-country-member = Да, { $country } — среди стран альянса.
qa-country-orgs = Организации оттуда: { $list }.
qa-country-council = Среди членов Совета альянса есть организации из этой страны; их названия неизвестны.
qa-country-not-member = { $country } не значится среди стран альянса.
qa-unknown-name = В базе знаний об альянсе нет «{ $name }»: ответить «да» я не могу.
qa-unknown-thing = В базе знаний об альянсе этого нет: ответить «да» я не могу.
qa-known-countries = Известные страны-участницы: { $list } и другие; полный список ({ $count ->
    [one] { $count } страна
    [few] { $count } страны
   *[many] { $count } стран
}) не опубликован.
qa-counts = В альянсе { $orgs ->
    [one] { $orgs } организация
    [few] { $orgs } организации
   *[many] { $orgs } организаций
} из { $countries ->
    [one] { $countries } страны
   *[many] { $countries } стран
}: { $chairs ->
    [one] { $chairs } председательская организация
    [few] { $chairs } председательские организации
   *[many] { $chairs } председательских организаций
}, { $cochairs ->
    [one] { $cochairs } сопредседатель
    [few] { $cochairs } сопредседателя
   *[many] { $cochairs } сопредседателей
} и { $council ->
    [one] { $council } член Совета
    [few] { $council } члена Совета
   *[many] { $council } членов Совета
}.
qa-countries-count = В альянсе { $count ->
    [one] { $count } страна
    [few] { $count } страны
   *[many] { $count } стран
}.
qa-council = В Совет альянса входят { $count ->
    [one] { $count } организация
    [few] { $count } организации
   *[many] { $count } организаций
}: { $what }.
qa-members = Участники альянса: { $list }.
qa-person = { $name } — { $position }, { $org }.
qa-person-noorg = { $name } — { $position }.
qa-about = { $name } создан в рамках инициативы { $initiative }. В нём { $orgs ->
    [one] { $orgs } организация
    [few] { $orgs } организации
   *[many] { $orgs } организаций
} из { $countries ->
    [one] { $countries } страны
   *[many] { $countries } стран
}: { $what }.
qa-name = Название: { $name }.
qa-initiative = Альянс создан в рамках инициативы { $initiative }.
qa-aims = Цели альянса: { $aims }.
qa-secretariat = О секретариате альянса в базе знаний сведений нет.
qa-latest-header = <b>Последние новости альянса</b>
qa-latest-empty = Новостей альянса пока нет в базе.
qa-search-header = Вот что нашлось в новостях:
qa-dont-know =
    Не знаю ответа на этот вопрос: в базе знаний об альянсе этого нет.
    Можно спросить, например: <i>Кто возглавляет альянс?</i>, <i>Входит ли Германия в альянс?</i>, <i>Сколько в альянсе стран?</i>, <i>Кто такой Сакен Калкаманов?</i>, <i>Последние новости</i>.
qa-throttled = Слишком много вопросов подряд — подождите секунду и спросите снова.
qa-members-title = <b>Участники альянса</b> (стр. { $page } из { $pages })
qa-members-unnamed = …и { $count ->
    [one] { $count } член Совета
    [few] { $count } члена Совета
   *[many] { $count } членов Совета
}, чьи названия неизвестны.
qa-roles-title = <b>Роли в альянсе</b>
qa-role-line = { $role }: { $list }
qa-role-nobody = неизвестно
qa-button-prev = ◀️ Назад
qa-button-next = Вперёд ▶️
qa-inline-nothing = Ничего не найдено
qa-inline-nothing-text = В базе знаний об альянсе ничего не нашлось по запросу «{ $query }».
cmd-members = Участники альянса
cmd-roles = Роли в альянсе
cmd-about = Об альянсе
cmd-latest = Последние новости альянса
qa-role-council = { $count ->
    [one] { $count } организация
    [few] { $count } организации
   *[many] { $count } организаций
}; их названия неизвестны
qa-role-all = все организации альянса ({ $count })
qa-more = и ещё { $count }
qa-holders = { $country }: { $list }.
qa-not-stated = В базе знаний альянса не сказано, { $what }.
qa-not-stated-where = Официальные сведения может дать { $sites }.
qa-attr-budget = каков бюджет альянса
qa-attr-headquarters = где находится штаб-квартира альянса
qa-attr-fees = есть ли членские взносы и сколько стоит участие
qa-attr-joining = как вступить в альянс
qa-attr-next-meeting = когда следующая встреча или заседание
qa-attr-contacts = как связаться с альянсом
qa-attr-website = есть ли у альянса свой сайт
qa-attr-fund-amount = каков размер фонда
qa-retrieved = Вот что об этом сказано в базе знаний: { $passage }
qa-ask-back = Уточните, пожалуйста, что вы имеете в виду:
qa-choice-about = Об альянсе
qa-choice-who = Кто это
qa-choice-leadership = Кто возглавляет
qa-choice-co-chairs = Сопредседатели
qa-choice-chair-units = Председательские организации
qa-choice-membership = Участие в альянсе
qa-choice-countries = Страны альянса
qa-choice-count = Сколько участников
qa-choice-council = Совет альянса
qa-choice-role = Роль
qa-choice-founded = Когда создан
qa-choice-initiative = Инициатива
qa-choice-aims = Цели альянса
qa-choice-fund = Фонд
qa-choice-meeting = Встреча на форуме
qa-choice-speech = Выступление
qa-choice-name = Название
qa-choice-news = Новости
qa-choice-secretariat = Секретариат
qa-choice-budget = Бюджет
qa-choice-headquarters = Штаб-квартира
qa-choice-fees = Взносы
qa-choice-joining = Как вступить
qa-choice-next-meeting = Следующая встреча
qa-choice-contacts = Контакты
qa-choice-website = Сайт
qa-choice-fund-amount = Размер фонда
qa-feedback-thanks = Спасибо за оценку!
admin-stats-qa = <b>Вопросы</b> за 30 дней: 👍 { $up }, 👎 { $down }, без ответа или с сомнением { $missed } (подробно: /kb misses)
admin-qa-misses-title = <b>Частые вопросы без уверенного ответа</b> (30 дней; 👍 { $up }, 👎 { $down }, всего таких { $missed })
admin-qa-miss = { $number }. ×{ $count } [{ $language }] { $question }
admin-qa-no-misses = Таких вопросов нет.
admin-qa-how-to-fix =
    Добавить написание имени: <code>/kb alias страна:код|org:ключ|person:ключ язык написание</code>, например <code>/kb alias country:DE ru германцы</code>.
    Добавить факт: выгрузите базу командой /kb, допишите факт с источником и загрузите через /kb import.
admin-qa-alias-usage = Формат: <code>/kb alias country:DE ru германцы</code> (country, org или person; язык ru, kk, en или zh).
admin-qa-alias-kind = «{ $target }»: укажите country:КОД, org:ключ или person:ключ.
admin-qa-alias-language = Язык «{ $language }» не поддерживается: ru, kk, en или zh.
admin-qa-alias-unknown = В базе знаний нет «{ $target }».
admin-qa-alias-added = Готово: «{ $alias }» теперь означает { $target }. Бот учтёт это в течение минуты.
qa-choice-activity = Чем занимается
qa-org-website = Сайт: { $site }
qa-attr-staff = сколько в альянсе сотрудников
qa-choice-staff = Сотрудники
qa-attr-venue = где проходят форумы и встречи альянса
qa-choice-venue = Место проведения
qa-country-member-plain = { $country } — среди стран альянса.
qa-claim-yes = Да, это так: { $actual }.
qa-claim-no = Нет: { $actual }, а не { $claimed }.
qa-claim-role-yes = Да, это так.
qa-claim-role-no = Нет.
qa-except = Без учёта названного ({ $excluded }): { $rest }.
qa-except-unknown = Сколько их без учёта названного ({ $excluded }), в базе знаний не сказано: названия и страны членов Совета неизвестны.
qa-count-of = { $count } из { $total }: { $list }.
qa-entity-not-stated = { $name }: в базе знаний не сказано, { $what }.
qa-entity-known = Что известно:
qa-ent-age = сколько лет
qa-ent-birth = где родился
qa-ent-family = кто члены семьи
qa-ent-salary = каков доход
qa-ent-education = где учился
qa-ent-head = кто руководит
qa-ent-founded = когда основан
qa-ent-count-from = сколько организаций альянса оттуда
qa-ent-headquarters = где находится
qa-ent-contacts = как связаться
qa-ent-website = какой сайт
qa-refusal-opinion = Мнений и оценок я не даю.
qa-refusal-politics = О политике я не рассуждаю.
qa-refusal-insult = Жаль, что так вышло; постараюсь помочь.
qa-refusal-injection = Я работаю по своим правилам и отвечаю только на вопросы об альянсе.
qa-refusal-can = Я могу ответить на вопросы об альянсе по его базе знаний: кто его возглавляет, кто в него входит и из каких стран, сколько в нём участников, его цели, фонд, создание и новости.
qa-latest-channel = 📣 В официальном канале: <a href="{ $url }">последний пост</a>
qa-channel-post = 📣 в официальном канале
