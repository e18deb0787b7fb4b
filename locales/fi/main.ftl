# Suomi (finska, Finnish). Samat viestit ja muuttujat kuin ruotsinkielisessä referenssissä (locales/sv).
# Ruotsalaisten palvelujen nimet pysyvät ruotsiksi, ja niille annetaan lyhyt selitys suomeksi.

language-name = Suomi

## Yleiset valinnat, kaikissa tiloissa

action-danger = Olen vaarassa nyt
action-person = Puhu ihmisen kanssa
action-restart = Aloita alusta
action-language = Vaihda kieli (Language)
action-forget = Poista tietoni
action-help = Ohje

## Mitä botti itse sanoo

engine-not-understood = En ihan ymmärtänyt. Voit valita jonkin vaihtoehdoista.
engine-choose-language = Mitä kieltä haluat käyttää?
engine-forgotten =
    Kaikki tämän keskustelun tiedot on nyt poistettu palvelimeltamme.

    Viestejä voi vielä olla puhelimessasi. Kirjoita jotain, jos haluat aloittaa alusta.
engine-handoff-received = Kiitos. Viestisi on tallennettu. Henkilö, joka vastaa sinulle, voi lukea sen.
engine-too-long = Viesti on liian pitkä. Kirjoitathan vähän lyhyemmin.
engine-content-changed = Chat on päivitetty viimeisen viestisi jälkeen, joten aloitamme alusta.

## Tervetuloa ja turvallisuus

welcome = Hei! Täällä voit keskustella nimettömänä ja saada tietoa siitä, mitä apua on tarjolla. Sinun ei tarvitse kertoa, kuka olet.
safety-question = Ennen kuin aloitamme: voitko kirjoittaa turvallisesti juuri nyt, niin ettei kukaan muu näe näyttöäsi?
option-safe = Kyllä, on turvallista
option-not-safe = Ei ole turvallista
safety-not-safe = Kiitos, että kerroit. Turvallisuutesi on tärkeintä. Voi olla hyvä poistua chatista nyt ja palata, kun on turvallista. Voit myös jatkaa, jos haluat.
quick-exit =
    Jos joku tulee, voit poistua nopeasti. Verkkochatissa paina ”Poistu nopeasti”. Telegramissa kirjoita { $exit_command }. Silloin chatista poistetaan viestit, jotka ovat alle kaksi vuorokautta vanhoja. Vanhemmat viestit sinun täytyy poistaa itse puhelimestasi.

    Voit myös kirjoittaa ”poista tietoni”. Silloin kaikki keskustelun tiedot poistetaan palvelimeltamme.

    Nopea poistuminen ei voi piilottaa kaikkea. Selaimen historiasta voi nähdä, että olet käynyt sivulla. Nopea poistuminen ei myöskään suojaa puhelimessa olevilta vakoiluohjelmilta.
option-continue = Haluan jatkaa

## Kuka olet?

who-are-you = Mikä sopii sinuun parhaiten? Sinä päätät, kuinka paljon kerrot.
option-exposed = Koen väkivaltaa
option-uses-violence = Olen käyttänyt väkivaltaa
option-worried = Olen huolissani jostakusta
option-young = Olen alle 18-vuotias
option-professional = Olen ammattilainen
option-topics = Tietoa avusta

## Painikkeet, jotka näkyvät monessa tilassa

option-back-to-menu = Takaisin valikkoon
option-talk = Puhu ihmisen kanssa
option-talk-atv = Puhu ATV:n kanssa
option-support-lines = Auttavat puhelimet
option-sheltered-housing = Turvakoti
option-police = Poliisi
option-social-services = Sosiaalitoimi
option-atv = ATV – Alternativ till våld
option-valj-att-sluta = Välj att sluta
option-honour = Kunniaan liittyvä väkivalta
option-trafficking = Seksin ostaminen ja ihmiskauppa
option-protected-data = Suojatut henkilötiedot
option-injuries = Vammojen dokumentointi
option-interpreter = Tulkki
option-more-help = Lisää apua
option-more-topics = Lisää aiheita
option-my-municipality = Apua omassa kunnassani
option-change-municipality = Vaihda kunta
option-young-telling = Mitä tapahtuu, jos kerron?

## Jos koet väkivaltaa

exposed-intro =
    Se, mitä sinulle tapahtuu, ei ole sinun syytäsi. Kenelläkään ei ole oikeutta lyödä, uhkailla tai kontrolloida sinua.

    Sinulle on tarjolla tukea ja suojaa. Sinä päätät itse, otatko yhteyttä keneenkään ja milloin.
exposed-choice = Mistä haluaisit tietää lisää?
lines-women =
    Kvinnofridslinjen on valtakunnallinen auttava puhelin naisille, jotka kokevat uhkailua tai väkivaltaa: { $kvinnofridslinjen }. Se vastaa ympäri vuorokauden ja on maksuton. Puhelu ei näy puhelinlaskussa. Voit soittaa nimettömänä.

    Terrafem on tarkoitettu naisille ja tytöille, jotka ovat syntyneet toisessa maassa: { $terrafem }. Siellä puhutaan monia kieliä.
lines-men-trans =
    Stödlinjen för män on auttava puhelin miehille, jotka kokevat väkivaltaa lähisuhteessa: { $stodlinjen_man }, joka päivä klo { $stodlinjen_man_hours }.

    Stödlinjen för transpersoner on auttava puhelin trans- ja muunsukupuolisille ihmisille, jotka kokevat väkivaltaa: { $stodlinjen_trans }, joka päivä klo { $stodlinjen_trans_hours }.
lines-crime-victims = Brottsofferjouren on tarkoitettu sinulle, joka olet joutunut rikoksen uhriksi, olet nähnyt rikoksen tai olet uhrin läheinen: { $brottsofferjouren }, joka päivä klo { $brottsofferjouren_hours }. Sinun ei tarvitse olla tehnyt rikosilmoitusta.

## Jos olet käyttänyt väkivaltaa

uses-violence-intro =
    On hyvä, että haet apua. Väkivalta on valinta, ja sen voi lopettaa.

    Tukea on tarjolla sinulle, joka haluat muuttua – myös jos pelkäät, että saatat käyttää väkivaltaa.
uses-violence-help =
    ATV (Alternativ till våld, ”vaihtoehto väkivallalle”) ja Välj att sluta (”valitse lopettaminen”) auttavat sinua, joka haluat lopettaa. Apu on vapaaehtoista, ja se suojelee myös perheen lapsia.

    Työntekijöillä on vaitiolovelvollisuus, mutta laissa on poikkeuksia. Näin on esimerkiksi silloin, kun lapsen turvallisuus tai hyvinvointi on vaarassa.
valj-att-sluta-about = Välj att sluta on valtakunnallinen auttava puhelin sinulle, joka käytät väkivaltaa läheistä ihmistä kohtaan tai pelkäät tekeväsi niin. Myös läheiset ja ammattilaiset voivat soittaa.
valj-att-sluta-call = Soita numeroon { $valj_att_sluta } arkisin virka-aikaan. Muina aikoina voit jättää viestin.

## Jos olet huolissasi jostakusta

worried-intro =
    On hyvä, että välität. Tukesi voi merkitä paljon.

    Jos joku on vaarassa nyt, soita numeroon { $emergency }.
worried-support =
    Kuuntele ja usko, mitä ihminen kertoo. Sano, ettei se ole hänen syytään. Anna hänen päättää itse ja edetä omaan tahtiinsa.

    Älä puhu asiasta väkivaltaa käyttävän ihmisen kanssa. Se voi tehdä tilanteesta vaarallisemman.
worried-lines =
    Kvinnofridslinjen palvelee myös läheisiä: { $kvinnofridslinjen }, ympäri vuorokauden.

    Brottsofferjouren (rikoksen uhrien auttava puhelin) palvelee myös läheisiä: { $brottsofferjouren }, joka päivä klo { $brottsofferjouren_hours }.

    Jos olet huolissasi lapsesta, voit ottaa yhteyttä sosiaalitoimeen. Voit kysyä neuvoa kertomatta, ketä asia koskee.

## Jos olet alle 18-vuotias

young-intro =
    Se ei ole koskaan sinun syytäsi, jos joku kotona lyö, uhkailee tai pelottelee sinua. Sinulla on oikeus olla turvassa.

    Sama pätee, jos joku, jonka kanssa seurustelet, satuttaa sinua.
young-bris = BRIS (Barnens rätt i samhället, ”lasten oikeudet yhteiskunnassa”) on sinua varten, jos olet alle 18-vuotias: { $bris }, ympäri vuorokauden. Sivulla bris.se voit myös chatata BRISin kanssa tai lähettää sähköpostia.
young-adults = Voit myös puhua aikuiselle, johon luotat, esimerkiksi kouluterveydenhoitajalle, koulukuraattorille, opettajalle tai nuorisotyöntekijälle.
young-telling-adult =
    Kerro aikuiselle, johon luotat. Jos hän ei kuuntele, kerro jollekulle muulle. Lasten kanssa työskentelevät aikuiset voivat joutua kertomaan asiasta sosiaalitoimelle, jotta saat apua.

    Voit kysyä, mitä sitten tapahtuu, ennen kuin kerrot kaiken.
young-telling-social-services = Sosiaalitoimen täytyy puuttua asiaan, kun lasta kohdellaan huonosti. Työntekijät puhuvat kanssasi ja yrittävät tehdä tilanteestasi turvallisen.

## Jos kohtaat väkivaltaa työssäsi

professional-contact =
    Sosiaalitoimi voi antaa sinulle neuvoja myös silloin, kun et kerro, ketä asia koskee. Jos olet huolissasi lapsesta, ota yhteyttä sosiaalitoimeen.

    Kvinnofridslinjen palvelee myös ammattilaisia: { $kvinnofridslinjen }, ympäri vuorokauden. Välj att sluta palvelee ammattilaisia, jotka kohtaavat työssään väkivaltaa käyttäviä ihmisiä: { $valj_att_sluta }, arkisin virka-aikaan.
professional-asking =
    Kysy väkivallasta suoraan ja yksinkertaisesti, kun olette kahden kesken. Älä käytä tulkkina kumppania, lasta tai sukulaista. Varaa ammattitulkki.

    Usko, mitä ihminen kertoo, ja kerro hänelle, mitä apua on tarjolla.

## Tarjolla oleva apu

topics-question = Mistä haluaisit lukea?

atv-about =
    ATV on lyhenne sanoista Alternativ till våld, ”vaihtoehto väkivallalle”. Se on hoitoa ihmisille, jotka käyttävät väkivaltaa lähisuhteessa. Menetelmä on kotoisin Oslosta.

    Hoito on vapaaehtoista. Voit käydä keskusteluissa yksin tai ryhmässä.
atv-for-whom = ATV Täby -palvelua ylläpitävät kunnat Tukholman läänin koillisosassa. Täby, Vaxholm, Danderyd, Österåker, Lidingö ja Vallentuna tekevät siinä yhteistyötä. Siellä saavat tukea sekä ne, jotka käyttävät väkivaltaa, että ne, jotka kokevat väkivaltaa parisuhteessa.
atv-first-contact = Ensimmäinen yhteydenotto on yleensä lyhyt puhelu. Sen jälkeen pääset tavallisesti pian tapaamiseen.
atv-number = Soita ATV:hen numeroon { $atv }.
atv-switchboard = Soita kunnan vaihteeseen ja pyydä, että sinut yhdistetään ATV:hen tai sosiaalitoimeen.

sheltered-housing-about =
    Turvakoti (ruotsiksi skyddat boende) on turvallinen asumispaikka sinulle, joka tarvitset suojaa väkivallalta.

    Mukaan tulevien lasten tilanne arvioidaan erikseen. Lapsi voi asua siellä yhden huoltajansa kanssa, vaikka toinen huoltaja ei suostuisi siihen.
sheltered-housing-how = Turvakotiin pääset oman kuntasi sosiaalitoimen kautta. Sosiaalitoimi arvioi, mitä tarvitset, ja tekee päätöksen. Naisten tukijärjestö (kvinnojour) voi auttaa sinua ottamaan yhteyttä sosiaalitoimeen.
social-services-number = Sosiaalitoimi virka-aikaan: { $social_services }.
social-services-switchboard = Soita kunnan vaihteeseen ja pyydä, että sinut yhdistetään sosiaalitoimeen.
social-on-call-number = Iltaisin ja viikonloppuisin: sosiaalipäivystys (socialjouren), { $social_on_call }. Jos olet vaarassa, soita numeroon { $emergency }.
social-on-call-general = Iltaisin ja viikonloppuisin, kun sosiaalitoimi on kiinni, soita numeroon { $emergency }, jos tarvitset suojaa.
womens-shelter-number = Naisten tukijärjestö (kvinnojour): { $womens_shelter }.

police-when =
    Soita numeroon { $emergency }, jos olet vaarassa nyt tai jos jotain tapahtuu juuri nyt.

    Soita numeroon { $police }, jos tilanne on ohi ja haluat tehdä rikosilmoituksen tai kysyä jotain. Molemmat vastaavat ympäri vuorokauden.
police-report = Voit tehdä rikosilmoituksen soittamalla numeroon { $police } tai käymällä poliisiasemalla.
police-contact-ban = Voit pyytää poliisilta tai syyttäjältä lähestymiskieltoa (kontaktförbud). Päätöksen tekee syyttäjä. Jos lähestymiskielto määrätään, henkilö ei saa ottaa sinuun yhteyttä. Kieltoa voidaan myös valvoa sähköisesti.

social-services-about =
    Kuntasi sosiaalitoimi voi antaa sinulle neuvoja, tukea ja hoitoa. Se voi myös auttaa, jos tarvitset turvakodin tai taloudellista tukea.

    Voit olla nimetön, kun kysyt neuvoa. Sosiaalitoimi auttaa myös niitä, jotka haluavat lopettaa väkivallan käytön.
social-services-what-happens = Kun otat yhteyttä sosiaalitoimeen, sinulta kysytään väkivallasta. Työntekijät arvioivat, tarvitsetko suojaa, ja voivat järjestää turvakodin. Jälkeenpäin he seuraavat, miten sinulla menee.

honour-about =
    Kunniaan liittyvä väkivalta ja sorto voi olla sitä, että perhe tai suku päättää, keitä saat tavata, keneen saat rakastua tai kenen kanssa saat mennä naimisiin.

    Se voi olla myös uhkailua, kontrollia tai väkivaltaa, jolla suojellaan perheen mainetta. Se ei ole sinun syytäsi.
honour-line =
    Rätt att välja (”oikeus valita”) on tarkoitettu sinulle iästäsi riippumatta ja myös läheisille: { $ratt_att_valja }, joka päivä klo { $ratt_att_valja_hours }.

    Jos olet alle 18-vuotias, voit soittaa myös BRISiin: { $bris }, ympäri vuorokauden.

trafficking-about =
    Joku saattaa pakottaa sinut myymään seksiä tai tekemään töitä. Joku saattaa ottaa rahasi tai passisi.

    Se ei ole sinun syytäsi, ja apua on saatavilla.
trafficking-help =
    Jos olet vaarassa nyt, soita numeroon { $emergency }. Jos haluat tehdä rikosilmoituksen tai kysyä poliisilta jotain, soita numeroon { $police }.

    Sosiaalitoimi voi antaa sinulle tukea. Se voi järjestää sinulle turvakodin, jos se arvioi, että tarvitset sitä.

protected-data-about = Jos joku etsii sinua, voit hakea suojattuja henkilötietoja Skatteverketiltä (Ruotsin verovirasto). Silloin osoitettasi on vaikeampi löytää.
protected-data-how =
    Skatteverketillä on kaksi suojan tasoa: sekretessmarkering (salassapitomerkintä) ja skyddad folkbokföring (suojattu väestörekisteröinti).

    Uutta henkilöllisyyttä (fingerade personuppgifter) haet poliisilta.

injuries-about =
    Jos olet loukkaantunut pahasti, soita numeroon { $emergency }.

    Terveydenhuollossa voidaan tutkia ja dokumentoida vammasi. Siitä voi olla apua myöhemmin, jos haluat tehdä rikosilmoituksen.

    Soita Vårdguideniin (terveysneuvonnan puhelin) numeroon { $vardguiden }. Se vastaa ympäri vuorokauden. Sieltä saat neuvoja hoidosta ja siitä, missä vammasi voidaan tutkia.

interpreter-about = Voit saada tulkin, kun soitat numeroon { $emergency } tai Kvinnofridslinjeniin numeroon { $kvinnofridslinjen }. Sano kielesi nimi ruotsiksi tai englanniksi: ”finska” tai ”Finnish”.

## Oma kuntasi

municipality-question = Missä kunnassa asut? Silloin voin näyttää, mitä apua siellä on. Sinun ei tarvitse vastata.
municipality-taby = Täby
municipality-vaxholm = Vaxholm
municipality-danderyd = Danderyd
municipality-osteraker = Österåker
municipality-lidingo = Lidingö
municipality-vallentuna = Vallentuna
municipality-other = Muu kunta
local-help-intro = Tässä on apua lähelläsi. Voit olla nimetön, kun kysyt neuvoa.

## Vaara nyt

danger-now =
    Soita nyt numeroon { $emergency }, jos olet vaarassa, sinua uhataan tai olet loukkaantunut. Soita myös, jos joku muu on samassa tilanteessa. Numeroon { $emergency } vastataan ympäri vuorokauden.

    Pelkäätkö, että sinä itse satutat nyt jotakuta? Soita silloinkin numeroon { $emergency }.
danger-now-interpreter = Sano kielesi nimi ruotsiksi tai englanniksi: ”finska” tai ”Finnish”. Silloin saat tulkin.
danger-now-after = Kun olet turvassa, voit puhua täällä ihmisen kanssa.

## Ohje ja jono

help-text =
    Voit painaa painikkeita tai kirjoittaa. Kirjoita esimerkiksi ”aloita alusta”, ”vaihda kieli”, ”puhu ihmisen kanssa” tai ”poista tietoni”.

    Jos olet vaarassa nyt, soita numeroon { $emergency }.
handoff-waiting =
    Olet nyt jonossa odottamassa, että pääset puhumaan sosiaalitoimen työntekijän kanssa. Voit olla nimetön. Voi kestää hetken, ennen kuin joku vastaa. Iltaisin ja öisin kukaan ei ehkä vastaa ennen seuraavaa päivää. Kvinnofridslinjen vastaa ympäri vuorokauden: { $kvinnofridslinjen }.

    Hyvä tietää: jos lapsen turvallisuus tai hyvinvointi on vaarassa, sosiaalitoimen täytyy puuttua asiaan, jotta lapsi saa tukea ja suojaa.

    Jos olet vaarassa nyt, soita numeroon { $emergency }.
handoff-waiting-atv =
    Olet nyt jonossa odottamassa, että pääset puhumaan ATV:n työntekijän kanssa. Voit olla nimetön. Voi kestää hetken, ennen kuin joku vastaa. Iltaisin ja öisin kukaan ei ehkä vastaa ennen seuraavaa päivää.

    Hyvä tietää: jos lapsen turvallisuus tai hyvinvointi on vaarassa, sosiaalitoimen täytyy puuttua asiaan, jotta lapsi saa tukea ja suojaa.

    Jos joku on vaarassa nyt, soita numeroon { $emergency }.
option-leave-queue = Poistu jonosta

## Jono ihmisen luo (nämä sanoo handoff-palvelu, ei keskustelupolku)

handoff-position = Olet jonossa sijalla { $position }.
handoff-closed =
    { $team } ei ole juuri nyt tavoitettavissa. Voit jäädä jonoon, niin joku vastaa sinulle, kun työntekijät ovat taas paikalla. Voit myös poistua jonosta.

    Kvinnofridslinjen (valtakunnallinen auttava puhelin naisille) vastaa ympäri vuorokauden, myös läheisille: { $kvinnofridslinjen }. Jos olet vaarassa, soita numeroon { $emergency }.
handoff-claimed = Keskustelet nyt työntekijän kanssa ({ $team }). Voit kirjoittaa, kun haluat.
handoff-ended = { $team } on lopettanut keskustelun. Kiitos, että kirjoitit. Voit palata valikkoon, kun haluat.
handoff-released = Olet taas jonossa samalla sijalla kuin ennen. Joku toinen vastaa sinulle pian.
handoff-transferred = Keskustelusi on siirretty toiselle tiimille: { $team }. Olet nyt tiimin jonossa.
option-end-conversation = Lopeta keskustelu
handoff-estimate =
    { $minutes ->
        [one] Yleensä kestää noin { $minutes } minuutin, ennen kuin joku vastaa.
       *[other] Yleensä kestää noin { $minutes } minuuttia, ennen kuin joku vastaa.
    }
handoff-no-answer =
    Kukaan ei ole vielä voinut vastata sinulle. Anteeksi, että joudut odottamaan. Voit jäädä jonoon tai poistua jonosta.

    Kvinnofridslinjen (valtakunnallinen auttava puhelin naisille) vastaa ympäri vuorokauden, myös läheisille: { $kvinnofridslinjen }. Jos olet vaarassa, soita numeroon { $emergency }.
