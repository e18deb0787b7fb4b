# Telegram: the channel's own texts. Command descriptions show in Telegram's menu.

telegram-command-start = Start from the beginning
telegram-command-danger = I am in danger now
telegram-command-person = Talk to a person
telegram-command-language = Change language
telegram-command-help = Help
telegram-command-exit = Delete the chat and leave
telegram-command-forget = Delete my data
telegram-only-text = I can only read text and buttons. What you sent is not kept. Please write in words instead.
telegram-edited = I cannot read edited messages. Please send the new text as a new message.
telegram-old-button = That button no longer works. Please use the buttons in the latest message.
telegram-too-many = You are writing very fast. Please wait a moment and write again. If you are in danger: call { $emergency }.
telegram-delete-chat = Telegram only lets me delete messages that are less than two days old. You can delete older messages yourself: press and hold the chat in your chat list and choose Delete.
telegram-previews = Tip: in Telegram's settings, under Notifications, you can turn off message previews. Then no text shows on the lock screen.
telegram-opener = New message.
