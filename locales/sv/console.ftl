# Färdiga svar som handläggaren kan välja i konsolen, på den hjälpsökandes språk.
# Handläggaren kan ändra texten innan den skickas.

canned-hello = Hej, jag heter … och arbetar på socialtjänsten. Vad vill du prata om?
canned-safety = Är du på en säker plats just nu? Du kan svara ja eller nej.
canned-closing = Jag avslutar samtalet nu. Du kan alltid skriva igen. Om du är i fara: ring { $emergency }.
