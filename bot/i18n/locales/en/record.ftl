cmd-archive = Admin: the record of broadcasts and announcements
archive-heading = 🗄 <b>Official record</b> · { $kind } · page { $page } of { $pages }
archive-empty = Nothing has been published yet.
archive-entry = <b>#{ $id } { $kind }</b> · { $when }
    { $who }
    sha256 <code>{ $hash }</code> · sent { $sent }, waiting { $waiting }, failed { $failed }, blocked { $blocked }
    {"["}{ $language }] { $text }
archive-kind-broadcast = 📢 Broadcast
archive-kind-announcement = 📰 Announcement
archive-who-broadcast = Drafted by { $drafter }, approved by { $approver }
archive-who-announcement = Source: { $source }; approved by moderator { $moderator }
archive-filter-all = All
archive-filter-broadcast = Broadcasts
archive-filter-announcement = Announcements
archive-button-texts = #{ $id }: every language
archive-button-newer = ◀️ Newer
archive-button-older = Older ▶️
archive-text = <b>#{ $id }</b> [{ $language }]
    { $text }
admin-bc-button-ask = 👥 Ask another admin to approve
admin-bc-button-ok = ✅ Approve and send
admin-bc-button-no = ✖️ Reject
admin-bc-needs-approval = A broadcast to everyone needs a second admin's approval: it goes when another admin approves it.
admin-bc-approval-notice = Broadcast #{ $id } by admin { $drafter } to { $audience } ({ $count ->
    [one] { $count } recipient
   *[other] { $count } recipients
}) waits for your approval until { $until }. The message is above.
admin-bc-approval-asked = Sent for approval to { $admins ->
    [0] nobody: no other admin can be reached
    [one] { $admins } admin chat
   *[other] { $admins } admin chats
}. It goes when one of them approves it, until { $until }.
admin-bc-approval-own = You drafted this broadcast: another admin has to approve it.
admin-bc-approval-expired = This request has expired: nobody approved it in time. Draft the broadcast again.
admin-bc-approval-gone = This broadcast was already approved, rejected or cancelled.
admin-bc-approval-sent = Approved: sending.
admin-bc-approved = Broadcast #{ $id } approved by you: sending.
admin-bc-rejected = Rejected.
admin-bc-rejected-by-you = Broadcast #{ $id } rejected by you; it will not be sent.
admin-bc-rejected-drafter = Another admin rejected your broadcast #{ $id }; it will not be sent.
admin-bc-state-pending = waiting for approval
admin-bc-state-expired = expired
admin-bc-expired-drafter = Nobody approved your broadcast #{ $id } in time; it will not be sent. Draft it again if it is still needed.
