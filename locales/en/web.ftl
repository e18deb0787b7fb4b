# The web chat: the page's own texts. The buttons for global actions (action-*) are in main.ftl.

web-title = Chat
web-quick-exit = Leave quickly
web-quick-exit-note = “Leave quickly” hides the chat at once and opens another page. You can also press Shift three times. Your browser history can still show that you were here, and it does not protect against spy apps.
web-log-label = The conversation
web-speaker-bot = Chat:
web-speaker-you = You:
web-input-label = Write a message
web-send = Send
web-language-label = Language
web-no-script = The chat needs JavaScript to work. If you are in danger: call { $emergency }.
web-reconnecting = The connection was lost. Trying again …
web-error-unavailable = The chat is not working right now. Please try again in a while. If you are in danger: call { $emergency }. Kvinnofridslinjen answers day and night, also relatives: { $kvinnofridslinjen }.
web-error-too-many = You are writing very fast. Please wait a moment and try again. If you are in danger: call { $emergency }.
web-error-ended = This conversation has ended. Write again if you want to start a new one.
web-error-bad-request = The message could not be sent. Please try again.
