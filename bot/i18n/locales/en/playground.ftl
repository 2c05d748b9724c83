# The playground's web chat page (make demo); plain text, the page shows it as text.
playground-title = Alliance news bot: playground
playground-intro = The real bot on a built-in local Telegram: nothing leaves this computer. Try /start, a question, /help; as the admin, /broadcast.
playground-language = Telegram language
playground-role-subscriber = Subscriber
playground-role-admin = Admin
playground-you-are = You are
playground-publish = Publish demo news
playground-feed-status = Demo news published: { $published } of { $total }
playground-input = Message or /command
playground-send = Send
playground-edited = edited
playground-kind-photo = Photo
playground-kind-document = Document
playground-kind-video = Video
playground-kind-rich = Article
