# Telegram: własne teksty kanału. Opisy poleceń widać w menu Telegrama.

telegram-command-start = Zacznij od początku
telegram-command-danger = Jestem teraz w niebezpieczeństwie
telegram-command-person = Porozmawiaj z człowiekiem
telegram-command-language = Zmień język
telegram-command-help = Pomoc
telegram-command-exit = Usuń czat i zakończ
telegram-command-forget = Usuń moje dane
telegram-only-text = Umiem czytać tylko tekst i przyciski. To, co zostało wysłane, nie jest zapisywane. Najlepiej napisz to słowami.
telegram-edited = Nie umiem czytać zmienionych wiadomości. Wyślij nowy tekst jako nową wiadomość.
telegram-old-button = Ten przycisk już nie działa. Użyj przycisków z ostatniej wiadomości.
telegram-too-many = Wiadomości przychodzą bardzo szybko. Poczekaj chwilę i napisz ponownie. W niebezpieczeństwie dzwoń pod { $emergency }.
telegram-delete-chat = Telegram pozwala mi usuwać tylko wiadomości młodsze niż dwie doby. Starsze wiadomości można usunąć samodzielnie: przytrzymaj czat na liście czatów i wybierz „Usuń”.
telegram-previews = Wskazówka: w ustawieniach Telegrama, w sekcji Powiadomienia, można wyłączyć podgląd wiadomości. Wtedy na ekranie blokady nie widać żadnego tekstu.
telegram-opener = Nowa wiadomość.
