# Оператор құралдары: /stats графиктері, OPML, /backup.
admin-chart-subscribers = Тілдер бойынша жазылушылар
admin-chart-deliveries = Күн сайынғы жеткізулер
admin-chart-sent = жіберілді
admin-chart-failed = жеткізілмеді немесе бұғатталды
admin-chart-empty = әзірге дерек жоқ
admin-chart-caption = 📈 Жазылушылар, жеткізулер және сұрақтар, { $first } – { $last } (күндер { $zone } уақыты бойынша)
admin-src-settings = әр { $interval } с · қосымша тақырыптар: { $headers }
admin-src-interval-usage = Пішімі: <code>/sources interval ID СЕКУНД</code> (10-нан 604800-ге дейін)
admin-src-interval-set = #{ $id } дереккөзі әр { $seconds } с сайын сұралады; келесі сұрау: { $next }.
admin-src-headers-usage = Пішімі: <code>/sources headers ID</code>, содан кейін әр жолға бір <code>Атауы: мәні</code> (жолсыз болса, тақырыптар өшіріледі)
admin-src-headers-set = #{ $id } дереккөзінің қосымша тақырыптары: { $names }
admin-src-not-changed = Ештеңе өзгертілмеді: { $error }
admin-src-exported = OPML пішіміндегі { $count } дереккөз. Оны кез келген арна оқу бағдарламасы импорттайды; <code>/sources import</code> кейін қайта жіберіңіз.
admin-src-send-opml = OPML файлын жіберіңіз (арна оқу бағдарламасынан немесе <code>/sources export</code>). Дереккөздер арасында бар арналар өткізіліп жіберіледі. Кез келген команда болдырмайды.
admin-src-import-failed = Ештеңе импортталмады: { $error }
admin-src-opml-too-big = Ештеңе импортталмады: файл { $limit } КБ-тан үлкен.
admin-src-imported = OPML импортталды: { $added } қосылды, { $existing } бұрыннан бар, { $refused } қабылданбады.
admin-src-import-languages = Бұл арналардың файлда тілі жоқ; олар мына тілмен қосылды:
admin-alert-backup-failed = Жоспарлы сақтық көшірме жасалмады: { $error }
admin-backup-working = Сақтық көшірме жасап жатырмын…
admin-backup-sent = 💾 { $time } сақтық көшірмесі, { $size } МБ. Қалпына келтіру: бот тоқтатылған кезде <code>python -m bot restore ФАЙЛ</code>.
admin-backup-too-big = Сақтық көшірме ({ $size } МБ) Telegram боттарға жіберуге рұқсат ететін { $limit } МБ-тан үлкен. Ол серверде: <code>{ $path }</code>
admin-backup-failed = Сақтық көшірме жасалмады: { $error }
admin-backup-postgres = Дерекқор — PostgreSQL: сақтық көшірмені серверде <code>pg_dump</code> арқылы жасаңыз (docs/OPERATIONS.md қараңыз).
cmd-backup = Әкімші: дерекқордың сақтық көшірмесі

# /stats chart: questions answered vs not known per day
admin-chart-questions = Күн сайынғы сұрақтар
admin-chart-answered = жауап берілді
admin-chart-not-known = жауабы белгісіз
