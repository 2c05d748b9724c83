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

    Сөз сүзгілері: <code>/settings include күн жел</code>, <code>/settings exclude спорт</code>; сөзсіз жіберілген команда тізімді тазартады.
delivery-scope-alliance = тек альянс хабарландырулары
delivery-scope-all = министрліктің барлық жаңалықтары
delivery-mode-instant = жарияланған бойда
delivery-mode-daily = күнделікті дайджест, сағат { $hour }:00 UTC
delivery-mode-weekly = апталық дайджест, дүйсенбі сайын сағат { $hour }:00 UTC
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
