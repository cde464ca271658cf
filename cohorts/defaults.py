"""Reference data every installation starts with (loaded by a migration and by the demo)."""

METHODS = [
    (
        "incident",
        "Incidentmethode",
        "Incident method",
        "Een deelnemer brengt een kort, concreet incident in; de groep stelt informatieve vragen, "
        "verplaatst zich in de inbrenger en geeft adviezen, waarna de inbrenger kiest wat hij of "
        "zij meeneemt.",
        "A participant brings a short, concrete incident; the group asks informative questions, "
        "takes the case bringer's perspective and offers advice, from which the case bringer "
        "chooses what to take away.",
    ),
    (
        "ten-step",
        "Tienstappenmodel",
        "Ten-step method",
        "Een vaste volgorde van tien stappen van probleemverkenning via vraagverheldering naar "
        "adviezen en een terugblik; geschikt voor complexe casussen.",
        "A fixed sequence of ten steps from exploring the problem and clarifying the question to "
        "advice and a review; suited to complex cases.",
    ),
    (
        "balint",
        "Balintmethode",
        "Balint method",
        "De groep onderzoekt vooral de relatie tussen de inbrenger en de cliënt en de gevoelens "
        "die de casus oproept.",
        "The group explores above all the relationship between the case bringer and the client "
        "and the feelings the case evokes.",
    ),
    (
        "gossip",
        "Roddelmethode",
        "Gossip method",
        "De inbrenger luistert met de rug naar de groep terwijl de anderen vrijuit over de casus "
        "praten, en reageert daarna op wat hem of haar raakte.",
        "The case bringer listens with their back to the group while the others speak freely "
        "about the case, then responds to what struck them.",
    ),
    (
        "reflecting-team",
        "Reflecting team",
        "Reflecting team",
        "Een deel van de groep voert het gesprek met de inbrenger, de anderen reflecteren daarna "
        "hardop op wat ze zagen en hoorden.",
        "Part of the group talks with the case bringer; the others then reflect aloud on what "
        "they saw and heard.",
    ),
    (
        "socratic",
        "Socratisch gesprek",
        "Socratic dialogue",
        "Een onderzoekend gesprek over een principiële vraag uit de praktijk, aan de hand van een "
        "concreet voorbeeld.",
        "An inquiring conversation about a question of principle from practice, grounded in a "
        "concrete example.",
    ),
]


def ensure_intervision_methods(model=None) -> None:
    """Creates the default methods that are missing; never changes existing ones."""
    if model is None:
        from .models import IntervisionMethod as model
    for position, (code, name_nl, name_en, description_nl, description_en) in enumerate(METHODS):
        model.objects.get_or_create(
            code=code,
            defaults={
                "name_nl": name_nl,
                "name_en": name_en,
                "description_nl": description_nl,
                "description_en": description_en,
                "position": position,
            },
        )
