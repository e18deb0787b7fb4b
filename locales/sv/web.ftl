# Webbchatten: sidans egna texter. Knapparna för globala val (action-*) finns i main.ftl.

web-title = Chatt
web-quick-exit = Lämna snabbt
web-quick-exit-note = ”Lämna snabbt” döljer chatten direkt och öppnar en annan sida. Du kan också trycka på Shift tre gånger. Webbhistoriken kan ändå visa att du har varit här, och det skyddar inte mot spionprogram.
web-log-label = Samtalet
web-speaker-bot = Chatten:
web-speaker-you = Du:
web-input-label = Skriv ett meddelande
web-send = Skicka
web-language-label = Språk
web-no-script = Chatten behöver JavaScript för att fungera. Om du är i fara: ring { $emergency }.
web-reconnecting = Anslutningen bröts. Jag försöker igen …
web-error-unavailable = Chatten fungerar inte just nu. Försök igen om en stund. Om du är i fara: ring { $emergency }. Kvinnofridslinjen svarar dygnet runt, också anhöriga: { $kvinnofridslinjen }.
web-error-too-many = Du skriver väldigt snabbt. Vänta en liten stund och försök igen. Om du är i fara: ring { $emergency }.
web-error-ended = Samtalet är avslutat. Skriv igen om du vill börja ett nytt.
web-error-bad-request = Det gick inte att skicka meddelandet. Försök igen.
