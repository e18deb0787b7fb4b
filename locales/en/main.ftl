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
    Everything about this conversation has now been deleted from our server.

    Messages may still be on your phone. Write anything if you want to start again.
engine-handoff-received = Thank you. Your message has been saved. The person who answers you can read it.
engine-too-long = The message is too long. Please write a shorter message.
engine-content-changed = The chat has been updated since your last message, so we are starting again from the beginning.

## Welcome and safety

welcome = Hi! Here you can chat anonymously and find out what help there is. You do not need to say who you are.
safety-question = Before we start: can you write safely right now, without anyone else seeing your screen?
option-safe = Yes, it is safe
option-not-safe = No, not safe
safety-not-safe = Thank you for telling me. Your safety comes first. You may want to leave the chat now and come back when it is safe. You can also continue, if you want.
quick-exit =
    If someone comes, you can leave quickly. In the web chat, press “Leave quickly”. In Telegram, write { $exit_command }. This deletes the messages in the chat that are less than two days old. You need to delete older messages yourself on your phone.

    You can also write “delete my data”. This deletes everything about the conversation from our server.

    Leaving quickly cannot hide everything. Your browser history can show that you visited the page. Leaving quickly also does not protect against spy apps on your phone.
option-continue = I want to continue

## Who are you?

who-are-you = What fits you best? You decide how much you tell.
option-exposed = I am exposed to violence
option-uses-violence = I have used violence
option-worried = I am worried about someone
option-young = I am under 18
option-professional = I am a professional
option-topics = Read about the help

## Buttons used in several states

option-back-to-menu = Back to the menu
option-talk = Talk to a person
option-talk-atv = Talk to ATV
option-support-lines = Support lines to call
option-sheltered-housing = Sheltered housing
option-police = The police
option-social-services = Social services
option-atv = ATV – Alternativ till våld
option-valj-att-sluta = Välj att sluta
option-honour = Honour-related violence
option-trafficking = Sex trade and trafficking
option-protected-data = Protected personal data
option-injuries = Documenting injuries
option-interpreter = Interpreter
option-more-help = More help
option-more-topics = More topics
option-my-municipality = Help where I live
option-change-municipality = Change municipality
option-young-telling = What happens if I tell?

## If you are being hurt

exposed-intro =
    What is happening to you is not your fault. Nobody has the right to hit, threaten or control you.

    There is support and protection for you. You decide if and when you want to contact anyone.
exposed-choice = What would you like to know more about?
lines-women =
    Kvinnofridslinjen, a national support line for women exposed to threats or violence: { $kvinnofridslinjen }. Open day and night and free. The call does not show on your phone bill. You can be anonymous.

    Terrafem, for women and girls born in another country: { $terrafem }. They speak many languages.
lines-men-trans =
    Stödlinjen för män, for men exposed to violence in a close relationship: { $stodlinjen_man }, every day { $stodlinjen_man_hours }.

    Stödlinjen för transpersoner, for trans and non-binary people exposed to violence: { $stodlinjen_trans }, every day { $stodlinjen_trans_hours }.
lines-crime-victims = Brottsofferjouren, for people who have been victims of a crime, seen a crime, or are close to a victim: { $brottsofferjouren }, every day { $brottsofferjouren_hours }. You do not need to have reported it to the police.

## If you have used violence

uses-violence-intro =
    It is good that you are looking for help. Violence is a choice, and it is possible to stop.

    There is support for you if you want to change, also if you are afraid that you will use violence.
uses-violence-help =
    ATV (Alternativ till våld, “alternative to violence”) and Välj att sluta (“choose to stop”) help people who want to stop. The help is voluntary, and it also protects children in the family.

    The staff must keep what you tell them confidential. But the law has exceptions, for example when a child is being harmed.
valj-att-sluta-about = Välj att sluta is a national support line for people who use violence against someone close to them, or are afraid that they will. Relatives and professionals can call too.
valj-att-sluta-call = Call { $valj_att_sluta }, weekdays during office hours. At other times you can leave a message.

## If you worry about someone

worried-intro =
    It is good that you care. Your support can mean a lot.

    If someone is in danger now: call { $emergency }.
worried-support =
    Listen, and believe what the person tells you. Say that it is not their fault. Let them decide, at their own pace.

    Do not talk about it with the person who uses violence. That can make things more dangerous.
worried-lines =
    Kvinnofridslinjen also answers relatives: { $kvinnofridslinjen }, day and night.

    Brottsofferjouren, the victim support line, also answers relatives: { $brottsofferjouren }, every day { $brottsofferjouren_hours }.

    If you are worried about a child, you can contact social services. You can ask for advice without saying who it is about.

## If you are under 18

young-intro =
    It is never your fault if someone at home hits, threatens or scares you. You have the right to be safe.

    This is also true if someone you are going out with hurts you.
young-bris = BRIS (Barnens rätt i samhället, “children's rights in society”) is there for you if you are under 18: { $bris }, day and night. You can also chat or e-mail with BRIS at bris.se.
young-adults = You can also talk to an adult you trust, for example the school nurse, the school counsellor, a teacher or a youth worker.
young-telling-adult =
    Tell an adult you trust. If that adult does not listen, tell someone else. Adults who work with children may need to tell social services, so that you get help.

    You can ask what will happen before you tell everything.
young-telling-social-services = Social services must act when a child is being harmed. They talk with you and try to make things safe for you.

## If you meet violence in your work

professional-contact =
    Social services can give you advice, even if you do not say who it is about. If you are worried about a child, contact social services.

    Kvinnofridslinjen also answers professionals: { $kvinnofridslinjen }, day and night. Välj att sluta answers professionals who meet someone who uses violence: { $valj_att_sluta }, weekdays during office hours.
professional-asking =
    Ask about violence directly and simply, when the person is alone with you. Do not use a partner, a child or a relative as an interpreter. Book a professional interpreter.

    Believe what the person tells you, and tell them what help there is.

## The help that exists

topics-question = What would you like to read about?

atv-about =
    ATV stands for Alternativ till våld, “alternative to violence”. It is treatment for people who use violence in a close relationship. The method comes from Oslo.

    It is voluntary. You can have sessions alone or in a group.
atv-for-whom = ATV Täby is run by municipalities in the north-east of Stockholm county. Täby, Vaxholm, Danderyd, Österåker, Lidingö and Vallentuna work together on ATV Täby. It supports both people who use violence and people who are exposed to it in a relationship.
atv-first-contact = The first contact is usually a short phone call. Soon after that, you usually get a meeting.
atv-number = Call ATV: { $atv }.
atv-switchboard = Call the municipality's switchboard and ask to speak with ATV or social services.

sheltered-housing-about =
    Sheltered housing (skyddat boende) is a safe place to live for people who need protection from violence.

    Children who come with you get their own assessment. A child can live there with one guardian, even if the other guardian does not agree.
sheltered-housing-how = You get sheltered housing through social services in your municipality. They assess what you need and decide. A women's shelter (kvinnojour) can help you get in touch with social services.
social-services-number = Social services, during office hours: { $social_services }.
social-services-switchboard = Call the municipality's switchboard and ask to speak with social services.
social-on-call-number = Evenings and weekends: the social services on-call team (socialjouren), { $social_on_call }. If you are in danger: call { $emergency }.
social-on-call-general = Evenings and weekends, when social services are closed: call { $emergency } if you need protection.
womens-shelter-number = The women's shelter (kvinnojour): { $womens_shelter }.

police-when =
    Call { $emergency } if you are in danger now or if something is happening right now.

    Call { $police } if it is over and you want to report it or ask something. Both answer day and night.
police-report = You can report a crime on { $police } or at a police station.
police-contact-ban = You can ask the police or a prosecutor for a contact ban (kontaktförbud). A prosecutor decides. If there is a contact ban, the person is not allowed to contact you. The ban can also be monitored electronically.

social-services-about =
    Social services in your municipality can give you advice, support and treatment. They can also help with sheltered housing and financial support.

    You can be anonymous when you ask for advice. Social services also help people who want to stop using violence.
social-services-what-happens = When you contact them, they ask about violence. They assess whether you need protection and can arrange sheltered housing. Afterwards they follow up on how you are.

honour-about =
    Honour-related violence and oppression can be when your family or relatives decide who you are allowed to meet, love or marry.

    It can also be threats, control or violence to protect the family's reputation. It is not your fault.
honour-line =
    Rätt att välja (“right to choose”), for people of any age and for relatives: { $ratt_att_valja }, every day { $ratt_att_valja_hours }.

    If you are under 18, you can also call BRIS: { $bris }, day and night.

trafficking-about =
    Maybe someone forces you to sell sex or to work. Maybe someone takes your money or your passport.

    It is not your fault, and there is help.
trafficking-help =
    If you are in danger now: call { $emergency }. To report it or ask the police something: call { $police }.

    Social services can give you support. They can arrange sheltered housing if they assess that you need it.

protected-data-about = If someone is looking for you, you can apply to Skatteverket (the Swedish Tax Agency) for protected personal data. Then it is harder for others to find your address.
protected-data-how =
    Skatteverket has two levels of protection: a secrecy marking (sekretessmarkering) and protected registration (skyddad folkbokföring).

    If you need a new identity (fingerade personuppgifter), you apply to the police.

injuries-about =
    If you are badly injured: call { $emergency }.

    Healthcare staff can examine and document your injuries. That can help you later, if you want to report it to the police.

    Call Vårdguiden, the healthcare advice line, on { $vardguiden }, day and night. They can tell you about care and where to get your injuries examined.

interpreter-about = You can get an interpreter when you call { $emergency } or Kvinnofridslinjen, { $kvinnofridslinjen }. Say the name of your language in Swedish or English.

## Where you live

municipality-question = Which municipality do you live in? Then I can show the help there. You do not have to answer.
municipality-taby = Täby
municipality-vaxholm = Vaxholm
municipality-danderyd = Danderyd
municipality-osteraker = Österåker
municipality-lidingo = Lidingö
municipality-vallentuna = Vallentuna
municipality-other = Another municipality
local-help-intro = Here is the help near you. You can be anonymous when you ask for advice.

## Danger now

danger-now =
    Call { $emergency } now if you or someone else is in danger, threatened or hurt. { $emergency } answers day and night.

    Are you afraid that you will hurt someone now? Call { $emergency } too.
danger-now-interpreter = Say the name of your language in Swedish or English, and you will get an interpreter.
danger-now-after = When you are safe, you can talk with a person here.

## Help and queue

help-text =
    You can press the buttons or write. For example, write “start over”, “change language”, “talk to a person” or “delete my data”.

    If you are in danger now: call { $emergency }.
handoff-waiting =
    You are now in the queue to talk with a person from social services. You can be anonymous. It may take a while before someone answers. In the evening and at night, maybe nobody answers until the next day. Kvinnofridslinjen answers day and night: { $kvinnofridslinjen }.

    Good to know: if a child is being harmed, social services must act, so that the child gets support and protection.

    If you are in danger now: call { $emergency }.
handoff-waiting-atv =
    You are now in the queue to talk with someone from ATV. You can be anonymous. It may take a while before someone answers. In the evening and at night, maybe nobody answers until the next day.

    Good to know: if a child is being harmed, social services must act, so that the child gets support and protection.

    If someone is in danger now: call { $emergency }.
option-leave-queue = Leave the queue

## The queue for a person (said by the handoff service, not by the flow)

handoff-position = You are number { $position } in the queue.
handoff-closed =
    Right now nobody from { $team } is here. You can keep waiting, and someone will answer when they are back. You can also leave the queue.

    Kvinnofridslinjen answers day and night, also relatives: { $kvinnofridslinjen }. If you are in danger: call { $emergency }.
handoff-claimed = You are now writing with a person from { $team }. Write when you want.
handoff-ended = { $team } has ended the conversation. Thank you for writing. You can go back to the menu whenever you want.
handoff-released = You are in the queue again, in the same place. Someone else will answer you soon.
handoff-transferred = Your conversation has been moved to { $team }. You are in their queue.
option-end-conversation = End the conversation
handoff-estimate = It usually takes about { $minutes } minutes before someone answers.
handoff-no-answer =
    Nobody has been able to answer you yet. We are sorry it is taking time. You can keep waiting or leave the queue.

    Kvinnofridslinjen answers day and night, also relatives: { $kvinnofridslinjen }. If you are in danger: call { $emergency }.
