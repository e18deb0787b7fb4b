# Svenska: referenskatalogen. Alla andra språk har samma meddelanden och variabler.
# Telefonnummer står aldrig här: de kommer som variabler från flows/main.yaml.

language-name = Svenska

## Globala val, i alla lägen

action-danger = Jag är i fara nu
action-person = Prata med en person
action-restart = Börja om
action-language = Byt språk (Language)
action-forget = Radera mina uppgifter
action-help = Hjälp

## Det motorn själv säger

engine-not-understood = Jag förstod inte riktigt. Du kan välja något av alternativen.
engine-choose-language = Vilket språk vill du använda?
engine-forgotten =
    Allt om det här samtalet är nu raderat från vår server.

    Meddelanden kan finnas kvar på din telefon. Skriv något om du vill börja om.
engine-handoff-received = Tack. Ditt meddelande är sparat. Den som svarar dig kan läsa det.
engine-too-long = Meddelandet är för långt. Skriv gärna lite kortare.

## Välkommen och säkerhet

welcome = Hej! Här kan du chatta anonymt och få veta vilken hjälp som finns. Du behöver inte säga vem du är.
safety-question = Innan vi börjar: kan du skriva säkert just nu, utan att någon annan ser din skärm?
option-safe = Ja, det är säkert
option-not-safe = Nej, inte säkert
safety-not-safe = Tack för att du säger det. Din säkerhet går först. Lämna gärna chatten nu och kom tillbaka när det är säkert. Du kan också fortsätta, om du vill.
quick-exit =
    Om någon kommer kan du lämna snabbt. I webbchatten trycker du på ”Lämna snabbt”. I Telegram skriver du /exit. Då raderas meddelandena från de senaste två dygnen. Äldre meddelanden raderar du själv i telefonen.

    Du kan också skriva ”radera mina uppgifter”. Då raderas allt om samtalet från vår server.

    Snabb utgång kan inte dölja allt. Webbhistoriken kan visa att du besökt sidan, och den skyddar inte mot spionprogram i telefonen.
option-continue = Jag vill fortsätta

## Vem är du?

who-are-you = Vad passar bäst in på dig? Du väljer själv hur mycket du berättar.
option-exposed = Jag blir utsatt
option-uses-violence = Jag har använt våld
option-worried = Jag oroar mig för någon
option-professional = Jag möter det i jobbet
option-back = Tillbaka
option-back-to-menu = Tillbaka till menyn
option-talk = Prata med en person
option-talk-atv = Prata med ATV
option-sheltered-housing = Skyddat boende
option-police = Polisen
option-atv = ATV – Alternativ till våld

exposed-intro =
    Det som händer dig är inte ditt fel. Du har rätt till stöd och skydd.

    Här kan du läsa om hjälpen som finns. Du bestämmer själv om och när du vill kontakta någon.
support-lines =
    Kvinnofridslinjen, för kvinnor: { $kvinnofridslinjen }, dygnet runt. Gratis, och syns inte på telefonräkningen.

    Stödlinjen för män: { $stodlinjen_man }, alla dagar kl. { $stodlinjen_man_hours }.

    Stödlinjen för transpersoner: { $stodlinjen_trans }, alla dagar kl. { $stodlinjen_trans_hours }.

uses-violence-intro =
    Det är bra att du söker hjälp. Våld är ett val, och det går att sluta.

    ATV (Alternativ till våld) och Välj att sluta hjälper dig som vill sluta. Hjälpen är frivillig, och den skyddar också barn i familjen.

    Personalen har tystnadsplikt, men lagen har undantag, till exempel när ett barn far illa.
valj-att-sluta = Välj att sluta: { $valj_att_sluta }, vardagar på kontorstid. Andra tider kan du lämna ett meddelande.

worried-intro =
    Det är bra att du bryr dig. Du kan visa att du finns där, utan att pressa.

    Om någon är i fara nu: ring { $emergency }.
worried-lines = Kvinnofridslinjen svarar också anhöriga: { $kvinnofridslinjen }, dygnet runt.

professional-intro = Socialtjänsten kan ge dig råd, också utan att du säger vem det gäller. Ring kommunens växel och be att få prata med socialtjänsten.
professional-lines = Kvinnofridslinjen svarar också yrkesverksamma: { $kvinnofridslinjen }, dygnet runt.

## Hjälpen som finns

atv-about =
    ATV betyder Alternativ till våld. Det är stöd och behandling för dig som använder våld i en parrelation. Det finns också stöd för den som blir utsatt.

    Det är frivilligt. Du kan få samtal ensam eller i grupp.
atv-first-contact = Första kontakten är oftast ett kort telefonsamtal. Sedan får du snart ett möte. Ring kommunens växel och be att få prata med ATV eller socialtjänsten.

sheltered-housing-about = Skyddat boende är ett boende för dig som behöver skydd mot våld. Barn som följer med får en egen bedömning.
sheltered-housing-how =
    Du får skyddat boende genom socialtjänsten i din kommun. De bedömer ditt behov och beslutar. Ring kommunens växel och be att få prata med socialtjänsten.

    På kvällar och helger: kontakta socialjouren eller ring { $emergency }.

police-about =
    Om du är i fara nu: ring { $emergency }.

    Vill du anmäla ett brott i efterhand? Ring polisen på { $police }, dygnet runt, eller gå till en polisstation.
police-contact-ban = Du kan be polisen eller en åklagare om kontaktförbud. Då får personen inte kontakta dig. En åklagare beslutar.

## Fara nu

danger-now = Ring { $emergency } nu om du är i fara, om någon hotar dig eller har skadat dig. { $emergency } svarar dygnet runt.
danger-now-interpreter = Säg namnet på ditt språk på svenska eller engelska, så får du en tolk.
danger-now-after = När du är i säkerhet kan du prata med en person här.

## Hjälp och kö

help-text =
    Du kan trycka på knapparna eller skriva. Skriv till exempel ”börja om”, ”byt språk”, ”prata med en person” eller ”radera mina uppgifter”.

    Om du är i fara nu: ring { $emergency }.
handoff-waiting =
    Du står nu i kö för att prata med en person från socialtjänsten. Du kan vara anonym. Det kan ta en stund innan någon svarar, särskilt på kvällar och nätter.

    Bra att veta: om ett barn far illa måste socialtjänsten agera.

    Om du är i fara nu: ring { $emergency }.
handoff-waiting-atv =
    Du står nu i kö för att prata med någon från ATV. Du kan vara anonym. Det kan ta en stund innan någon svarar, särskilt på kvällar och nätter.

    Bra att veta: om ett barn far illa måste socialtjänsten agera.

    Om någon är i fara nu: ring { $emergency }.
option-leave-queue = Lämna kön
