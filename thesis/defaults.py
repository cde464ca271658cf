"""Reference data every installation starts with: research approaches and the milestone
template a curriculum version gets when it has none (loaded by a migration and on demand)."""

APPROACHES = [
    (
        "action-research",
        "Actieonderzoek",
        "Action research",
        "In cycli van plannen, handelen, waarnemen en reflecteren samen met betrokkenen de "
        "praktijk verbeteren en ervan leren.",
        "Improving practice and learning from it together with those involved, in cycles of "
        "planning, acting, observing and reflecting.",
    ),
    (
        "case-study",
        "Casestudy",
        "Case study",
        "Eén of enkele situaties in hun context diepgaand onderzoeken met meerdere bronnen.",
        "Studying one or a few situations in depth, in their context, from several sources.",
    ),
    (
        "design-based",
        "Ontwerpgericht onderzoek",
        "Design-based research",
        "Een interventie ontwerpen, in de praktijk beproeven en op grond van de bevindingen "
        "verbeteren.",
        "Designing an intervention, trying it out in practice and improving it on what is found.",
    ),
    (
        "appreciative-inquiry",
        "Appreciative inquiry",
        "Appreciative inquiry",
        "Vanuit wat al goed werkt samen met de organisatie verkennen wat mogelijk is.",
        "Exploring with the organisation what is possible, starting from what already works.",
    ),
    (
        "evaluation",
        "Evaluatieonderzoek",
        "Evaluation research",
        "Nagaan wat een interventie of traject in de organisatie heeft opgeleverd en waardoor.",
        "Finding out what an intervention or programme achieved in the organisation, and why.",
    ),
    (
        "narrative",
        "Narratief onderzoek",
        "Narrative inquiry",
        "De verhalen waarmee mensen en groepen betekenis geven aan hun werk verzamelen en duiden.",
        "Collecting and interpreting the stories through which people and groups make sense of "
        "their work.",
    ),
]

# (kind, Dutch name, English name, weeks after the cohort starts, Dutch hint, English hint)
MILESTONES = [
    (
        "proposal",
        "Onderzoeksvoorstel",
        "Research proposal",
        56,
        "Probleemstelling, onderzoeksvraag, aanpak en planning, afgestemd met de opdrachtgever.",
        "Problem statement, research question, approach and planning, agreed with the host.",
    ),
    (
        "ethics",
        "Ethische toets en informed consent",
        "Ethics and informed-consent review",
        60,
        "De checklist over je dubbele rol, vrijwilligheid, toestemming, anonimiteit en "
        "gegevensopslag (AVG).",
        "The checklist on your double role, voluntary participation, consent, anonymity and "
        "data storage (GDPR).",
    ),
    (
        "agreement",
        "Afspraken met de opdrachtgever",
        "Host-organisation agreement",
        62,
        "De getekende afspraken met de organisatie: vertrouwelijkheid, naamsvermelding en "
        "akkoord van de opdrachtgever.",
        "The signed agreement with the organisation: confidentiality, naming and the sponsor's "
        "sign-off.",
    ),
    (
        "literature",
        "Literatuurstudie",
        "Literature review",
        68,
        "Het theoretisch kader van je onderzoek.",
        "The theoretical framework of your research.",
    ),
    (
        "data_collection",
        "Dataverzameling",
        "Data collection",
        76,
        "Begin pas na goedkeuring van de ethische toets; lever je verslag van de "
        "dataverzameling in.",
        "Start only after the ethics review is approved; hand in your data collection report.",
    ),
    (
        "analysis",
        "Analyse",
        "Analysis",
        82,
        "Je analyse en eerste bevindingen.",
        "Your analysis and first findings.",
    ),
    (
        "draft",
        "Conceptversie",
        "Draft thesis",
        86,
        "De volledige conceptversie, ook voor de tweede lezer.",
        "The complete draft, also for the second reader.",
    ),
    (
        "final",
        "Eindversie",
        "Final thesis",
        92,
        "De eindversie die de examinatoren beoordelen.",
        "The final version the examiners assess.",
    ),
    (
        "defence",
        "Verdediging",
        "Defence",
        95,
        "De openbare verdediging; het oordeel komt van twee examinatoren.",
        "The public defence; two examiners give the result.",
    ),
]


def load_approaches(model) -> None:
    """Creates the default research approaches that are missing (``model`` is the live model
    or a migration's historical one)."""
    for position, (code, name_nl, name_en, description_nl, description_en) in enumerate(
        APPROACHES, start=1
    ):
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
