cmd-myquestions = Орталыққа қойған сұрақтарым
cmd-inquiries = Әкімші: Орталыққа қойылған сұрақтар
inquiry-button-ask = ❓ Орталықтан сұрау
inquiry-button-answer = ✍️ №{ $id } сұраққа жауап беру
inquiry-button-close = ✖️ №{ $id } жабу
inquiry-button-fact = 📚 №{ $id } білім қорына қосу
inquiry-sent-short = Орталыққа жіберілді.
inquiry-sent = Сұрағыңыз Орталыққа №{ $id } нөмірімен жіберілді. Жауап осында, сұрағыңызға жауап ретінде келеді; оның күйін /myquestions көрсетеді.
inquiry-limit-open = Сізде Орталықтың жауабын күтіп тұрған { $limit } сұрақ бар. Жауапты күтіңіз.
inquiry-limit-daily = Бүгін Орталыққа { $limit } сұрақ қойдыңыз. Ертең қайталап көріңіз.
inquiry-status-open = жауап күтуде
inquiry-status-answered = жауап берілді
inquiry-status-closed = жауапсыз жабылды
inquiry-mine-none = Сіз Орталықтан әлі ештеңе сұраған жоқсыз. Мен сұраққа жауап бере алмасам, «Орталықтан сұрау» түймесі оны Орталық қызметкерлеріне жібереді.
inquiry-mine-title = <b>Орталыққа қойған сұрақтарыңыз</b>
inquiry-mine-line = №{ $id } ({ $status }): { $question }
inquiry-line = <b>№{ $id }</b> [{ $language }] { $status }
    { $question }
inquiry-line-answer = <b>Жауап:</b> { $answer }
inquiry-new = ❓ Орталыққа жаңа сұрақ (№{ $id }). Кім сұрағаны көрсетілмейді.
inquiry-title = Орталыққа сұрақтар: жауап күтуде — { $open }, жауап берілген — { $answered }, жабылған — { $closed }. Қалғандарын /inquiries answered және /inquiries closed көрсетеді.
inquiry-none = «{ $status }» күйіндегі сұрақ жоқ.
inquiry-already = Бұл сұрақ қазір: { $status }.
inquiry-type-answer = №{ $id } сұраққа Орталықтың жауабын жазыңыз ({ $limit } таңбаға дейін). Ол сұраған адамға сол күйінде жіберіледі. Кез келген команда болдырмайды.
inquiry-bad-answer = Жауап 1-ден { $limit } таңбаға дейінгі мәтін болуы керек. «Жауап беру» түймесін қайта басыңыз.
inquiry-answer-sent = №{ $id } сұраққа жауап сұраған адамға жіберілді.
inquiry-answer-undelivered = №{ $id } сұраққа жауап сақталды, бірақ Telegram оны жеткізбеді (сұраған адам ботты бұғаттаған болуы мүмкін).
inquiry-closed = №{ $id } сұрақ жабылды.
inquiry-no-fact = Тек жауап берілген сұрақты, бір рет қана қосуға болады.
inquiry-fact-added = Жауап білім қорына { $key } факт ретінде қосылды; дереккөзі — Орталықтың бүгінгі жауабы.
inquiry-answered = 📩 Орталық «{ $question }» сұрағыңызға жауап береді:

    { $answer }
