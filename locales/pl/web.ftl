# Czat internetowy: teksty samej strony. Przyciski działań ogólnych (action-*) są w main.ftl.

web-title = Czat
web-quick-exit = Szybkie wyjście
web-quick-exit-note = „Szybkie wyjście” od razu ukrywa czat i otwiera inną stronę. Możesz też trzy razy nacisnąć klawisz Shift. Historia przeglądarki może jednak pokazać, że ta strona była otwierana. Ten przycisk nie chroni też przed programami szpiegującymi.
web-log-label = Rozmowa
web-speaker-bot = Czat:
web-speaker-you = Ty:
web-input-label = Napisz wiadomość
web-send = Wyślij
web-language-label = Język
web-no-script = Do działania czatu potrzebny jest JavaScript. Jeśli jesteś w niebezpieczeństwie: zadzwoń pod numer { $emergency }.
web-reconnecting = Połączenie zostało przerwane. Próbuję połączyć się ponownie…
web-error-unavailable = Czat w tej chwili nie działa. Spróbuj ponownie trochę później. Jeśli jesteś w niebezpieczeństwie: zadzwoń pod numer { $emergency }. Telefon zaufania Kvinnofridslinjen działa całą dobę. Mogą tam dzwonić także bliscy: { $kvinnofridslinjen }.
web-error-too-many = Piszesz bardzo szybko. Poczekaj chwilę i spróbuj ponownie. Jeśli jesteś w niebezpieczeństwie: zadzwoń pod numer { $emergency }.
web-error-ended = Ta rozmowa się zakończyła. Napisz znowu, jeśli chcesz zacząć nową.
web-error-bad-request = Nie udało się wysłać wiadomości. Spróbuj ponownie.
