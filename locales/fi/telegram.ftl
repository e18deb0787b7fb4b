# Telegram: kanavan omat tekstit. Komentojen kuvaukset näkyvät Telegramin valikossa.

telegram-command-start = Aloita alusta
telegram-command-danger = Olen vaarassa nyt
telegram-command-person = Puhu ihmisen kanssa
telegram-command-language = Vaihda kieli
telegram-command-help = Ohje
telegram-command-exit = Poista keskustelu ja lopeta
telegram-command-forget = Poista tietoni
telegram-only-text = Osaan lukea vain tekstiä ja painikkeita. Lähettämääsi ei tallenneta. Kirjoita mieluummin sanoin.
telegram-edited = En voi lukea muokattuja viestejä. Lähetä uusi teksti uutena viestinä.
telegram-old-button = Tämä painike ei enää toimi. Käytä uusimman viestin painikkeita.
telegram-too-many = Kirjoitat todella nopeasti. Odota hetki ja kirjoita sitten uudelleen. Jos olet vaarassa, soita { $emergency }.
telegram-delete-chat = Telegram antaa minun poistaa vain alle kaksi vuorokautta vanhoja viestejä. Vanhemmat viestit voit poistaa itse: paina keskustelua pitkään keskustelulistassa ja valitse Poista.
telegram-previews = Vinkki: Telegramin asetuksissa, kohdassa Ilmoitukset, voit poistaa viestien esikatselun. Silloin lukitusnäytöllä ei näy tekstiä.
telegram-opener = Uusi viesti.
