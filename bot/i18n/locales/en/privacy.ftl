cmd-privacy = What the bot keeps about you
cmd-mydata = Get all your data as a file
cmd-forget = Delete your data
privacy-text =
    <b>What the bot keeps about this chat, and for how long</b>
    • The chat: its id, type, name and username as Telegram shows them, its language and time zone. Kept while you use the bot, until /forget.
    • Your news subscription: scope, languages, digest, quiet hours, keywords. Kept until /stop (the subscription) or /forget (everything).
    • News waiting for you (deliveries, digest items): until sent. The record of each delivery (sent or not, when): { $outbox_days } days.
    • Questions you send to the Center (/myquestions): kept with this chat until /forget, so the answer can reach you.
    • Questions you ask: only their text, to improve the answers, for { $question_days } days; never who asked. Nobody, the admins included, can see who asked what.
    • The admins' actions are logged for { $audit_days } days; a reader's are not.
    /mydata sends you all of it as a file. /forget deletes it after a confirmation; past deliveries then stay in the statistics only as anonymous numbers. Writing to the bot again starts a new record.
privacy-mydata-caption = Everything the bot holds about this chat (JSON). /forget deletes it.
privacy-admins-only = Only the chat's administrators can see or delete its data.
privacy-forget-ask = Delete everything the bot holds about this chat: the chat, its subscription and the news waiting for it? This cannot be undone.
privacy-forget-yes = 🗑 Yes, delete my data
privacy-forget-no = ↩️ Keep it
privacy-forget-done = Done: the bot holds nothing more that names this chat. /start subscribes you again.
privacy-forget-kept = Nothing was deleted.
