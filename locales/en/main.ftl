# English. Same messages and variables as the Swedish reference (locales/sv).
# Names of Swedish services stay in Swedish, with a short explanation.

language-name = English

## Global actions, in every state

action-danger = I am in danger now
action-person = Talk to a person
action-restart = Start over
action-language = Change language (Språk)
action-forget = Delete my data
action-help = Help

## What the engine itself says

engine-not-understood = I did not quite understand. You can choose one of the options.
engine-choose-language = Which language do you want to use?
engine-forgotten =
    Everything about this conversation is now deleted from our server.

    Messages may still be on your phone. Write anything if you want to start again.
engine-handoff-received = Thank you. Your message is saved. The person who answers you can read it.
engine-too-long = The message is too long. Please write a little shorter.

## Welcome and safety

welcome = Hi! Here you can chat anonymously and find out what help there is. You do not need to say who you are.
safety-question = Before we start: can you write safely right now, without anyone else seeing your screen?
option-safe = Yes, it is safe
option-not-safe = No, not safe
safety-not-safe = Thank you for telling me. Your safety comes first. You may want to leave the chat now and come back when it is safe. You can also continue, if you want.
quick-exit =
    If someone comes, you can leave quickly. In the web chat, press “Leave quickly”. In Telegram, write /exit. Then the messages from the last two days are deleted. Older messages you delete yourself on the phone.

    You can also write “delete my data”. Then everything about the conversation is deleted from our server.

    A quick exit cannot hide everything. The browser history can show that you visited the page, and it does not protect against spyware on the phone.
option-continue = I want to continue

## Who are you?

who-are-you = What fits you best? You decide how much you tell.
option-exposed = I am being hurt
option-uses-violence = I have used violence
option-worried = I worry about someone
option-professional = I meet it at work
option-back = Back
option-back-to-menu = Back to the menu
option-talk = Talk to a person
option-talk-atv = Talk to ATV
option-sheltered-housing = Sheltered housing
option-police = The police
option-atv = ATV – Alternativ till våld

exposed-intro =
    What happens to you is not your fault. You have the right to support and protection.

    Here you can read about the help there is. You decide if and when you want to contact anyone.
support-lines =
    Kvinnofridslinjen, a national support line for women: { $kvinnofridslinjen }, day and night. Free, and it does not show on the phone bill.

    Stödlinjen för män, a support line for men: { $stodlinjen_man }, every day { $stodlinjen_man_hours }.

    Stödlinjen för transpersoner, a support line for trans people: { $stodlinjen_trans }, every day { $stodlinjen_trans_hours }.

uses-violence-intro =
    It is good that you are looking for help. Violence is a choice, and it is possible to stop.

    ATV (Alternativ till våld, “alternative to violence”) and Välj att sluta help people who want to stop. The help is voluntary, and it also protects children in the family.

    The staff have a duty of confidentiality, but the law has exceptions, for example when a child is being harmed.
valj-att-sluta = Välj att sluta, a support line for people who want to stop: { $valj_att_sluta }, weekdays during office hours. At other times you can leave a message.

worried-intro =
    It is good that you care. You can show that you are there, without pushing.

    If someone is in danger now: call { $emergency }.
worried-lines = Kvinnofridslinjen, a national support line, also answers relatives: { $kvinnofridslinjen }, day and night.

professional-intro = Social services (socialtjänsten) can give you advice, even without you saying who it is about. Call the municipality's switchboard and ask for social services.
professional-lines = Kvinnofridslinjen, a national support line, also answers professionals: { $kvinnofridslinjen }, day and night.

## The help there is

atv-about =
    ATV means Alternativ till våld, “alternative to violence”. It is support and treatment for people who use violence in a partner relationship. There is also support for the person who is hurt.

    It is voluntary. You can have talks alone or in a group.
atv-first-contact = The first contact is usually a short phone call. Then you soon get a meeting. Call the municipality's switchboard and ask for ATV or social services.

sheltered-housing-about = Sheltered housing (skyddat boende) is a place to live for people who need protection from violence. Children who come along get their own assessment.
sheltered-housing-how =
    You get sheltered housing through social services in your municipality. They assess your needs and decide. Call the municipality's switchboard and ask for social services.

    In the evening and at weekends: contact the social on-call service (socialjouren) or call { $emergency }.

police-about =
    If you are in danger now: call { $emergency }.

    Do you want to report a crime afterwards? Call the police on { $police }, day and night, or go to a police station.
police-contact-ban = You can ask the police or a prosecutor for a contact ban (kontaktförbud). Then the person may not contact you. A prosecutor decides.

## Danger now

danger-now = Call { $emergency } now if you are in danger, if someone threatens you or has hurt you. { $emergency } answers day and night.
danger-now-interpreter = Say the name of your language in Swedish or English, and you get an interpreter.
danger-now-after = When you are safe, you can talk to a person here.

## Help and queue

help-text =
    You can press the buttons or write. For example, write “start over”, “change language”, “talk to a person” or “delete my data”.

    If you are in danger now: call { $emergency }.
handoff-waiting =
    You are now in the queue to talk to a person from social services. You can stay anonymous. It may take a while before someone answers, especially in the evening and at night.

    Good to know: if a child is being harmed, social services must act.

    If you are in danger now: call { $emergency }.
handoff-waiting-atv =
    You are now in the queue to talk to someone from ATV. You can stay anonymous. It may take a while before someone answers, especially in the evening and at night.

    Good to know: if a child is being harmed, social services must act.

    If someone is in danger now: call { $emergency }.
option-leave-queue = Leave the queue
