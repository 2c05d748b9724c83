# Ойын алаңының веб-чаты (make demo); қарапайым мәтін, бет оны мәтін ретінде көрсетеді.
playground-title = Альянс жаңалықтары боты: ойын алаңы
playground-intro = Кірістірілген жергілікті Telegram-дағы нағыз бот: бұл компьютерден ештеңе шықпайды. /start, сұрақ, /help көріңіз; әкімші ретінде — /broadcast.
playground-language = Telegram тілі
playground-role-subscriber = Жазылушы
playground-role-admin = Әкімші
playground-you-are = Сіз
playground-publish = Демо жаңалықтарды жариялау
playground-feed-status = Жарияланған демо жаңалықтар: { $total } ішінен { $published }
playground-input = Хабарлама немесе /команда
playground-send = Жіберу
playground-edited = өзгертілді
playground-kind-photo = Фото
playground-kind-document = Құжат
playground-kind-video = Бейне
playground-kind-rich = Мақала
