rendering-read-more = Сайттан оқу
rendering-digest-day = <b>Күн жаңалықтары</b>: { $count ->
   *[other] { $count } материал
}
rendering-digest-week = <b>Апта жаңалықтары</b>: { $count ->
   *[other] { $count } материал
}
rendering-only-in-ru = Тек орыс тілінде:
rendering-only-in-kk = Тек қазақ тілінде:
rendering-only-in-en = Тек ағылшын тілінде:
rendering-read-in-ru = Орыс тілінде оқу
rendering-read-in-kk = Қазақ тілінде оқу
rendering-read-in-en = Ағылшын тілінде оқу
rendering-document = Ресми құжат (PDF)
