cmd-broadcast = Әкімші: хабарлама тарату
cmd-sources = Әкімші: жаңалық көздері
cmd-kb = Әкімші: білім қорын жүктеу және жүктеп алу
cmd-stats = Әкімші: статистика
admin-cancelled = Бас тартылды.
admin-never = ешқашан
admin-seconds = { $count ->
   *[other] { $count } секунд
}
admin-bc-ask = Таратылатын хабарламаны жіберіңіз: пішімделген мәтін, фото, құжат немесе бейне (жазбасымен). Кез келген команда тоқтатады.
admin-bc-unsupported = Мұндай хабарламаны таратуға болмайды. Мәтін, фото, құжат немесе бейне жіберіңіз.
admin-bc-audience = Кімге жіберу керек?
admin-bc-audience-chosen = Кімге жіберу керек? { $audience } ✓
admin-aud-all = Барлығына
admin-aud-lang-ru = Орыс тілі
admin-aud-lang-kk = Қазақ тілі
admin-aud-lang-en = Ағылшын тілі
admin-aud-scope-alliance = Альянс жаңалықтарының жазылушыларына
admin-aud-scope-all = Барлық жаңалықтардың жазылушыларына
admin-aud-groups = Топтар мен арналарға
admin-aud-private = Тек жеке чаттарға
admin-bc-preview = Алдын ала қарау — алушылар осылай көреді:
admin-bc-confirm = Аудитория: { $audience }. Хабарламаны { $count ->
   *[other] { $count } алушы
} алады.
admin-bc-button-now = 📤 Қазір жіберу
admin-bc-button-sched = 🕒 Жоспарлау
admin-bc-button-cancel = ✖️ Бас тарту
admin-bc-when = Күн мен уақытты өз сағатыңыз бойынша ({ $zone }) жіберіңіз, мысалы <code>{ $example }</code>. Уақыт белдеуі /settings ішінде өзгертіледі.
admin-bc-bad-time = Өз сағатыңыз бойынша ({ $zone }) болашақтағы күн мен уақыт <code>{ $example }</code> түрінде керек.
admin-bc-too-far = Таратуды ең көбі бір жыл алға, { $latest } дейін жоспарлауға болады. Ертерек күн мен уақытты жазыңыз.
admin-bc-scheduled = { $when } уақытына жоспарланды.
admin-bc-cancelled = Тарату тоқтатылды.
admin-bc-already-over = Бұл тарату аяқталып қойған.
admin-bc-state-draft = жоба
admin-bc-state-scheduled = жоспарланған
admin-bc-state-sending = жіберілуде
admin-bc-state-done = аяқталды
admin-bc-state-cancelled = тоқтатылды
admin-bc-report =
    <b>Тарату #{ $id }</b>: { $state }
    Алушылар: { $total }
    Жіберілді: { $sent } · қате: { $failed } · бұғаттады: { $blocked } · қалды: { $left } · тоқтатылды: { $cancelled }
    Жылдамдық: { $rate }/с · қалған уақыт: { $eta }
admin-src-title = <b>Жаңалық көздері</b>
admin-src-none = Көздер жоқ. Қосу: <code>/sources add URL [rss|govkz] [ru|kk|en]</code>
admin-src-on = ▶️ жұмыс істеп тұр
admin-src-off = ⏸ кідіртілген
admin-src-line =
    <b>#{ $id }</b> { $state } · { $language } · { $title }
    { $url }
    Соңғы сәтті сұрау: { $success } · қатарынан қате: { $failures }
    Соңғы қате: { $error }
admin-src-button-pause = ⏸ #{ $id }
admin-src-button-resume = ▶️ #{ $id }
admin-src-button-poll = 🔄 #{ $id }
admin-src-button-remove = 🗑 #{ $id }
admin-src-button-rmok = 🗑 Иә, #{ $id } көзін жою
admin-src-button-keep = ↩️ Қалдыру
admin-src-confirm-remove = #{ $id } көзін жою керек пе? Батырмамен растаңыз.
admin-src-add-usage = Қосу үлгісі: <code>/sources add URL [rss|govkz] [ru|kk|en]</code>
admin-src-checking = { $url } тексерілуде…
admin-src-add-failed = Көз қосылмады: { $error }
admin-src-added = #{ $id } көзі қосылды (қазір таспада { $entries ->
   *[other] { $entries } материал
}).
    { $line }
admin-src-polling = Сұралуда…
admin-src-polled = #{ $id } көзі сұралды: { $outcome ->
        [ok] оқылды
        [not_modified] соңғы сұраудан бері өзгермеген
        [busy] оны басқа сұрау оқып жатты, қайталап көріңіз
       *[other] қате ({ $outcome })
    }, жаңа материалдар: { $new }. Қате: { $error }
admin-src-done-pause = #{ $id } көзі кідіртілді.
admin-src-done-resume = #{ $id } көзі қайта сұралады.
admin-src-done-remove = #{ $id } көзі жойылды; сақталған жаңалықтар қалады.
admin-kb-send-file = Білім қорын YAML құжаты ретінде жіберіңіз (/kb қалай берсе, солай). Кез келген команда тоқтатады.
admin-kb-exported = Білім қоры: { $organizations } ұйым. Түзетіп, <code>/kb import</code> кейін қайта жіберіңіз.
admin-kb-invalid = Ештеңе өзгертілмеді: файлда { $count ->
   *[other] { $count } қате
} бар.
admin-kb-too-big = Файл { $limit } байттан үлкен.
admin-kb-not-utf8 = Файл UTF-8 мәтіні емес.
admin-kb-imported = Білім қоры жүктелді: { $organizations } ұйым, { $countries } ел, { $people } адам.
admin-stats =
    <b>Статистика</b>

    <b>Жазылушылар</b>: белсенді { $active }, кідіртілген { $paused }, бұғаттаған немесе кеткен { $blocked }
    Тілдер бойынша: { $languages }
    Жаңалықтар бойынша: { $scopes }
    Жеткізу бойынша: { $modes }
    <b>Чаттар</b> түрлері бойынша: { $chats }

    <b>Жеткізу</b>: тәулікте { $sent_day }, аптада { $sent_week } жіберілді
    Қате мен бұғаттау: тәулікте { $failed_day }, аптада { $failed_week }
    Кезекте: { $queue }

    <b>Көздер</b>: { $sources } (жұмыс істейді { $healthy }, қателі { $failing }, кідіртілген { $disabled })
admin-mod-held = 🛂 <b>Мақұлдауды күтуде</b>
admin-mod-button-approve = ✅ Мақұлдау
admin-mod-button-title = ✏️ Тақырыпты өзгерту
admin-mod-button-skip = ⏭ Өткізіп жіберу
admin-mod-decided = Бұл хабарландыру бойынша шешім қабылданған.
admin-mod-ask-title = Қазіргі тақырып: { $title }
    Жаңа тақырыпты жіберіңіз. Кез келген команда тоқтатады.
admin-mod-bad-title = Тақырып 1-ден { $limit } таңбаға дейін болуы керек.
admin-mod-approved = Мақұлданды: кезекте { $count ->
   *[other] { $count } хабарлама.
}
admin-mod-skipped = Өткізілді: жіберілмейді.
admin-alert-stalled = Жіберу тоқтап қалды: { $count } хабарлама күтуде, { $minutes } минут бойы ештеңе жіберілмеді.
admin-alert-failures = Соңғы { $minutes } минутта { $count } хабарлама жіберілмеді.
admin-alert-crash = Бот іске қосылмады: { $error }
admin-alert-task-failed = «{ $task }» фондық тапсырмасы құлап, қайта іске қосылуда: { $error }
admin-alert-poller-stalled = Дереккөздерді сұрау тоқтап қалды: дереккөз { $minutes } минуттан бері сұралмай тұр.
admin-alert-database-stalled = Дерекқор { $seconds } секундтан бері жауап бермей тұр: ол жауап бергенше ештеңе сұралмайды, жіберілмейді және жазылмайды.
admin-chat-type-private = жеке
admin-chat-type-group = топтар
admin-chat-type-supergroup = супертоптар
admin-chat-type-channel = арналар
admin-alert-handler-error = Өңдегіш жаңартуда құлады ({ $error }); пайдаланушыдан қайталау сұралды. Толығырақ журналда.
admin-kb-more-errors = …және тағы { $count } қате.
admin-src-page = ({ $pages } беттің { $page }-беті)
admin-src-prev = ◀ Артқа
admin-src-next = Әрі қарай ▶
cmd-why = Әкімші: жаңалық неге жеткізілді (жеткізілмеді)
admin-why-usage = /why және мақала сілтемесін жіберіңіз, пайдаланушы немесе чат id-ін қосуға болады: /why https://example.org/news/1 123456789
admin-why-unknown = { $url } сілтемесі бар жаңалық базада жоқ.
admin-why-title = 🔎 <b>{ $title }</b>
admin-why-story = Бір жаңалық, { $count } нұсқа ({ $languages }); әрқайсысының жолы:
admin-why-version = <b>{ $language } нұсқасы</b> (#{ $id })
admin-why-fetched = Алынды: { $when }, дереккөз «{ $source }»
admin-why-alliance = Жіктелуі: альянс жаңалығы ({ $reason })
admin-why-other = Жіктелуі: басқа жаңалық (альянс туралы ештеңе табылмады)
admin-why-mod-none = Модерация: ұсталмады
admin-why-mod-held = Модерация: { $held } бастап шешім күтуде
admin-why-mod-approved = Модерация: { $held } ұсталды, { $when } мақұлданды
admin-why-mod-skipped = Модерация: { $held } ұсталды, { $when } өткізіп жіберілді
admin-why-not-queued = Кезекте: ешкім үшін емес
admin-why-queued = Кезекте: { $when }, алушылар { $recipients }, нұсқалар { $versions }
admin-why-counts = Жіберілді { $sent }, қате { $failed }, бұғатталды { $blocked }, жазылымнан шықты { $left }, күтуде { $pending }
admin-why-digest = Алдағы дайджестерде: { $count }
admin-why-errors = Жиі қателер:
admin-why-error = { $count } × { $error }
admin-why-channels = Ресми арналар:
admin-why-channel-post = { $channel }: { $when } жарияланды ({ $version } нұсқасы)
admin-why-channel-version = { $channel }: { $when } өзгертілді, { $version } нұсқасы көрсетілгенін алмастырды
admin-why-channel-correction = { $channel }: { $when } өзгертілді, дереккөз { $version } нұсқасын түзетті
admin-why-channel-pending = (жіберілуін күтуде)
admin-why-channel-failed = (орындалмады: { $error })
admin-why-user-sent = Чат { $user }: { $when } алды.
admin-why-user-pending = Чат { $user }: кезекте, әлі жіберілмеді (келесі әрекет { $when }).
admin-why-user-quiet = Чат { $user }: тыныш сағаттардың аяқталуын күтуде ({ $when }).
admin-why-user-failed = Чат { $user }: жіберу сәтсіз: { $error }
admin-why-user-blocked = Чат { $user }: жеткізілмеді, бот бұғатталған немесе жойылған: { $error }
admin-why-user-left = Чат { $user }: жіберілгенге дейін жазылымнан шықты.
admin-why-user-digest = Чат { $user }: келесі дайджесті күтуде.
admin-why-user-held = Чат { $user }: жіберілмеді, жаңалық модерацияны күтуде.
admin-why-user-skipped = Чат { $user }: жіберілмеді, әкімші жаңалықты өткізіп жіберді.
admin-why-user-not-subscribed = Чат { $user }: жазылмаған.
admin-why-user-inactive = Чат { $user }: белсенді емес (ботты бұғаттады немесе жойды).
admin-why-user-paused = Чат { $user }: жазылым кідіртілген.
admin-why-user-scope = Чат { $user }: тек альянс жаңалықтарына жазылған, ал бұл басқа жаңалық.
admin-why-user-keywords = Чат { $user }: сөз сүзгісі бұл жаңалықты өткізбейді (қосу: { $include }; алып тастау: { $exclude }).
admin-why-user-language = Чат { $user }: оның жаңалық тілдері ({ $languages }) жаңалық тілін ({ $language }) қамтымайды.
admin-why-user-had = Чат { $user }: бұл оқиғаны басқа нұсқада алған ({ $language }).
admin-why-story-merged = Оқиға: №{ $story } жаңалықпен бірдей ({ $reason ->
       *[url] мақаланың мекенжайы бірдей
    })
admin-why-story-similar = Оқиға: өз алдына. №{ $story } жаңалыққа ұқсайды ({ $likeness ->
        [title] тақырыбы мен күні бірдей
        [url] сілтемесі бірдей, бірақ сол дереккөздің басқа жаңалығы
       *[text] мәтіні бірдей
    }), бірақ бұл сол мақала екенін ештеңе дәлелдемейді, сондықтан екеуі де жеткізіледі.
admin-why-user-had-waiting = Чат { $user }: бұл оқиғаның оған арналған нұсқасы ({ $language }) кезекте тұр, { $when } жіберіледі; бұл нұсқа одан артық емес.
admin-why-user-superseded = Чат { $user }: жіберілмей тұрып бұл нұсқаны жақсырақ нұсқа алмастырды ({ $language }).
admin-why-user-had-digest = Чат { $user }: бұл оқиғаны дайджестте алған ({ $language }); дайджест өңделмейді.
admin-why-user-digest-sent = Чат { $user }: оны дайджестте алды ({ $when }).
admin-why-user-later = Чат { $user }: кезекке қойылғаннан кейін жазылды ({ $when }).
admin-why-user-unannounced = Чат { $user }: жіберілмеді, жаңалық әлі жеткізуге берілмеді.
admin-why-user-unexplained = Чат { $user }: кезекте жоқ, бірақ баптаулары бойынша жаңалық қазір сәйкес келер еді.
admin-why-button = 🔎 Неге?
admin-channels-title = <b>Ресми арналар</b>
admin-channel-line = { $language }: { $channel } · қатысушылар: { $members } · соңғы жазба: { $last } · 7 күн: жіберілді { $sent }, қате { $failed }
admin-channel-error = ⚠️ { $error }
