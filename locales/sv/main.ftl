# Svenska: referenskatalogen. Alla andra språk har samma meddelanden och variabler.
# Telefonnummer och öppettider står aldrig här: de kommer som variabler från
# flows/main.yaml, och lokala nummer från driftens inställningar.

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
engine-content-changed = Chatten har uppdaterats sedan ditt förra meddelande, så vi börjar om från början.

## Välkommen och säkerhet

welcome = Hej! Här kan du chatta anonymt och få veta vilken hjälp som finns. Du behöver inte säga vem du är.
safety-question = Innan vi börjar: kan du skriva säkert just nu, utan att någon annan ser din skärm?
option-safe = Ja, det är säkert
option-not-safe = Nej, inte säkert
safety-not-safe = Tack för att du säger det. Din säkerhet går först. Lämna gärna chatten nu och kom tillbaka när det är säkert. Du kan också fortsätta, om du vill.
quick-exit =
    Om någon kommer kan du lämna snabbt. I webbchatten trycker du på ”Lämna snabbt”. I Telegram skriver du { $exit_command }. Då raderas meddelanden i chatten som är yngre än två dygn. Äldre meddelanden raderar du själv i telefonen.

    Du kan också skriva ”radera mina uppgifter”. Då raderas allt om samtalet från vår server.

    Snabb utgång kan inte dölja allt. Webbhistoriken kan visa att du besökt sidan, och den skyddar inte mot spionprogram i telefonen.
option-continue = Jag vill fortsätta

## Vem är du?

who-are-you = Vad passar bäst in på dig? Du väljer själv hur mycket du berättar.
option-exposed = Jag utsätts för våld
option-uses-violence = Jag har använt våld
option-worried = Jag oroar mig för någon
option-young = Jag är under 18
option-professional = Jag är yrkesverksam
option-topics = Läs om hjälpen

## Knappar som finns i flera lägen

option-back-to-menu = Tillbaka till menyn
option-talk = Prata med en person
option-talk-atv = Prata med ATV
option-support-lines = Stödlinjer att ringa
option-sheltered-housing = Skyddat boende
option-police = Polisen
option-social-services = Socialtjänsten
option-atv = ATV – Alternativ till våld
option-valj-att-sluta = Välj att sluta
option-honour = Hedersrelaterat våld
option-trafficking = Sexköp och människohandel
option-protected-data = Skyddade personuppgifter
option-injuries = Dokumentera skador
option-interpreter = Tolk
option-more-help = Mer hjälp
option-more-topics = Fler ämnen
option-my-municipality = Hjälp i min kommun
option-change-municipality = Byt kommun
option-young-telling = Vad händer om jag berättar?

## Du som blir utsatt

exposed-intro =
    Det som händer dig är inte ditt fel. Ingen har rätt att slå, hota eller kontrollera dig.

    Det finns stöd och skydd för dig. Du bestämmer själv om och när du vill kontakta någon.
exposed-choice = Vad vill du veta mer om?
lines-women =
    Kvinnofridslinjen, för kvinnor som utsätts för hot eller våld: { $kvinnofridslinjen }. Dygnet runt, gratis, och syns inte på telefonräkningen. Du kan vara anonym.

    Terrafem, för kvinnor och flickor som är födda i ett annat land: { $terrafem }. De talar många språk.
lines-men-trans =
    Stödlinjen för män som utsätts för våld i en nära relation: { $stodlinjen_man }, alla dagar kl. { $stodlinjen_man_hours }.

    Stödlinjen för transpersoner och icke-binära som utsätts för våld: { $stodlinjen_trans }, alla dagar kl. { $stodlinjen_trans_hours }.
lines-crime-victims = Brottsofferjouren, för dig som har utsatts för brott, sett ett brott eller är anhörig: { $brottsofferjouren }, alla dagar kl. { $brottsofferjouren_hours }. Du behöver inte ha gjort en polisanmälan.

## Du som har använt våld

uses-violence-intro =
    Det är bra att du söker hjälp. Våld är ett val, och det går att sluta.

    Det finns stöd för dig som vill förändra dig, också om du är rädd att du ska använda våld.
uses-violence-help =
    ATV (Alternativ till våld) och Välj att sluta hjälper dig som vill sluta. Hjälpen är frivillig, och den skyddar också barn i familjen.

    Personalen har tystnadsplikt, men lagen har undantag, till exempel när ett barn far illa.
valj-att-sluta-about = Välj att sluta är en nationell stödlinje för dig som använder våld mot en närstående, eller är rädd att du ska göra det. Anhöriga och yrkesverksamma kan också ringa.
valj-att-sluta-call = Ring { $valj_att_sluta }, vardagar på kontorstid. Andra tider kan du lämna ett meddelande.

## Du som oroar dig för någon

worried-intro =
    Det är bra att du bryr dig. Ditt stöd kan betyda mycket.

    Om någon är i fara nu: ring { $emergency }.
worried-support =
    Lyssna och tro på det personen berättar. Säg att det inte är personens fel. Låt personen själv bestämma i sin egen takt.

    Prata inte med den som använder våld om det. Det kan göra situationen farligare.
worried-lines =
    Kvinnofridslinjen svarar också anhöriga: { $kvinnofridslinjen }, dygnet runt.

    Brottsofferjouren svarar också anhöriga: { $brottsofferjouren }, alla dagar kl. { $brottsofferjouren_hours }.

    Om du oroar dig för ett barn kan du kontakta socialtjänsten. Du kan fråga om råd utan att säga vem det gäller.

## Du som är under 18

young-intro =
    Det är aldrig ditt fel om någon hemma slår, hotar eller skrämmer dig. Du har rätt att vara trygg.

    Det gäller också om någon du är ihop med gör dig illa.
young-bris = BRIS (Barnens rätt i samhället) är till för dig under 18: { $bris }, dygnet runt. Du kan också chatta eller mejla med BRIS på bris.se.
young-adults = Du kan också prata med en vuxen du litar på, till exempel skolsköterskan, kuratorn, en lärare eller en fältassistent.
young-telling-adult =
    Berätta för en vuxen du litar på. Om den vuxna inte lyssnar, berätta för någon annan. Vuxna som arbetar med barn kan behöva berätta för socialtjänsten, så att du får hjälp.

    Du kan fråga vad som kommer att hända innan du berättar allt.
young-telling-social-services = Socialtjänsten måste agera när ett barn far illa. De pratar med dig och försöker göra det tryggt för dig.

## Du som möter våld i ditt arbete

professional-contact =
    Socialtjänsten kan ge dig råd, också utan att du säger vem det gäller. Om du oroar dig för ett barn: kontakta socialtjänsten.

    Kvinnofridslinjen svarar också yrkesverksamma: { $kvinnofridslinjen }, dygnet runt. Välj att sluta svarar yrkesverksamma som möter någon som använder våld: { $valj_att_sluta }, vardagar på kontorstid.
professional-asking =
    Fråga om våld rakt och enkelt, när personen är ensam med dig. Ta inte hjälp av en partner, ett barn eller en släkting som tolk. Boka en professionell tolk.

    Tro på det personen berättar, och berätta vilken hjälp som finns.

## Hjälpen som finns

topics-question = Vad vill du läsa om?

atv-about =
    ATV betyder Alternativ till våld. Det är behandling för den som använder våld i en nära relation. Metoden kommer från Oslo.

    Det är frivilligt. Du kan få samtal ensam eller i grupp.
atv-for-whom = ATV Täby drivs av kommuner i nordöstra Stockholms län. Täby, Vaxholm, Danderyd, Österåker, Lidingö och Vallentuna samarbetar kring ATV Täby. Där får både den som använder våld och den som blir utsatt i en parrelation stöd.
atv-first-contact = Första kontakten är oftast ett kort telefonsamtal. Sedan brukar du snart få ett möte.
atv-number = Ring ATV: { $atv }.
atv-switchboard = Ring kommunens växel och be att få prata med ATV eller socialtjänsten.

sheltered-housing-about =
    Skyddat boende är ett tryggt boende för dig som behöver skydd mot våld.

    Barn som följer med får en egen bedömning. Ett barn kan få bo där med en av sina vårdnadshavare, även om den andra inte går med på det.
sheltered-housing-how = Du får skyddat boende genom socialtjänsten i din kommun. De bedömer vad du behöver och beslutar. En kvinnojour kan hjälpa dig att få kontakt med socialtjänsten.
social-services-number = Socialtjänsten, på kontorstid: { $social_services }.
social-services-switchboard = Ring kommunens växel och be att få prata med socialtjänsten.
social-on-call-number = Kvällar och helger: socialjouren, { $social_on_call }. Om du är i fara: ring { $emergency }.
social-on-call-general = Kvällar och helger, när socialtjänsten är stängd: ring { $emergency } om du behöver skydd.
womens-shelter-number = Kvinnojouren: { $womens_shelter }.

police-when =
    Ring { $emergency } om du är i fara nu eller om något händer just nu.

    Ring { $police } om det som hänt är över och du vill anmäla eller fråga något. Båda svarar dygnet runt.
police-report = Du kan anmäla ett brott på { $police } eller på en polisstation.
police-contact-ban = Du kan be polisen eller en åklagare om kontaktförbud. En åklagare beslutar. Om det blir kontaktförbud får personen inte kontakta dig. Förbudet kan också övervakas elektroniskt.

social-services-about =
    Socialtjänsten i din kommun kan ge dig råd, stöd och behandling. De kan också hjälpa till med skyddat boende och ekonomiskt stöd.

    Du kan vara anonym när du frågar om råd. Socialtjänsten hjälper också den som vill sluta använda våld.
social-services-what-happens = När du kontaktar dem frågar de om våld. De bedömer om du behöver skydd och kan ordna skyddat boende. Efteråt följer de upp hur du har det.

honour-about =
    Hedersrelaterat våld och förtryck kan vara när familjen eller släkten bestämmer vem du får träffa, vara kär i eller gifta dig med.

    Det kan också vara hot, kontroll eller våld för att skydda familjens rykte. Det är inte ditt fel.
honour-line =
    Rätt att välja, för dig i alla åldrar och för anhöriga: { $ratt_att_valja }, alla dagar kl. { $ratt_att_valja_hours }.

    Är du under 18 kan du också ringa BRIS: { $bris }, dygnet runt.

trafficking-about =
    Någon kanske tvingar dig att sälja sex eller att arbeta. Någon kanske tar dina pengar eller ditt pass.

    Det är inte ditt fel, och det finns hjälp.
trafficking-help =
    Om du är i fara nu: ring { $emergency }. Vill du anmäla eller fråga polisen: ring { $police }.

    Socialtjänsten kan ge dig stöd. De kan ordna skyddat boende om de bedömer att du behöver det.

protected-data-about = Om någon letar efter dig kan du ansöka om skyddade personuppgifter hos Skatteverket. Då blir det svårare att hitta din adress.
protected-data-how =
    Det finns två nivåer hos Skatteverket: sekretessmarkering och skyddad folkbokföring.

    Fingerade personuppgifter, alltså en ny identitet, söker du hos polisen.

injuries-about =
    Om du är svårt skadad: ring { $emergency }.

    Du kan få skadorna undersökta och dokumenterade i vården. Det kan hjälpa dig senare, om du vill anmäla.

    Ring Vårdguiden på { $vardguiden }, dygnet runt. Där får du råd om vård och om var du kan få skadorna undersökta.

interpreter-about = Du kan få tolk när du ringer { $emergency } eller Kvinnofridslinjen, { $kvinnofridslinjen }. Säg namnet på ditt språk på svenska eller engelska.

## Din kommun

municipality-question = Vilken kommun bor du i? Då kan jag visa hjälpen där. Du behöver inte svara.
municipality-taby = Täby
municipality-vaxholm = Vaxholm
municipality-danderyd = Danderyd
municipality-osteraker = Österåker
municipality-lidingo = Lidingö
municipality-vallentuna = Vallentuna
municipality-other = En annan kommun
local-help-intro = Här är hjälpen nära dig. Du kan vara anonym när du frågar om råd.

## Fara nu

danger-now =
    Ring { $emergency } nu om du eller någon annan är i fara, blir hotad eller är skadad. { $emergency } svarar dygnet runt.

    Är du rädd att du själv ska skada någon nu? Ring också { $emergency }.
danger-now-interpreter = Säg namnet på ditt språk på svenska eller engelska, så får du en tolk.
danger-now-after = När du är i säkerhet kan du prata med en person här.

## Hjälp och kö

help-text =
    Du kan trycka på knapparna eller skriva. Skriv till exempel ”börja om”, ”byt språk”, ”prata med en person” eller ”radera mina uppgifter”.

    Om du är i fara nu: ring { $emergency }.
handoff-waiting =
    Du står nu i kö för att prata med en person från socialtjänsten. Du kan vara anonym. Det kan ta en stund innan någon svarar. På kvällar och nätter kanske ingen svarar förrän nästa dag. Kvinnofridslinjen svarar dygnet runt: { $kvinnofridslinjen }.

    Bra att veta: om ett barn far illa måste socialtjänsten agera, så att barnet får stöd och skydd.

    Om du är i fara nu: ring { $emergency }.
handoff-waiting-atv =
    Du står nu i kö för att prata med någon från ATV. Du kan vara anonym. Det kan ta en stund innan någon svarar. På kvällar och nätter kanske ingen svarar förrän nästa dag.

    Bra att veta: om ett barn far illa måste socialtjänsten agera, så att barnet får stöd och skydd.

    Om någon är i fara nu: ring { $emergency }.
option-leave-queue = Lämna kön

## Kön till en person (sägs av handoff-tjänsten, inte av flödet)

handoff-position = Du är nummer { $position } i kön.
handoff-closed =
    Just nu är ingen från { $team } på plats. Du kan vänta kvar, så svarar någon när de är tillbaka. Du kan också lämna kön.

    Kvinnofridslinjen svarar dygnet runt, också anhöriga: { $kvinnofridslinjen }. Om du är i fara: ring { $emergency }.
handoff-claimed = Nu skriver du med en person från { $team }. Skriv när du vill.
handoff-ended = { $team } har avslutat samtalet. Tack för att du skrev. Du kan gå tillbaka till menyn när du vill.
handoff-released = Du står i kön igen, på samma plats. Någon annan svarar dig snart.
handoff-transferred = Ditt samtal har flyttats till { $team }. Du står i deras kö.
option-end-conversation = Avsluta samtalet
handoff-estimate = Det brukar ta ungefär { $minutes } minuter innan någon svarar.
handoff-no-answer =
    Ingen har kunnat svara dig ännu. Förlåt att det dröjer. Du kan vänta kvar eller lämna kön.

    Kvinnofridslinjen svarar dygnet runt, också anhöriga: { $kvinnofridslinjen }. Om du är i fara: ring { $emergency }.
