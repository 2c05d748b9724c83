rendering-read-more = Сайттан оқу
rendering-digest-day = <b>Күн жаңалықтары</b>: { $count ->
   *[other] { $count } материал
}
rendering-digest-week = <b>Апта жаңалықтары</b>: { $count ->
   *[other] { $count } материал
}
