# Valmiit vastaukset, jotka työntekijä voi valita konsolissa apua hakevan ihmisen kielellä.
# Työntekijä voi muokata tekstiä ennen kuin lähettää sen.

canned-hello = Hei, nimeni on … ja työskentelen sosiaalitoimessa. Mistä haluaisit puhua?
canned-safety = Oletko turvallisessa paikassa juuri nyt? Voit vastata kyllä tai ei.
canned-closing = Lopetan keskustelun nyt. Voit aina kirjoittaa uudelleen. Jos olet vaarassa, soita numeroon { $emergency }.
