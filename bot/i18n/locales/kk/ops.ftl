# Оператор құралдары: /stats графиктері, OPML, /backup.
admin-chart-subscribers = Тілдер бойынша жазылушылар
admin-chart-deliveries = Күн сайынғы жеткізулер
admin-chart-sent = жіберілді
admin-chart-failed = жеткізілмеді немесе бұғатталды
admin-chart-empty = әзірге дерек жоқ
admin-chart-caption = 📈 Жазылушылар мен жеткізулер, { $first } – { $last } (UTC бойынша күндер)
