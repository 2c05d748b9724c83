rendering-read-more = Читать на сайте
rendering-digest-day = <b>Новости за день</b>: { $count ->
    [one] { $count } материал
    [few] { $count } материала
   *[many] { $count } материалов
}
rendering-digest-week = <b>Новости за неделю</b>: { $count ->
    [one] { $count } материал
    [few] { $count } материала
   *[many] { $count } материалов
}
rendering-only-in-ru = Только на русском:
rendering-only-in-kk = Только на казахском:
rendering-only-in-en = Только на английском:
rendering-read-in-ru = Читать на русском
rendering-read-in-kk = Читать на казахском
rendering-read-in-en = Читать на английском
rendering-document = Официальный документ (PDF)
