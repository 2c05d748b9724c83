rendering-read-more = Read on the site
rendering-digest-day = <b>News of the day</b>: { $count ->
    [one] { $count } item
   *[other] { $count } items
}
rendering-digest-week = <b>News of the week</b>: { $count ->
    [one] { $count } item
   *[other] { $count } items
}
rendering-only-in-ru = Only in Russian:
rendering-only-in-kk = Only in Kazakh:
rendering-only-in-en = Only in English:
rendering-read-in-ru = Read in Russian
rendering-read-in-kk = Read in Kazakh
rendering-read-in-en = Read in English
rendering-document = Official document (PDF)
