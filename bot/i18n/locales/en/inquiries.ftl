cmd-myquestions = My questions to the Center
cmd-inquiries = Admin: questions asked of the Center
inquiry-button-ask = ❓ Ask the Center
inquiry-button-answer = ✍️ Answer #{ $id }
inquiry-button-close = ✖️ Close #{ $id }
inquiry-button-fact = 📚 Add #{ $id } to the knowledge base
inquiry-sent-short = Sent to the Center.
inquiry-sent = Your question went to the Center as question #{ $id }. The answer will come here, as a reply to your question; /myquestions shows what became of it.
inquiry-limit-open = { $limit ->
    [one] You already have { $limit } question waiting for the Center. Please wait for its answer.
   *[other] You already have { $limit } questions waiting for the Center. Please wait for their answers.
}
inquiry-limit-daily = You have asked the Center { $limit } questions today. Please try again tomorrow.
inquiry-status-open = waiting for an answer
inquiry-status-answered = answered
inquiry-status-closed = closed without an answer
inquiry-mine-none = You have not asked the Center anything yet. When I cannot answer a question, the "Ask the Center" button sends it to the Center's staff.
inquiry-mine-title = <b>Your questions to the Center</b>
inquiry-mine-line = #{ $id } ({ $status }): { $question }
inquiry-line = <b>#{ $id }</b> [{ $language }] { $status }
    { $question }
inquiry-line-answer = <b>Answer:</b> { $answer }
inquiry-new = ❓ A new question for the Center (#{ $id }). Who asked is not shown.
inquiry-title = Questions for the Center: { $open } waiting, { $answered } answered, { $closed } closed. /inquiries answered or /inquiries closed shows the others.
inquiry-none = No questions { $status }.
inquiry-already = This question is already { $status }.
inquiry-type-answer = Type the Center's answer to question #{ $id } (up to { $limit } characters). It goes to the asker as it is. Any command cancels.
inquiry-bad-answer = The answer must be text of 1 to { $limit } characters. Press "Answer" again to retry.
inquiry-answer-sent = The answer to #{ $id } was sent to the asker.
inquiry-answer-undelivered = The answer to #{ $id } is saved, but Telegram did not deliver it (the asker may have blocked the bot).
inquiry-closed = Question #{ $id } is closed.
inquiry-no-fact = Only an answered question can be added, once.
inquiry-fact-added = The answer is in the knowledge base as fact { $key }, its source the Center's answer of today.
inquiry-answered = 📩 The Center answers your question «{ $question }»:

    { $answer }
