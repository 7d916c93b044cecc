"""The starter list of "at risk" watched words, in the four languages of the site.

Each phrase is a watched-word pattern (matched whole, whatever the case; ``*`` stands for any
letters; ' also matches the typographic ’ phones type). They are clear expressions of suicidal
thoughts, self-harm or deep hopelessness, chosen to avoid everyday cancer talk ("I can't go on
holiday", "end of treatment"). A match never blocks or holds a post: it is published, the writer
is shown where to get help, and an urgent report goes to the facilitators.

The migration that installs them skips a pattern that already exists; admins can remove any.
The bare pattern ``hopeless*`` is deliberately not in the list: an admin can add it.
"""

from __future__ import annotations

AT_RISK_PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        "kill* myself",
        "end* my life",
        "end* my own life",
        "tak* my own life",
        "end it all",
        "want to die",
        "wanna die",
        "wish I was dead",
        "wish I were dead",
        "better off dead",
        "better off without me",
        "suicidal",
        "thinking about suicide",
        "thoughts of suicide",
        "no reason to live",
        "nothing to live for",
        "don't want to live",
        "don't want to be here anymore",
        "don't want to be here any more",
        "don't want to wake up",
        "can't go on like this",
        "can't go on anymore",
        "cannot go on like this",
        "can't do this anymore",
        "no way out",
        "no point in living",
        "self harm*",
        "self-harm*",
        "harm* myself",
        "cutting myself",
        "feel* hopeless",
        "felt hopeless",
        "so hopeless",
    ),
    "de": (
        "mich umbringen",
        "bring* mich um",
        "das Leben nehmen",
        "das Leben zu nehmen",
        "meinem Leben ein Ende",
        "will sterben",
        "möchte sterben",
        "will ich sterben",
        "möchte ich sterben",
        "will nicht mehr leben",
        "möchte nicht mehr leben",
        "nicht mehr leben will",
        "nicht mehr leben möchte",
        "nicht mehr aufwachen",
        "suizidal*",
        "Suizidgedanken",
        "Selbstmordgedanken",
        "keinen Ausweg mehr",
        "hat alles keinen Sinn mehr",
        "mich selbst verletz*",
        "ritze mich",
        "fühl* mich hoffnungslos",
        "so hoffnungslos",
    ),
    "fr": (
        "me suicider",
        "suicidaire*",
        "me tuer",
        "mettre fin à mes jours",
        "mettre fin à ma vie",
        "envie d'en finir",
        "veux en finir",
        "veux mourir",
        "envie de mourir",
        "plus envie de vivre",
        "aucune raison de vivre",
        "marre de vivre",
        "me faire du mal",
        "me scarifier",
        "me sens désespéré*",
        "me sens desespere*",
        "me sens sans espoir",
    ),
    "es": (
        "suicidarme",
        "pensamientos suicidas",
        "quitarme la vida",
        "acabar con mi vida",
        "terminar con mi vida",
        "quiero morir*",
        "ganas de morir*",
        "me quiero matar",
        "matarme",
        "no quiero vivir",
        "no quiero seguir viviendo",
        "no vale la pena vivir",
        "mejor sin mí",
        "mejor muert*",
        "hacerme daño",
        "autolesi*",
        "siento sin esperanza",
    ),
}

#: Sentences a person at risk might write: each is caught by the starter list, and an admin may
#: not make a pattern that matches one of them "Block" or "Hold".
AT_RISK_SAMPLES: dict[str, tuple[str, ...]] = {
    "en": (
        "Some nights I still feel hopeless",
        "I want to die",
        "I've been thinking about ending my life",
        "Everyone would be better off without me",
        "I can't go on like this",
        "I keep thinking about killing myself",
        "I have started to self-harm again",
        "I don’t want to be here anymore",
        "I see no way out",
        "I feel suicidal tonight",
    ),
    "de": (
        "Ich fühle mich so hoffnungslos",
        "Ich will nicht mehr leben",
        "Ich denke daran, mir das Leben zu nehmen",
        "Ich habe Suizidgedanken",
        "Ich sehe keinen Ausweg mehr",
        "Manchmal möchte ich sterben",
    ),
    "fr": (
        "Je me sens désespérée",
        "Je veux mourir",
        "J’ai envie d’en finir",
        "J'ai des pensées suicidaires",
        "Je n'ai plus envie de vivre",
        "Je pense à mettre fin à mes jours",
    ),
    "es": (
        "Me siento sin esperanza",
        "Quiero morirme",
        "He pensado en quitarme la vida",
        "Tengo pensamientos suicidas",
        "No quiero seguir viviendo",
        "Estarían mejor sin mí",
    ),
}


def all_phrases() -> list[str]:
    """Every starter pattern, once, in language order."""
    seen: dict[str, None] = {}
    for phrases in AT_RISK_PHRASES.values():
        for phrase in phrases:
            seen.setdefault(phrase, None)
    return list(seen)


def all_samples() -> list[str]:
    return [sample for samples in AT_RISK_SAMPLES.values() for sample in samples]
