cmd-settings = Жаңалықтарға жазылу баптаулары
cmd-stop = Жаңалықтардан бас тарту
delivery-settings =
    <b>Жаңалықтарға жазылымыңыз</b>

    Жаңалықтар: { $scope }
    Жаңалықтар тілдері: { $languages }
    Жеткізу: { $mode }
    Күйі: { $status }
    Тек мына сөздері бар жаңалықтар: { $include }
    Мына сөздері бар жаңалықтарсыз: { $exclude }
    Уақыт белдеуі: { $zone }
    Тыныш сағаттар: { $quiet }
    Менің бірде-бір тілімде жоқ хабарландыру: { $fallback }

    Сөз сүзгілері: <code>/settings include күн жел</code>, <code>/settings exclude спорт</code>; сөзсіз жіберілген команда тізімді тазартады. Уақыт белдеуі: <code>/settings timezone Europe/Berlin</code>; тыныш сағаттар: <code>/settings quiet 22-08</code> немесе <code>/settings quiet off</code>.
delivery-scope-alliance = тек альянс хабарландырулары
delivery-scope-all = министрліктің барлық жаңалықтары
delivery-mode-instant = жарияланған бойда
delivery-mode-daily = күнделікті дайджест, сағат { $hour }:00 ({ $zone })
delivery-mode-weekly = апталық дайджест, дүйсенбі сайын сағат { $hour }:00 ({ $zone })
delivery-status-active = белсенді
delivery-status-paused = кідіртілген
delivery-words-none = —
delivery-button-alliance = Тек альянс
delivery-button-all = Министрліктің барлық жаңалықтары
delivery-button-instant = Бірден
delivery-button-daily = Күніне бір рет
delivery-button-weekly = Аптасына бір рет
delivery-button-earlier = − 1 сағат
delivery-button-later = + 1 сағат
delivery-button-pause = ⏸ Кідірту
delivery-button-resume = ▶️ Жалғастыру
delivery-button-subscribe = Жазылу
delivery-not-subscribed = Бұл чат жаңалықтарға жазылмаған.
delivery-saved = Сақталды.
delivery-stopped = Жазылымнан бас тарттыңыз: енді менен жаңалық келмейді. Қайта жазылу үшін /start жіберіңіз.
delivery-not-stopped = Бұл чат жазылмаған еді.
delivery-admins-only = Чаттың жазылымын тек оның әкімшілері өзгерте алады.
delivery-group-subscribed = Бұл чат альянс хабарландыруларына жазылды. Әкімшілер жазылымды /settings арқылы өзгертіп, /stop арқылы тоқтата алады.
delivery-words-saved = Сөз сүзгілері сақталды.
delivery-quiet-off = өшірулі
delivery-quiet-hours = { $start }:00–{ $end }:00, жаңалықтар { $end }:00-ге дейін күтеді
delivery-fallback-send = бар тілінде жіберу
delivery-fallback-skip = жібермеу (тек менің тілдерім)
delivery-button-timezone = 🕒 { $zone }
delivery-button-quiet = 🌙 Тыныш сағаттар: { $quiet }
delivery-button-own-only = Тек менің тілдерім
delivery-timezone-choose = Уақыт белдеуін таңдаңыз немесе атауын жіберіңіз, мысалы <code>/settings timezone Europe/Paris</code>:
delivery-timezone-saved = Уақыт белдеуі: { $zone }.
delivery-timezone-unknown = { $zone } уақыт белдеуін білмеймін. <code>Europe/Berlin</code> немесе <code>Asia/Almaty</code> сияқты атауды жазыңыз.
delivery-quiet-saved = Тыныш сағаттар: { $quiet }.
delivery-quiet-bad = Тыныш сағаттарды жергілікті уақытпен жазыңыз: <code>/settings quiet 22-08</code> немесе <code>/settings quiet off</code>.
delivery-taste-ask = Альянстың соңғы үш хабарландыруын қазір жіберейін бе, әлде тек жаңаларын ба?
delivery-button-taste-now = 📰 Соңғы үшеуі қазір
delivery-button-taste-new = Тек жаңалары
delivery-taste-sent = { $count ->
    [0] Әзірге хабарландыру жоқ: жаңалары жарияланған бойда келеді.
   *[other] Жіберіп жатырмын: { $count } хабарландыру.
}
delivery-taste-none = Жақсы: тек жаңа хабарландырулар.
delivery-language-offer = Жаңалықтарды «{ $language }» тілінде де алғыңыз келе ме? Қазіргі жаңалықтар тілдері: { $languages }.
delivery-button-news-only = Тек { $language }
delivery-button-news-add = { $language } қосу
delivery-button-news-keep = Өзгертпеу
delivery-languages-saved = Жаңалықтар тілдері: { $languages }.
