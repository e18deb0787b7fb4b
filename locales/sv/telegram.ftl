# Telegram: kanalens egna texter. Kommandonas beskrivningar visas i Telegrams meny.

telegram-command-start = Börja från början
telegram-command-danger = Jag är i fara nu
telegram-command-person = Prata med en person
telegram-command-language = Byt språk
telegram-command-help = Hjälp
telegram-command-exit = Radera chatten och avsluta
telegram-command-forget = Radera mina uppgifter
telegram-only-text = Jag kan bara läsa text och knappar. Det du skickade sparas inte. Skriv gärna med ord i stället.
telegram-edited = Jag kan inte läsa ändrade meddelanden. Skriv det nya som ett nytt meddelande.
telegram-old-button = Den knappen går inte att använda längre. Använd knapparna i det senaste meddelandet.
telegram-too-many = Du skriver väldigt snabbt. Vänta en liten stund och skriv igen. Om du är i fara: ring { $emergency }.
telegram-delete-chat = Telegram låter mig bara radera meddelanden som är yngre än två dygn. Äldre meddelanden raderar du själv: håll fingret på chatten i chattlistan och välj Radera.
telegram-previews = Tips: i Telegrams inställningar, under Aviseringar, kan du stänga av förhandsvisningen. Då syns ingen text på låsskärmen.
# The first line of every message in Telegram: a lock screen and the chat list show only this.
telegram-opener = Nytt meddelande.
