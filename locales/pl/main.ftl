# Polski (Polish). Te same komunikaty i zmienne co w szwedzkim katalogu referencyjnym (locales/sv).
# Nazwy szwedzkich usług zostają po szwedzku, z krótkim wyjaśnieniem po polsku.

language-name = Polski

## Działania ogólne, dostępne zawsze

action-danger = Jestem teraz w niebezpieczeństwie
action-person = Porozmawiaj z człowiekiem
action-restart = Zacznij od nowa
action-language = Zmień język (Language)
action-forget = Usuń moje dane
action-help = Pomoc

## Co mówi sam program

engine-not-understood = Nie do końca rozumiem. Możesz wybrać jedną z opcji.
engine-choose-language = Jakiego języka chcesz używać?
engine-forgotten =
    Wszystko o tej rozmowie zostało usunięte z naszego serwera.

    Wiadomości mogą nadal być w Twoim telefonie. Napisz coś, jeśli chcesz zacząć od nowa.
engine-handoff-received = Dziękuję. Twoja wiadomość jest zapisana. Osoba, która Ci odpowie, może ją przeczytać.
engine-too-long = Ta wiadomość jest za długa. Napisz, proszę, trochę krócej.
engine-content-changed = Czat został zaktualizowany od Twojej ostatniej wiadomości, więc zaczynamy od początku.

## Powitanie i bezpieczeństwo

welcome = Witaj! Tutaj możesz anonimowo porozmawiać na czacie i dowiedzieć się, jaka pomoc jest dostępna. Nie musisz mówić, kim jesteś.
safety-question = Zanim zaczniemy: czy możesz teraz bezpiecznie pisać, tak żeby nikt inny nie widział Twojego ekranu?
option-safe = Tak, jest bezpiecznie
option-not-safe = Nie, nie jest bezpiecznie
safety-not-safe = Dziękuję, że o tym mówisz. Twoje bezpieczeństwo jest najważniejsze. Może lepiej wyjdź teraz z czatu i wróć, kiedy będzie bezpiecznie. Jeśli chcesz, możesz też kontynuować.
quick-exit =
    Jeśli ktoś przyjdzie, możesz szybko wyjść. Na czacie internetowym naciśnij „Szybkie wyjście”. W Telegramie napisz { $exit_command }. Wtedy zostaną usunięte te wiadomości na czacie, które mają mniej niż dwie doby. Starsze wiadomości usuwasz samodzielnie w telefonie.

    Możesz też napisać „usuń moje dane”. Wtedy wszystko o tej rozmowie zostanie usunięte z naszego serwera.

    Szybkie wyjście nie ukryje wszystkiego. W historii przeglądarki może być widać, że ta strona była otwierana. Szybkie wyjście nie chroni też przed programami szpiegującymi w telefonie.
option-continue = Chcę kontynuować

## Kim jesteś?

who-are-you = Co najlepiej do Ciebie pasuje? To Ty decydujesz, ile chcesz powiedzieć.
option-exposed = Doświadczam przemocy
option-uses-violence = Zdarza mi się stosować przemoc
option-worried = Martwię się o kogoś
option-young = Mam mniej niż 18 lat
option-professional = Pytam zawodowo
option-topics = Przeczytaj o pomocy

## Przyciski w kilku miejscach

option-back-to-menu = Wróć do menu
option-talk = Porozmawiaj z człowiekiem
option-talk-atv = Porozmawiaj z ATV
option-support-lines = Telefony zaufania
option-sheltered-housing = Bezpieczne schronienie
option-police = Policja
option-social-services = Opieka społeczna
option-atv = ATV – Alternativ till våld
option-valj-att-sluta = Välj att sluta
option-honour = Przemoc w imię honoru
option-trafficking = Kupno seksu, handel ludźmi
option-protected-data = Utajnienie danych osobowych
option-injuries = Dokumentowanie obrażeń
option-interpreter = Tłumacz
option-more-help = Więcej pomocy
option-more-topics = Więcej tematów
option-my-municipality = Pomoc w mojej gminie
option-change-municipality = Zmień gminę
option-young-telling = Co będzie, jeśli powiem?

## Jeśli doświadczasz przemocy

exposed-intro =
    To, co Cię spotyka, nie jest Twoją winą. Nikt nie ma prawa Cię bić, kontrolować ani Ci grozić.

    Możesz dostać wsparcie i ochronę. To Ty decydujesz, czy i kiedy chcesz się z kimś skontaktować.
exposed-choice = O czym chcesz dowiedzieć się więcej?
lines-women =
    Kvinnofridslinjen to ogólnokrajowy telefon zaufania dla kobiet, które doświadczają gróźb lub przemocy: { $kvinnofridslinjen }. Działa całą dobę i jest bezpłatny. Połączenie nie pojawia się na rachunku telefonicznym. Możesz zachować anonimowość.

    Terrafem to pomoc dla kobiet i dziewcząt, które urodziły się w innym kraju: { $terrafem }. Można tam rozmawiać w wielu językach.
lines-men-trans =
    Stödlinjen för män to telefon dla mężczyzn, którzy doświadczają przemocy w bliskiej relacji: { $stodlinjen_man }, codziennie w godzinach { $stodlinjen_man_hours }.

    Stödlinjen för transpersoner to telefon dla osób transpłciowych i niebinarnych, które doświadczają przemocy: { $stodlinjen_trans }, codziennie w godzinach { $stodlinjen_trans_hours }.
lines-crime-victims = Brottsofferjouren pomaga osobom, które padły ofiarą przestępstwa, widziały przestępstwo albo są bliskimi ofiary: { $brottsofferjouren }, codziennie w godzinach { $brottsofferjouren_hours }. Nie trzeba wcześniej zgłaszać sprawy na policję.

## Jeśli stosujesz przemoc

uses-violence-intro =
    Dobrze, że szukasz pomocy. Przemoc to wybór. Można z nią skończyć.

    Możesz dostać wsparcie, jeśli chcesz się zmienić. Także wtedy, gdy boisz się, że możesz użyć przemocy.
uses-violence-help =
    ATV (Alternativ till våld, czyli „alternatywa dla przemocy”) i Välj att sluta („wybierz, żeby przestać”) pomagają, jeśli chcesz przestać stosować przemoc. Ta pomoc jest dobrowolna. Chroni też dzieci w rodzinie.

    Pracowników obowiązuje tajemnica zawodowa. Prawo przewiduje jednak wyjątki, na przykład gdy dziecku dzieje się krzywda.
valj-att-sluta-about = Välj att sluta to ogólnokrajowy telefon wsparcia dla Ciebie, jeśli stosujesz przemoc wobec bliskiej osoby albo boisz się, że możesz to zrobić. Mogą tam też dzwonić bliscy i specjaliści.
valj-att-sluta-call = Zadzwoń pod numer { $valj_att_sluta } w dni robocze, w zwykłych godzinach pracy. W innych godzinach możesz zostawić wiadomość.

## Jeśli martwisz się o kogoś

worried-intro =
    Dobrze, że Ci zależy. Twoje wsparcie może wiele znaczyć.

    Jeśli ktoś jest teraz w niebezpieczeństwie: zadzwoń pod numer { $emergency }.
worried-support =
    Wysłuchaj tej osoby i uwierz w to, co mówi. Powiedz jej, że to nie jej wina. Pozwól jej samej decydować, we własnym tempie.

    Nie rozmawiaj o tym z osobą, która stosuje przemoc. To może zwiększyć niebezpieczeństwo.
worried-lines =
    Do Kvinnofridslinjen mogą też dzwonić bliscy: { $kvinnofridslinjen }, całą dobę.

    Do Brottsofferjouren (telefon wsparcia dla ofiar przestępstw) mogą też dzwonić bliscy: { $brottsofferjouren }, codziennie w godzinach { $brottsofferjouren_hours }.

    Jeśli martwisz się o dziecko, możesz skontaktować się z opieką społeczną. Możesz poprosić o radę, nie mówiąc, kogo to dotyczy.

## Jeśli masz mniej niż 18 lat

young-intro =
    To nigdy nie jest Twoja wina, jeśli ktoś w domu Cię bije, grozi Ci albo Cię straszy. Masz prawo czuć się bezpiecznie.

    Tak samo jest, jeśli krzywdzi Cię ktoś, z kim jesteś w związku.
young-bris = BRIS (Barnens rätt i samhället, czyli „prawa dzieci w społeczeństwie”) jest dla Ciebie, jeśli masz mniej niż 18 lat: { $bris }, całą dobę. Możesz też pisać do BRIS na czacie albo e-mailem: bris.se.
young-adults = Możesz też porozmawiać z dorosłą osobą, której ufasz, na przykład z pielęgniarką szkolną, pedagogiem szkolnym, nauczycielem albo streetworkerem.
young-telling-adult =
    Powiedz o tym dorosłej osobie, której ufasz. Jeśli ta osoba Cię nie wysłucha, powiedz komuś innemu. Dorośli, którzy pracują z dziećmi, czasem muszą powiedzieć o tym opiece społecznej, żeby można było Ci pomóc.

    Możesz zapytać, co się stanie, zanim opowiesz wszystko.
young-telling-social-services = Opieka społeczna musi zareagować, gdy dziecku dzieje się krzywda. Pracownicy porozmawiają z Tobą i postarają się, żeby było Ci bezpiecznie.

## Jeśli spotykasz się z przemocą w pracy

professional-contact =
    Opieka społeczna może Ci doradzić, także wtedy, gdy nie mówisz, kogo to dotyczy. Jeśli martwisz się o dziecko: skontaktuj się z opieką społeczną.

    Do Kvinnofridslinjen mogą też dzwonić specjaliści: { $kvinnofridslinjen }, całą dobę. Do Välj att sluta mogą dzwonić specjaliści, którzy mają kontakt z osobą stosującą przemoc: { $valj_att_sluta }, w dni robocze, w zwykłych godzinach pracy.
professional-asking =
    Pytaj o przemoc wprost i prostymi słowami, gdy jesteś z tą osobą sam na sam. Nie proś partnera, dziecka ani krewnych o tłumaczenie. Zamów profesjonalnego tłumacza.

    Uwierz w to, co mówi ta osoba, i powiedz jej, jaka pomoc jest dostępna.

## Dostępna pomoc

topics-question = O czym chcesz przeczytać?

atv-about =
    ATV to skrót od Alternativ till våld, czyli „alternatywa dla przemocy”. To terapia dla osób, które stosują przemoc w bliskiej relacji. Metoda pochodzi z Oslo.

    Udział jest dobrowolny. Możesz chodzić na spotkania indywidualne albo grupowe.
atv-for-whom = ATV Täby prowadzą gminy w północno-wschodniej części regionu sztokholmskiego. Täby, Vaxholm, Danderyd, Österåker, Lidingö i Vallentuna współpracują przy ATV Täby. Wsparcie dostają tam zarówno osoby, które stosują przemoc, jak i osoby, które doświadczają przemocy w związku.
atv-first-contact = Pierwszy kontakt to zwykle krótka rozmowa telefoniczna. Wkrótce potem zazwyczaj dostajesz termin spotkania.
atv-number = Zadzwoń do ATV: { $atv }.
atv-switchboard = Zadzwoń do centrali telefonicznej gminy i poproś o rozmowę z ATV albo z opieką społeczną.

sheltered-housing-about =
    Skyddat boende (bezpieczne schronienie) to miejsce, w którym możesz bezpiecznie mieszkać, jeśli potrzebujesz ochrony przed przemocą.

    Sytuację dzieci, które zamieszkają tam z Tobą, ocenia się osobno. Dziecko może tam mieszkać z jednym z rodziców lub opiekunów, nawet jeśli drugi się na to nie zgadza.
sheltered-housing-how = Bezpieczne schronienie przyznaje opieka społeczna w Twojej gminie. To ona ocenia, czego potrzebujesz, i podejmuje decyzję. Kvinnojour (organizacja pomagająca kobietom) może pomóc Ci skontaktować się z opieką społeczną.
social-services-number = Opieka społeczna, w godzinach pracy urzędu: { $social_services }.
social-services-switchboard = Zadzwoń do centrali telefonicznej gminy i poproś o rozmowę z opieką społeczną.
social-on-call-number = Wieczorami i w weekendy: socialjouren (dyżur opieki społecznej), { $social_on_call }. Jeśli jesteś w niebezpieczeństwie: zadzwoń pod numer { $emergency }.
social-on-call-general = Wieczorami i w weekendy, gdy opieka społeczna jest zamknięta: zadzwoń pod numer { $emergency }, jeśli potrzebujesz ochrony.
womens-shelter-number = Kvinnojouren (organizacja pomagająca kobietom): { $womens_shelter }.

police-when =
    Zadzwoń pod numer { $emergency }, jeśli jesteś teraz w niebezpieczeństwie albo jeśli coś dzieje się właśnie teraz.

    Zadzwoń pod numer { $police }, jeśli to już minęło, a chcesz zgłosić przestępstwo albo o coś zapytać. Oba numery działają całą dobę.
police-report = Możesz zgłosić przestępstwo pod numerem { $police } albo na komisariacie policji.
police-contact-ban = Możesz poprosić policję albo prokuratora o kontaktförbud (zakaz kontaktu). Decyzję podejmuje prokurator. Jeśli wyda zakaz, ta osoba nie może się z Tobą kontaktować. Przestrzeganie zakazu może być też nadzorowane elektronicznie.

social-services-about =
    Opieka społeczna w Twojej gminie może udzielić Ci porad i wsparcia oraz zapewnić terapię. Może też pomóc w sprawie bezpiecznego schronienia i pomocy finansowej.

    Gdy pytasz o radę, możesz zachować anonimowość. Opieka społeczna pomaga też osobom, które chcą przestać stosować przemoc.
social-services-what-happens = Gdy skontaktujesz się z opieką społeczną, pracownicy zapytają Cię o przemoc. Ocenią, czy potrzebujesz ochrony, i mogą zorganizować bezpieczne schronienie. Potem zapytają, jak sobie radzisz.

honour-about =
    Przemoc i ucisk w imię honoru to na przykład sytuacja, gdy rodzina lub krewni decydują, z kim możesz się spotykać, w kim możesz się zakochać albo z kim możesz wziąć ślub.

    Mogą to być też groźby, kontrola lub przemoc, które mają chronić dobre imię rodziny. To nie jest Twoja wina.
honour-line =
    Rätt att välja („prawo wyboru”) to telefon wsparcia dla Ciebie, bez względu na wiek, i dla Twoich bliskich: { $ratt_att_valja }, codziennie w godzinach { $ratt_att_valja_hours }.

    Jeśli masz mniej niż 18 lat, możesz też zadzwonić do BRIS: { $bris }, całą dobę.

trafficking-about =
    Może ktoś zmusza Cię do sprzedawania seksu albo do pracy. Może ktoś zabiera Ci pieniądze albo paszport.

    To nie jest Twoja wina. Pomoc jest dostępna.
trafficking-help =
    Jeśli jesteś teraz w niebezpieczeństwie: zadzwoń pod numer { $emergency }. Jeśli chcesz zgłosić przestępstwo albo o coś zapytać policję: zadzwoń pod numer { $police }.

    Opieka społeczna może dać Ci wsparcie. Może też zorganizować bezpieczne schronienie, jeśli oceni, że go potrzebujesz.

protected-data-about = Jeśli ktoś Cię szuka, możesz złożyć w Skatteverket (szwedzkim urzędzie skarbowym) wniosek o utajnienie danych osobowych. Wtedy trudniej będzie znaleźć Twój adres.
protected-data-how =
    W Skatteverket są dwa poziomy ochrony: sekretessmarkering (oznaczenie danych jako poufnych) i skyddad folkbokföring (chroniony wpis w rejestrze ludności).

    Wniosek o fingerade personuppgifter (fikcyjne dane osobowe), czyli nową tożsamość, składasz na policji.

injuries-about =
    Jeśli masz poważne obrażenia: zadzwoń pod numer { $emergency }.

    Personel medyczny może zbadać i udokumentować Twoje obrażenia. To może Ci później pomóc, jeśli zechcesz zgłosić sprawę na policję.

    Zadzwoń do Vårdguiden (szwedzka infolinia z poradami medycznymi) pod numer { $vardguiden }, całą dobę. Tam doradzą Ci w sprawie leczenia i powiedzą, gdzie można zbadać obrażenia.

interpreter-about = Możesz dostać tłumacza, gdy dzwonisz pod numer { $emergency } albo do Kvinnofridslinjen pod numer { $kvinnofridslinjen }. Powiedz nazwę swojego języka po szwedzku lub po angielsku: „polska” albo „Polish”.

## Twoja gmina

municipality-question = W jakiej gminie mieszkasz? Wtedy mogę pokazać pomoc w tej gminie. Nie musisz odpowiadać.
municipality-taby = Täby
municipality-vaxholm = Vaxholm
municipality-danderyd = Danderyd
municipality-osteraker = Österåker
municipality-lidingo = Lidingö
municipality-vallentuna = Vallentuna
municipality-other = Inna gmina
local-help-intro = Oto pomoc w Twojej okolicy. Gdy pytasz o radę, możesz zachować anonimowość.

## Niebezpieczeństwo teraz

danger-now =
    Zadzwoń teraz pod numer { $emergency }, jeśli jesteś w niebezpieczeństwie, ktoś Ci grozi albo masz obrażenia. Tak samo, jeśli dotyczy to kogoś innego. Numer { $emergency } działa całą dobę.

    Boisz się, że możesz teraz komuś zrobić krzywdę? Wtedy też zadzwoń pod numer { $emergency }.
danger-now-interpreter = Powiedz nazwę swojego języka po szwedzku lub po angielsku: „polska” albo „Polish”. Wtedy dostaniesz tłumacza.
danger-now-after = Kiedy będziesz już w bezpiecznym miejscu, możesz tutaj porozmawiać z człowiekiem.

## Pomoc i kolejka

help-text =
    Możesz naciskać przyciski albo pisać. Napisz na przykład „zacznij od nowa”, „zmień język”, „porozmawiaj z człowiekiem” albo „usuń moje dane”.

    Jeśli jesteś teraz w niebezpieczeństwie: zadzwoń pod numer { $emergency }.
handoff-waiting =
    Czekasz teraz w kolejce na rozmowę z kimś z opieki społecznej. Możesz zachować anonimowość. Może minąć trochę czasu, zanim ktoś odpowie. Wieczorem i w nocy może się zdarzyć, że nikt nie odpowie do następnego dnia. Telefon zaufania Kvinnofridslinjen działa całą dobę: { $kvinnofridslinjen }.

    Warto wiedzieć: jeśli dziecku dzieje się krzywda, opieka społeczna musi zareagować, żeby dziecko dostało wsparcie i ochronę.

    Jeśli jesteś teraz w niebezpieczeństwie: zadzwoń pod numer { $emergency }.
handoff-waiting-atv =
    Czekasz teraz w kolejce na rozmowę z kimś z ATV. Możesz zachować anonimowość. Może minąć trochę czasu, zanim ktoś odpowie. Wieczorem i w nocy może się zdarzyć, że nikt nie odpowie do następnego dnia.

    Warto wiedzieć: jeśli dziecku dzieje się krzywda, opieka społeczna musi zareagować, żeby dziecko dostało wsparcie i ochronę.

    Jeśli ktoś jest teraz w niebezpieczeństwie: zadzwoń pod numer { $emergency }.
option-leave-queue = Wyjdź z kolejki

## Kolejka do rozmowy z człowiekiem (te komunikaty wysyła usługa przekazywania rozmów, a nie scenariusz czatu)

handoff-position = Twoje miejsce w kolejce: { $position }.
handoff-closed =
    W tej chwili nie ma nikogo z zespołu { $team }. Możesz zostać w kolejce, a ktoś Ci odpowie, gdy pracownicy wrócą. Możesz też wyjść z kolejki.

    Telefon zaufania Kvinnofridslinjen działa całą dobę. Mogą tam dzwonić także bliscy: { $kvinnofridslinjen }. Jeśli jesteś w niebezpieczeństwie: zadzwoń pod numer { $emergency }.
handoff-claimed = Teraz piszesz z osobą z zespołu { $team }. Napisz, kiedy chcesz.
handoff-ended = Zespół { $team } zakończył rozmowę. Dziękujemy za kontakt. Możesz wrócić do menu, kiedy chcesz.
handoff-released = Znowu czekasz w kolejce, na tym samym miejscu co wcześniej. Wkrótce odpowie Ci ktoś inny.
handoff-transferred = Twoja rozmowa została przekazana do zespołu { $team }. Czekasz teraz w kolejce tego zespołu.
option-end-conversation = Zakończ rozmowę
handoff-estimate =
    Zwykle trzeba poczekać około { $minutes ->
        [one] { $minutes } minuty
       *[other] { $minutes } minut
    }, zanim ktoś odpowie.
handoff-no-answer =
    Nikt nie mógł Ci jeszcze odpowiedzieć. Przepraszamy, że to tak długo trwa. Możesz zostać w kolejce albo z niej wyjść.

    Telefon zaufania Kvinnofridslinjen działa całą dobę. Mogą tam dzwonić także bliscy: { $kvinnofridslinjen }. Jeśli jesteś w niebezpieczeństwie: zadzwoń pod numer { $emergency }.
