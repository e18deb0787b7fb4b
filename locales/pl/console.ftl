# Gotowe odpowiedzi, które pracownik może wybrać w konsoli, w języku osoby szukającej pomocy.
# Pracownik może zmienić tekst przed wysłaniem.

canned-hello = Dzień dobry, nazywam się … i pracuję w opiece społecznej. O czym chcesz porozmawiać?
canned-safety = Czy jesteś teraz w bezpiecznym miejscu? Możesz odpowiedzieć „tak” albo „nie”.
canned-closing = Kończę teraz rozmowę. Zawsze możesz napisać ponownie. Jeśli jesteś w niebezpieczeństwie: zadzwoń pod numer { $emergency }.
