# Admin alerts from news ingestion (plain text; the alert heading is added by the sender).
feeds-alert-disabled = News source { $source } is disabled after { $failures } failed { $failures ->
        [one] poll
       *[other] polls
    } in a row. Last error: { $error }. Once the cause is fixed, enable it again with the button below.
feeds-alert-refused = gov.kz refused news source { $source } with HTTP { $status }: the site may now require headers its front end sends. Polling continues with backoff; the source is disabled after { $threshold } failures in a row.
feeds-alert-button-enable = ▶️ Enable source #{ $id }
feeds-alert-button-sources = 📋 All sources
