language-name = English
welcome =
    Hello, { $name }! 👋
    I bring the news of the <b>Alliance for Innovation and Cooperation in Low-Carbon Technologies</b> (Belt and Road Initiative), co-chaired by Kazakhstan's International Green Technologies and Investment Projects Center.

    • I send alliance announcements as soon as they are published.
    • Ask me about the alliance: members, countries, roles, people.
    • /help lists everything I can do.

    Choose your language:
help =
    <b>What I can do</b>

    /start — welcome and language
    /language — change the interface language
    /help — this help
    /members — members of the alliance
    /roles — roles in the alliance
    /about — about the alliance
    /latest — latest alliance news
    /settings — news subscription: what, in which languages, how often
    /stop — stop receiving news
    /privacy — what I keep about you; /mydata — all of it as a file; /forget — delete it

    Ask a question in plain words, for example: <i>Who are the co-chairs?</i>
    In any other chat, type { $bot } and a word (a member, a country, a news topic) to share the answer there.
language-choose = Choose the interface language:
language-changed = Done: I will speak English with you.
unknown-command = I don't know the command { $command }. Send /help to see what I can do.
not-understood = I can't handle this kind of message. Send /help to see what I can do.
button-stale = This button is no longer valid.
cmd-start = Start and choose a language
cmd-help = What the bot can do
cmd-language = Change the language
organizations-count = { $count ->
    [one] { $count } organization
   *[other] { $count } organizations
}
countries-count = { $count ->
    [one] { $count } country
   *[other] { $count } countries
}
alert-heading = ⚠️ <b>Bot alert</b>

# A handler failed on this update; the user is told instead of meeting silence.
error-apology = Sorry, something went wrong on our side. Please try again in a minute; the admins have been told.
language-admins-only = Only the chat's administrators can change its language.
