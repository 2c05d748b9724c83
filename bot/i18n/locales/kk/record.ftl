cmd-archive = Әкімші: таратылымдар мен хабарландырулар мұрағаты
archive-heading = 🗄 <b>Ресми мұрағат</b> · { $kind } · { $pages } беттің { $page }-беті
archive-empty = Әзірге ештеңе жарияланған жоқ.
archive-entry = <b>#{ $id } { $kind }</b> · { $when }
    { $who }
    sha256 <code>{ $hash }</code> · жіберілді { $sent }, кезекте { $waiting }, қате { $failed }, бұғаттаған { $blocked }
    {"["}{ $language }] { $text }
archive-kind-broadcast = 📢 Таратылым
archive-kind-announcement = 📰 Хабарландыру
archive-who-broadcast = Дайындаған { $drafter }, мақұлдаған { $approver }
archive-who-announcement = Дереккөз: { $source }; мақұлдаған модератор { $moderator }
archive-filter-all = Барлығы
archive-filter-broadcast = Таратылымдар
archive-filter-announcement = Хабарландырулар
archive-button-texts = #{ $id }: барлық тілде
archive-button-newer = ◀️ Жаңалары
archive-button-older = Ескілері ▶️
archive-text = <b>#{ $id }</b> [{ $language }]
    { $text }
admin-bc-button-ask = 👥 Басқа әкімшінің мақұлдауына жіберу
admin-bc-button-ok = ✅ Мақұлдап, жіберу
admin-bc-button-no = ✖️ Қабылдамау
admin-bc-needs-approval = Барлығына арналған таратылымды екінші әкімші мақұлдауы керек: басқа әкімші мақұлдағанда ол жіберіледі.
admin-bc-approval-notice = Әкімші { $drafter } дайындаған #{ $id } таратылымы («{ $audience }», { $count } алушы) { $until } дейін сіздің мақұлдауыңызды күтеді. Хабарлама жоғарыда.
admin-bc-approval-asked = Мақұлдауға жіберілді: { $admins ->
    [0] ешкімге — басқа әкімшілерге хабарлау мүмкін болмады
   *[other] әкімшілердің { $admins } чатына
}. Олардың бірі { $until } дейін мақұлдағанда таратылым жіберіледі.
admin-bc-approval-own = Бұл таратылымды сіз дайындадыңыз: оны басқа әкімші мақұлдауы керек.
admin-bc-approval-expired = Сұраудың мерзімі өтті: ешкім уақытында мақұлдамады. Таратылымды қайта дайындаңыз.
admin-bc-approval-gone = Бұл таратылым мақұлданған, қабылданбаған немесе тоқтатылған.
admin-bc-approval-sent = Мақұлданды: жіберілуде.
admin-bc-approved = #{ $id } таратылымын сіз мақұлдадыңыз: жіберілуде.
admin-bc-rejected = Қабылданбады.
admin-bc-rejected-by-you = #{ $id } таратылымын сіз қабылдамадыңыз; ол жіберілмейді.
admin-bc-rejected-drafter = Басқа әкімші сіздің #{ $id } таратылымыңызды қабылдамады; ол жіберілмейді.
admin-bc-state-pending = мақұлдауды күтуде
admin-bc-state-expired = мерзімі өтті
admin-bc-expired-drafter = #{ $id } таратылымыңызды ешкім уақытында мақұлдамады; ол жіберілмейді. Әлі керек болса, қайта дайындаңыз.
