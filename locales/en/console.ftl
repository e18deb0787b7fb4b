# Ready-made replies the caseworker can pick in the console, in the help-seeker's language.
# The caseworker can change the text before sending it.

canned-hello = Hi, my name is … and I work at social services. What would you like to talk about?
canned-safety = Are you in a safe place right now? You can answer yes or no.
canned-closing = I am ending the conversation now. You can always write again. If you are in danger: call { $emergency }.
