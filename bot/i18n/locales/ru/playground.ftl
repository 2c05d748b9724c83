# Веб-чат песочницы (make demo); простой текст, страница показывает его как текст.
playground-title = Бот новостей альянса: песочница
playground-intro = Настоящий бот на встроенном локальном Telegram: ничего не уходит с этого компьютера. Попробуйте /start, вопрос, /help; от имени администратора — /broadcast.
playground-language = Язык Telegram
playground-role-subscriber = Подписчик
playground-role-admin = Администратор
playground-you-are = Вы
playground-publish = Опубликовать демо-новости
playground-feed-status = Опубликовано демо-новостей: { $published } из { $total }
playground-input = Сообщение или /команда
playground-send = Отправить
playground-edited = изменено
playground-kind-photo = Фото
playground-kind-document = Документ
playground-kind-video = Видео
playground-kind-rich = Статья
