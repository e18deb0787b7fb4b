# Verkkochat: sivun omat tekstit. Yleisten valintojen painikkeet (action-*) ovat tiedostossa main.ftl.

web-title = Chat
web-quick-exit = Poistu nopeasti
web-quick-exit-note = ”Poistu nopeasti” piilottaa chatin heti ja avaa toisen sivun. Voit myös painaa Shift-näppäintä kolme kertaa. Selaimen historiasta voi silti nähdä, että olet käynyt täällä, eikä nopea poistuminen suojaa vakoiluohjelmilta.
web-log-label = Keskustelu
web-speaker-bot = Chat:
web-speaker-you = Sinä:
web-input-label = Kirjoita viesti
web-send = Lähetä
web-language-label = Kieli
web-no-script = Chat tarvitsee JavaScriptin toimiakseen. Jos olet vaarassa, soita numeroon { $emergency }.
web-reconnecting = Yhteys katkesi. Yritän uudelleen …
web-error-unavailable = Chat ei toimi juuri nyt. Yritä hetken päästä uudelleen. Jos olet vaarassa, soita numeroon { $emergency }. Kvinnofridslinjen (valtakunnallinen auttava puhelin naisille) vastaa ympäri vuorokauden, myös läheisille: { $kvinnofridslinjen }.
web-error-too-many = Kirjoitat todella nopeasti. Odota hetki ja yritä uudelleen. Jos olet vaarassa, soita numeroon { $emergency }.
web-error-ended = Keskustelu on päättynyt. Jos haluat aloittaa uuden keskustelun, kirjoita uusi viesti.
web-error-bad-request = Viestin lähettäminen ei onnistunut. Yritä uudelleen.
