"""The demo students' own work: client engagements, months of learning log, evidence,
feedback and portfolios.

Every student still in the programme gets work from their cohort's start up to
``LOG_UNTIL`` (or the day before a pause); a student who withdrew keeps the few weeks they
logged. Each student's work differs, deterministically: the random generator is seeded with
the student number, so a fresh demo always looks the same.

Idempotent per student: a student who already has any log, evidence, feedback request or
portfolio is left alone. Engagements, evidence, feedback and portfolios go through the
services the pages use (so their rules are checked); the hundreds of activities are
bulk-created with their competencies and disciplines.

All texts are pseudonymised: clients are codes (``C-07``) or collective names ("Team Zorg
Noord"), sponsors are roles, never names.
"""

from __future__ import annotations

import datetime
import random
import struct
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from cohorts.models import Enrolment
from competencies.defaults import ensure_activity_kinds
from competencies.models import (
    ActivityKind,
    ClientEngagement,
    Competency,
    Evidence,
    LearningActivity,
    ModuleTarget,
    PortfolioEntry,
    ProficiencyLevel,
    ReviewTarget,
    SystemLevel,
)
from competencies.models.log import EnactedRole
from competencies.services.evidence import (
    Claim,
    answer_feedback_request,
    create_feedback_request,
    save_evidence,
)
from competencies.services.log import save_engagement
from competencies.services.portfolio import (
    completeness_problems,
    save_entry,
    save_overall,
    start_portfolio,
    submit_portfolio,
)
from competencies.uploads import check_upload
from curriculum.models import CurriculumVersion, Discipline, Module, ReviewMoment

# The demo's "now": the log runs up to here.
LOG_UNTIL = datetime.date(2026, 11, 20)
YEAR_1_REVIEW = "year-1-review"
# Their year-1 portfolios are complete and submitted (``assessments`` assesses them); Thijs's
# is a draft that still misses a few things.
SUBMITS_YEAR_1 = (
    "student@example.org",
    "l.visser@example.org",
    "j.smit@example.org",
    "d.mulder@example.org",
    "n.bouzid@example.org",
)
INCOMPLETE_YEAR_1 = "student2@example.org"
# Students of 2026–2028 who have just started their first portfolio.
JUST_STARTED = ("student3@example.org", "k.brouwer@example.org")

IND, TEAM, ORG, NET = (
    SystemLevel.INDIVIDUAL,
    SystemLevel.TEAM,
    SystemLevel.ORGANISATION,
    SystemLevel.NETWORK,
)
COACH, ADVISOR, RESEARCHER = EnactedRole.COACH, EnactedRole.ADVISOR, EnactedRole.RESEARCHER


def _d(*hours: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(h) for h in hours)


# --- client engagements ---------------------------------------------------------------------


@dataclass(frozen=True)
class ClientTemplate:
    code: str  # "C-{n:02d}" for individuals, "… {region}" for groups
    sector: str
    sponsor: str  # a role, never a name
    goals: str
    focus: str  # individual, team, organisation or network
    size: int | None = None


INDIVIDUAL_CLIENTS: tuple[ClientTemplate, ...] = (
    ClientTemplate(
        "C-{n:02d}",
        "Zorg (wijkverpleging)",
        "Manager zorg",
        "Als nieuwe teamleider een eigen stijl vinden tussen collega zijn en leidinggeven, en "
        "leren grenzen te stellen zonder de verbinding met het team te verliezen.",
        IND,
    ),
    ClientTemplate(
        "C-{n:02d}",
        "Onderwijs (mbo)",
        "Directeur onderwijs",
        "Als opleidingsmanager overzicht houden in een net samengevoegd team, en leren "
        "delegeren in plaats van alles zelf op te pakken.",
        IND,
    ),
    ClientTemplate(
        "C-{n:02d}",
        "Gemeente",
        "Afdelingshoofd HR",
        "Als beleidsadviseur na een conflict weer een werkbare verhouding met het eigen team "
        "opbouwen en de eigen bijdrage aan het conflict onderzoeken.",
        IND,
    ),
    ClientTemplate(
        "C-{n:02d}",
        "Financiële dienstverlening",
        "Manager HR",
        "Als projectleider in een agile transitie beter omgaan met tegenstrijdige "
        "verwachtingen van stakeholders en vaker 'nee' durven zeggen.",
        IND,
    ),
    ClientTemplate(
        "C-{n:02d}",
        "Woningcorporatie",
        "Directeur wonen",
        "Als teamleider wijkbeheer leren sturen op eigenaarschap van de medewerkers in plaats "
        "van problemen zelf op te lossen.",
        IND,
    ),
    ClientTemplate(
        "C-{n:02d}",
        "ICT",
        "Hoofd engineering",
        "De overstap maken van senior developer naar teamlead: van vakinhoud naar het "
        "begeleiden van mensen.",
        IND,
    ),
    ClientTemplate(
        "C-{n:02d}",
        "Jeugdzorg",
        "Regiomanager",
        "Als gedragswetenschapper na een periode van uitval werkdruk en grenzen bespreekbaar "
        "maken, in het team en met de leidinggevende.",
        IND,
    ),
)

GROUP_CLIENTS: tuple[ClientTemplate, ...] = (
    ClientTemplate(
        "Team Zorg {region}",
        "Zorg (wijkverpleging)",
        "Regiomanager zorg",
        "Na het vertrek van de teamleider samen afspraken maken over zelforganisatie en "
        "taakverdeling; het team wil weer met plezier samenwerken.",
        TEAM,
        9,
    ),
    ClientTemplate(
        "Team Klantcontact {region}",
        "Energie",
        "Manager klantenservice",
        "Terugkerende spanningen over roosters en bereikbaarheid bespreekbaar maken en samen "
        "leren van klachten van klanten.",
        TEAM,
        12,
    ),
    ClientTemplate(
        "Docententeam Techniek {region}",
        "Onderwijs (mbo)",
        "Onderwijsmanager",
        "Een gedeelde visie op praktijkleren ontwikkelen en de overdracht tussen leerjaren "
        "verbeteren.",
        TEAM,
        11,
    ),
    ClientTemplate(
        "Wijkteam {region}",
        "Sociaal domein",
        "Teamcoördinator sociaal domein",
        "Na een fusie van twee wijkteams een gezamenlijke werkwijze vinden, met ruimte voor de "
        "verschillen in vakmanschap.",
        TEAM,
        10,
    ),
    ClientTemplate(
        "MT Gemeente {region}",
        "Openbaar bestuur",
        "Gemeentesecretaris",
        "Het managementteam wil van eilanden naar gezamenlijke verantwoordelijkheid voor de "
        "ontwikkeling van de organisatie.",
        ORG,
        6,
    ),
    ClientTemplate(
        "Afdeling Inkoop {region}",
        "Logistiek",
        "Operationeel directeur",
        "Na een reorganisatie een nieuwe rol vinden tussen de bedrijfsonderdelen, en die rol "
        "samen met de interne klanten vormgeven.",
        ORG,
        8,
    ),
    ClientTemplate(
        "Keten Jeugd {region}",
        "Jeugdzorg en gemeente",
        "Programmaregisseur jeugd",
        "Professionals van wijkteam, jeugdzorgaanbieders en gemeente leren van casussen waarin "
        "de overdracht misging, zonder schuldvraag.",
        NET,
        14,
    ),
    ClientTemplate(
        "Netwerk Langer Thuis {region}",
        "Zorg en welzijn",
        "Netwerkcoördinator",
        "Huisartsen, thuiszorg en welzijnswerk willen de samenwerking rond kwetsbare ouderen "
        "verbeteren en van elkaars werkwijze leren.",
        NET,
        12,
    ),
)

REGIONS = ("Noord", "Oost", "Zuid", "West", "Centrum", "Midden", "Rivierenland", "Kust")

CONFIDENTIALITY = (
    "Wat in de sessies besproken wordt, blijft tussen coach en {who}. De opdrachtgever hoort "
    "alleen of de afspraken worden nagekomen en hoe het traject op hoofdlijnen verloopt.",
    "De inhoud van de gesprekken is vertrouwelijk. Verslagen maakt {who} zelf; de coach "
    "bewaart alleen gepseudonimiseerde aantekeningen voor de opleiding.",
    "Vertrouwelijk, tenzij er een ernstig risico is voor de veiligheid van {who} of anderen; "
    "die uitzondering is vooraf samen besproken.",
)
REPORTING = (
    "Halverwege en aan het eind een kort driegesprek; {who} vertelt zelf wat er gedeeld wordt.",
    "Na elke drie sessies een korte mail aan de opdrachtgever over aanwezigheid en voortgang, "
    "zonder inhoud; {who} leest mee voordat die verstuurd wordt.",
    "Geen tussentijdse rapportage; een gezamenlijke eindevaluatie met {who} en de opdrachtgever.",
)
EVALUATION = (
    "Tussenevaluatie na vier sessies, eindevaluatie in de laatste sessie aan de hand van de "
    "doelen uit dit contract.",
    "Evaluatie na drie maanden met opdrachtgever en {who}; daarna besluiten we samen over "
    "verlenging.",
    "Korte evaluatie aan het eind van elke sessie en een evaluatiegesprek met de "
    "opdrachtgever na afloop.",
)
CONTRACT_GOALS = (
    "{goals} Concreet: over drie maanden zijn er twee nieuwe werkafspraken die {who} zelf "
    "heeft bedacht en uitprobeert.",
    "{goals} We meten het aan de hand van een korte vragenlijst aan het begin en aan het "
    "eind, en aan voorbeelden die {who} zelf aandraagt.",
    "{goals} Succes is als {who} aan het eind kan benoemen wat er anders gaat en hoe dat "
    "zonder coach blijft gebeuren.",
)
NO_CONSENT = (
    " Toestemming om dit traject in de urenregistratie van de opleiding op te nemen is (nog) "
    "niet gegeven."
)


# --- texts of the learning log --------------------------------------------------------------

INDIVIDUAL_SESSIONS = (
    "Sessie {n} met {client}. We begonnen met wat er sinds de vorige keer gebeurde; het "
    "gesprek ging vooral over het uitstellen van een moeilijk gesprek met een teamlid.",
    "Sessie {n} met {client}. Met een *dilemmakaart* twee botsende verwachtingen in beeld "
    "gebracht: die van de directie en die van het eigen team.",
    "Sessie {n} met {client}. Terugblik op het experiment van de vorige keer: eerst vragen "
    "stellen voordat er een oplossing komt. Dat lukte in twee van de drie overleggen.",
    "Sessie {n} met {client}: wandelsessie. Stilgestaan bij energiegevers en energievreters "
    "in de huidige rol.",
    "Sessie {n} met {client}. Feedback geven aan een collega die ook een vriend is; het "
    "gesprek voorbereid met een kort rollenspel.",
    "Sessie {n} met {client}. Casus over een besluit dat 'van bovenaf' kwam: verkend wat wel "
    "binnen de eigen invloedssfeer ligt.",
    "Sessie {n} met {client}: tussentijdse evaluatie van de doelen uit het driegesprek. Twee "
    "doelen liggen op koers, het derde stellen we bij.",
    "Sessie {n} met {client}. Gewerkt met de *logische niveaus*: van gedrag naar overtuigingen "
    "over wat 'een goede leidinggevende' is.",
)
INDIVIDUAL_REFLECTIONS = (
    "Ik kwam te snel met een oplossing toen het stil werd. Volgende keer de stilte langer "
    "laten duren.",
    "**Wat werkte:** doorvragen op de concrete situatie. **Wat beter kan:** ik stelde soms "
    "twee vragen tegelijk.",
    "De coachee zocht bevestiging voor een keuze die al gemaakt was. Ik heb dat benoemd; dat "
    "gaf ruimte voor het eigenlijke gesprek.",
    "De coachee legde zelf het verband tussen een patroon buiten het werk en op het werk. Ik "
    "ben daar bewust niet op ingegaan: dat valt buiten ons contract.",
    "Ik voelde de neiging om mee te gaan in de klacht over de directie. Systemisch kijken "
    "hielp: welke functie heeft deze klacht in het team?",
    "Reflectie met de cirkel van Korthagen:\n\n"
    "1. Handeling: ik gaf een huiswerkopdracht.\n"
    "2. Terugblik: de coachee ging er niet mee aan de slag.\n"
    "3. Essentie: de opdracht was van mij, niet van de coachee.\n"
    "4. Alternatief: het experiment voortaan samen formuleren.",
    "Bewust meer samengevat en minder geadviseerd. De coachee gaf aan dat dat rust gaf.",
    "Het lukte goed om de tijd te bewaken en terug te keren naar de afgesproken doelen.",
    "Twijfel over vertrouwelijkheid: de coachee vertelde iets over een collega dat ook de "
    "opdrachtgever raakt. Meegenomen naar supervisie.",
    "",
    "",
)
TEAM_SESSIONS = (
    "Teamsessie {n} met {client} ({size} deelnemers). Check-in, daarna gewerkt aan "
    "teamafspraken over de overdracht.",
    "Teamsessie {n} met {client}. Met een korte teamscan in kaart gebracht waar het team "
    "staat; in subgroepen de drie belangrijkste thema's gekozen.",
    "Teamsessie {n} met {client}. Een incident van vorige maand samen onderzocht als "
    "leerkans, zonder schuldvraag.",
    "Teamsessie {n} met {client}. Een tijdlijn gemaakt van de geschiedenis van het team: "
    "welke gebeurtenissen hebben het gevormd?",
    "Teamsessie {n} met {client}. De teamleider was er deze keer niet bij; het gesprek ging "
    "meteen over de verhouding met de leidinggevende.",
    "Teamsessie {n} met {client}. Werkvorm: een *Deep Democracy*-ronde, om ook de "
    "minderheidsstem te horen bij het besluit over de roosters.",
    "Teamsessie {n} met {client}. Evaluatie van de experimenten van de afgelopen weken en "
    "nieuwe afspraken gemaakt.",
)
TEAM_REFLECTIONS = (
    "De groepsdynamiek was voelbaar: twee subgroepen die elkaar niet aankeken. Ik heb het "
    "patroon benoemd in plaats van eromheen te werken; spannend, maar het gaf lucht.",
    "**Geleerd:** als ik te veel structuur geef, neemt het team minder eigenaarschap. "
    "Volgende keer de agenda samen met het team maken.",
    "Het team wilde dat ik een oordeel gaf over de teamleider. Meerzijdig partijdig blijven "
    "kostte moeite; achteraf ben ik tevreden over hoe ik de vraag teruglegde.",
    "Ik zag Tuckman terug, maar vooral dat het 'stormen' terugkomt bij elke nieuwe collega. "
    "Interessant voor het gesprek met de opdrachtgever.",
    "Te veel werkvormen in één sessie. Eén goede vraag levert meer op.",
    "Het team stelde zelf voor het gesprek met de naastgelegen afdeling aan te gaan. Dat "
    "raakt aan het organisatieniveau.",
    "- Wat ging goed: iedereen kwam aan het woord.\n"
    "- Wat kan beter: ik liet de stille teamleden te makkelijk passen.\n"
    "- Volgende keer: eerst in tweetallen, dan plenair.",
    "",
)
SPONSOR_MEETINGS = (
    "Tussentijds gesprek met de {sponsor} over {client}: wat zie ik in het team, en wat "
    "vraagt dat van de organisatie? Opnieuw afgesproken wat ik wel en niet terugkoppel.",
    "Adviesgesprek met de {sponsor}: hoe kan de leeromgeving rond {client} beter, "
    "bijvoorbeeld met vaste ruimte voor intervisie in de roosters?",
    "Evaluatiegesprek met de {sponsor} en een afvaardiging van {client}: voortgang op de "
    "doelen uit het contract.",
)
SPONSOR_REFLECTIONS = (
    "De opdrachtgever wilde vooral resultaten horen. Ik heb uitgelegd waarom ik geen inhoud "
    "uit de sessies deel; dat werd uiteindelijk gewaardeerd.",
    "Adviseren zonder het eigenaarschap van het team over te nemen: ik bracht mijn "
    "observaties als hypothesen, niet als conclusies.",
    "Spanning tussen mijn rol als coach van het team en als adviseur van de opdrachtgever. "
    "Meegenomen naar supervisie.",
    "**Inzicht:** het probleem van het team is voor een deel een organisatieprobleem "
    "(roosters, budget). Dat heb ik benoemd, als mede- en tegenspeler van het management.",
    "",
)
ORG_SESSIONS = (
    "Sessie {n} met {client}: de onderlinge verwachtingen binnen het managementteam verkend.",
    "Sessie {n} met {client}. Gewerkt met de vraag 'waar zijn wij samen eigenaar van?'",
    "Sessie {n} met {client}: waarderend gesprek over wat er bij eerdere veranderingen wél "
    "goed ging.",
    "Sessie {n} met {client}. Casus besproken waarin een besluit in de organisatie anders "
    "landde dan bedoeld.",
)
ORG_REFLECTIONS = (
    "Ik merk dat ik op organisatieniveau sneller inhoudelijk meedenk. Goed om te zien, maar "
    "ik wil het leren bij de groep laten.",
    "De verschillende betekenis die 'eigenaarschap' heeft voor de leden van het MT werd "
    "zichtbaar. Daar ligt de volgende sessie.",
    "**Let op:** de directeur sprak namens het hele MT. Volgende keer eerst een ronde.",
    "",
)
NETWORK_SESSIONS = (
    "Ketenbijeenkomst {n} met {client}: een casus waarin de overdracht tussen organisaties "
    "misging, samen gereconstrueerd.",
    "Ketenbijeenkomst {n} met {client}. Elke organisatie vertelde vanuit het eigen "
    "perspectief wat 'op tijd hulp' betekent.",
    "Ketenbijeenkomst {n} met {client}: afspraken gemaakt over een gezamenlijk leermoment per "
    "kwartaal.",
)
NETWORK_REFLECTIONS = (
    "In een netwerk zijn de belangen groter en de mandaten kleiner. Ik moet vaker nagaan wie "
    "namens wie spreekt.",
    "Het verschil in betekenisgeving rond 'regie' werd zichtbaar. Waarderend aansluiten bij "
    "elk perspectief werkte beter dan het verschil willen oplossen.",
    "Ik voelde mij meer procesbegeleider dan coach. Misschien is dat precies wat deze fase "
    "vraagt.",
    "",
)
MODULE_SESSIONS = (
    "Colleges en oefeningen bij {code}. In subgroepen eigen casuïstiek ingebracht.",
    "Bijeenkomst {code}: inleiding door de docent, daarna oefenen in drietallen (coach, "
    "coachee, observator).",
    "Werkcollege {code}: de literatuur van deze week toegepast op een casus uit de eigen "
    "praktijk.",
    "Gastcollege bij {code}, daarna voorbereiding van de praktijkopdracht in de leergroep.",
)
MODULE_REFLECTIONS = (
    "Als observator in de drietallen zag ik veel meer dan als coach. Dat wil ik vaker gebruiken.",
    "Bruikbare theorie, maar de vertaling naar mijn eigen praktijk moet ik nog maken.",
    "**Kern van vandaag:** een team is geen optelsom van individuen. Dat verandert hoe ik "
    "naar mijn teamcasus kijk.",
    "Feedback van de docent op mijn casus: ik formuleer de hulpvraag nog te veel vanuit de "
    "opdrachtgever.",
    "",
    "",
    "",
)

# (title, description, disciplines, competencies)
LITERATURE = (
    (
        "Edmondson over psychologische veiligheid",
        "Hoofdstukken over psychologische veiligheid en teamleren gelezen en samengevat.",
        ("psychology", "organisation-science"),
        ("TC3", "TC2"),
    ),
    (
        "Schein, Humble Inquiry",
        "Over nederig vragen en de helpende relatie; voorbeelden verzameld uit mijn sessies.",
        ("psychology",),
        ("IC2", "IC3"),
    ),
    (
        "Senge over de lerende organisatie",
        "De vijf disciplines gelezen, met nadruk op mentale modellen en teamleren.",
        ("organisation-science", "educational-science"),
        ("OC1", "TC3"),
    ),
    (
        "Argyris over enkelslag- en dubbelslagleren",
        "Artikel over defensieve routines en wat die betekenen voor leren in organisaties.",
        ("organisation-science", "andragogy"),
        ("OC1", "IC3"),
    ),
    (
        "Weick over betekenisgeving",
        "Hoe mensen in organisaties achteraf betekenis geven aan wat er gebeurt.",
        ("sociology", "organisation-science"),
        ("OC2", "OC1"),
    ),
    (
        "Cooperrider en Whitney over waarderend onderzoeken",
        "De 4D-cyclus en de principes achter waarderend onderzoeken.",
        ("sociology", "organisation-science"),
        ("OC2", "OC6"),
    ),
    (
        "De Caluwé en Vermaak, Leren veranderen",
        "De kleurentaal als manier om naar veranderaanpakken te kijken.",
        ("organisation-science",),
        ("OC1", "TC6"),
    ),
    (
        "Hawkins over systemische teamcoaching",
        "De vijf disciplines van teams en het team in zijn context.",
        ("organisation-science", "psychology"),
        ("TC4", "TC1"),
    ),
    (
        "Kessels over de leeromgeving",
        "Kennisproductiviteit en wat een krachtige leeromgeving op het werk is.",
        ("educational-science", "andragogy"),
        ("OC4", "TC6"),
    ),
    (
        "Knowles over hoe volwassenen leren",
        "De uitgangspunten van andragogiek naast mijn eigen werkvormen gelegd.",
        ("andragogy",),
        ("IC5", "TC3"),
    ),
    (
        "Korthagen over reflectie",
        "Het reflectiemodel en de ui-metafoor; toegepast op mijn eigen leerdoelen.",
        ("educational-science", "psychology"),
        ("IC7",),
    ),
    (
        "Hackman over voorwaarden voor effectieve teams",
        "Artikel over de condities die teams laten presteren.",
        ("psychology", "organisation-science"),
        ("TC4", "TC2"),
    ),
    (
        "Mintzberg over organisatieconfiguraties",
        "Configuraties en coördinatiemechanismen, naast mijn eigen opdrachtgevers gelegd.",
        ("organisation-science", "business-economics"),
        ("OC1", "OC5"),
    ),
    (
        "de beroepscode voor coaches",
        "De beroepscode en de klachtenregeling van een beroepsvereniging bestudeerd.",
        ("sociology",),
        ("IC6", "OC8"),
    ),
)
RESEARCH_LITERATURE = (
    (
        "handboek praktijkgericht onderzoek",
        "Hoofdstukken over onderzoeksvragen, methoden en betrouwbaarheid.",
        ("sociology", "educational-science"),
        ("OC6", "OC7"),
    ),
    (
        "artikelen over actieonderzoek",
        "Drie artikelen over actieonderzoek in organisaties vergeleken.",
        ("sociology", "organisation-science"),
        ("OC6",),
    ),
)
LITERATURE_REFLECTIONS = (
    "Bruikbaar voor mijn casus: het begrip helpt mij te benoemen wat ik in het team zie gebeuren.",
    "Ik ben het niet helemaal eens met de auteur: de rol van macht blijft onderbelicht.",
    "Drie inzichten:\n\n"
    "- theorie is een bril, geen waarheid;\n"
    "- mijn eigen aannames verdienen evenveel onderzoek als die van de klant;\n"
    "- het systeem doet ertoe, ook als de vraag individueel lijkt.",
    "Samenvatting gedeeld met mijn leergroep.",
    "",
    "",
)
SUPERVISION = (
    "Supervisiegesprek over mijn rol in het traject met {client}: waar word ik onbedoeld het "
    "verlengstuk van de opdrachtgever?",
    "Supervisie: ingebracht hoe ik omga met mijn eigen onzekerheid bij een kritisch team.",
    "Groepssupervisie met twee medestudenten; mijn casus ging over vertrouwelijkheid in het "
    "driegesprek.",
    "Supervisie: terugblik op mijn leerdoelen van dit blok en op mijn patroon van 'te hard "
    "werken voor de ander'.",
)
SUPERVISION_REFLECTIONS = (
    "De supervisor liet mij zien dat mijn behoefte om aardig gevonden te worden mijn "
    "interventies tempert.",
    "**Leerpunt:** eerst mijn eigen reactie onderzoeken, dan pas interveniëren.",
    "Ik heb besloten het contract met de opdrachtgever opnieuw te bespreken; de supervisie "
    "gaf mij de woorden daarvoor.",
    "",
)
# (title, description, disciplines, competencies)
WORKSHOPS = (
    (
        "Workshop Deep Democracy",
        "Oefenen met het hoorbaar maken van de minderheidsstem in groepsbesluiten.",
        ("psychology", "sociology"),
        ("TC2", "TC5"),
    ),
    (
        "Workshop systemisch werken met opstellingen",
        "Organisatieopstellingen als manier om verhoudingen zichtbaar te maken.",
        ("psychology", "organisation-science"),
        ("TC4", "OC1"),
    ),
    (
        "Masterclass waarderend onderzoeken",
        "Een dag oefenen met waarderende interviews en het ontwerpen van een 4D-traject.",
        ("sociology",),
        ("OC2",),
    ),
    (
        "Workshop aanwezigheid en non-verbale communicatie",
        "Oefeningen met lichaamstaal, stem en stilte in het coachgesprek.",
        ("psychology",),
        ("IC2",),
    ),
    (
        "Workshop werkvormen voor grote groepen",
        "Open space, World Café en Liberating Structures uitgeprobeerd.",
        ("andragogy", "educational-science"),
        ("TC3", "OC3"),
    ),
    (
        "Studiedag ethiek in coaching",
        "Studiedag van een beroepsvereniging over dilemma's in driehoekscontracten.",
        ("sociology", "psychology"),
        ("IC6", "OC8"),
    ),
)
WORKSHOP_REFLECTIONS = (
    "Direct toepasbaar in mijn teamtraject; ik probeer het de volgende sessie uit.",
    "Inspirerend, maar ik moet oppassen dat ik niet de werkvorm centraal zet in plaats van "
    "de vraag van de klant.",
    "",
)
# (title, description, system level, role, disciplines, competencies)
PRACTICE = (
    (
        "Praktijkopdracht: observatie van een teamoverleg",
        "Een overleg in de eigen organisatie geobserveerd met een observatieschema voor "
        "groepsrollen en besluitvorming.",
        TEAM,
        COACH,
        ("psychology", "sociology"),
        ("TC2", "TC4"),
    ),
    (
        "Praktijkopdracht: stakeholderanalyse rond mijn coachtraject",
        "De belanghebbenden rond mijn teamtraject in kaart gebracht: invloed, belang en "
        "verwachtingen.",
        ORG,
        ADVISOR,
        ("organisation-science", "business-economics"),
        ("TC1", "OC1"),
    ),
    (
        "Praktijkopdracht: analyse van een eigen coachgesprek (opname)",
        "Een opgenomen coachgesprek (met toestemming) uitgeschreven en geanalyseerd op "
        "vraagtechniek en samenvatten.",
        IND,
        COACH,
        ("psychology",),
        ("IC2", "IC5"),
    ),
    (
        "Praktijkopdracht: adviesnotitie voor de opdrachtgever",
        "Een korte notitie geschreven over wat de organisatie kan doen om teamleren te "
        "ondersteunen.",
        ORG,
        ADVISOR,
        ("educational-science", "organisation-science"),
        ("TC6", "OC4"),
    ),
    (
        "Praktijkopdracht: leergesprek met de eigen leidinggevende",
        "Met mijn leidinggevende besproken hoe ik wat ik leer in de opleiding inzet in de "
        "organisatie.",
        IND,
        ADVISOR,
        ("andragogy",),
        ("IC7", "TC6"),
    ),
)
# (title, description, system level, disciplines, competencies)
RESEARCH = (
    (
        "Oriënterend gesprek met een mogelijke opdrachtgever voor de masterthesis",
        "Verkend of de organisatie ruimte heeft voor een praktijkonderzoek naar teamleren.",
        ORG,
        ("organisation-science",),
        ("OC6", "OC8"),
    ),
    (
        "Onderzoeksvraag aangescherpt",
        "De onderzoeksvraag herschreven na feedback van de leergroep; deelvragen toegevoegd.",
        "",
        ("educational-science", "sociology"),
        ("OC6",),
    ),
    (
        "Verkennend interview met een teamleider",
        "Een open interview als vooronderzoek; met toestemming opgenomen en samengevat.",
        ORG,
        ("sociology",),
        ("OC7", "OC6"),
    ),
    (
        "Documentanalyse van beleidsstukken",
        "Jaarplannen en evaluaties van de afgelopen drie jaar doorgenomen op het thema leren.",
        ORG,
        ("organisation-science", "business-economics"),
        ("OC7",),
    ),
    (
        "Observatie van een ketenoverleg",
        "Een overleg tussen partners in de keten bijgewoond als observant, met een "
        "observatieschema.",
        NET,
        ("sociology", "organisation-science"),
        ("OC7", "OC3"),
    ),
    (
        "Opzet informed consent en dataprotocol",
        "Toestemmingsformulier en afspraken over opslag en pseudonimisering van de gegevens "
        "opgesteld.",
        ORG,
        ("sociology",),
        ("OC8", "IC6", "OC6"),
    ),
)

# --- evidence and feedback ------------------------------------------------------------------

FEEDBACK_QUESTIONS = (
    "Wat heeft je in de samenwerking met mij het meest geholpen?\n"
    "Wat had ik anders of beter kunnen doen?\n"
    "Wat zou je mij meegeven voor een volgend traject?"
)
FEEDBACK_ANSWERS = (
    (
        "Dat je doorvroeg als ik te snel over iets heen stapte. Ik kreeg niet snel een "
        "antwoord, maar wel betere vragen.",
        "Soms had ik meer houvast gewild, bijvoorbeeld een korte samenvatting na de sessie.",
        "Blijf zo rustig luisteren. En durf eerder te zeggen wat je ziet.",
    ),
    (
        "De gesprekken gaven mij ruimte om hardop te denken zonder oordeel. De oefening met "
        "het voorbereiden van het moeilijke gesprek was erg bruikbaar.",
        "In het begin was niet helemaal duidelijk wat mijn leidinggevende te horen zou krijgen.",
        "Maak de afspraken over vertrouwelijkheid meteen in het eerste gesprek heel concreet.",
    ),
    (
        "Je hield ons als team bij de les zonder de leiding over te nemen. De sessie over de "
        "tijdlijn van het team maakte veel los.",
        "Een paar sessies waren erg vol; iets minder onderwerpen was fijner geweest.",
        "Betrek de teamleider iets eerder bij wat er in het team speelt.",
    ),
)


@dataclass
class _Activity:
    """A learning activity before it is stored, with what the evidence plans need to know."""

    kind: str
    date: datetime.date
    hours: Decimal
    title: str
    description: str = ""
    reflection: str = ""
    system_level: str = ""
    role: str = ""
    engagement: ClientEngagement | None = None
    competencies: tuple[str, ...] = ()
    disciplines: tuple[str, ...] = ()
    tag: str = ""
    stored: LearningActivity | None = None


@dataclass
class _Engagement:
    template: ClientTemplate
    stored: ClientEngagement
    sessions: list[_Activity] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.stored.client_code

    @property
    def sponsor(self) -> str:
        return _lower_first(self.stored.sponsor)


@dataclass
class _EvidencePlan:
    title: str
    kind: str
    claims: list[tuple[str, str]]  # (competency code, justification)
    activities: list[_Activity]
    text: str = ""
    url: str = ""
    file: tuple[str, bytes, str] | None = None  # (name, content, declared type)


@dataclass(frozen=True)
class _Version:
    competencies: dict[str, Competency]
    levels: dict[int, ProficiencyLevel]
    modules: dict[tuple[int, int], list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]]
    year_1: ReviewMoment | None
    year_1_targets: dict[str, int]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _version_data(version: CurriculumVersion) -> _Version:
    framework = version.framework
    competencies = {c.code: c for c in framework.competencies.all()}
    levels = {level.rank: level for level in framework.levels.all()}
    targets: dict[int, list[str]] = {}
    for module_id, code in ModuleTarget.objects.filter(
        module__period__year__version=version
    ).values_list("module_id", "competency__code"):
        targets.setdefault(module_id, []).append(code)
    modules: dict[tuple[int, int], list] = {}
    for module in (
        Module.objects.filter(period__year__version=version)
        .select_related("period__year")
        .prefetch_related("disciplines")
        .order_by("period__year__number", "period__number", "position", "code")
    ):
        key = (module.period.year.number, module.period.number)
        modules.setdefault(key, []).append(
            (
                module.code,
                module.title_nl,
                tuple(sorted(d.code for d in module.disciplines.all())),
                tuple(sorted(targets.get(module.pk, []))),
            )
        )
    year_1 = ReviewMoment.objects.filter(version=version, code=YEAR_1_REVIEW).first()
    year_1_targets = {}
    if year_1 is not None:
        year_1_targets = dict(
            ReviewTarget.objects.filter(review_moment=year_1).values_list(
                "competency__code", "level__rank"
            )
        )
    return _Version(competencies, levels, modules, year_1, year_1_targets)


def _has_work(enrolment: Enrolment) -> bool:
    return (
        enrolment.activities.exists()
        or enrolment.engagements.exists()
        or enrolment.evidence.exists()
        or enrolment.feedback_requests.exists()
        or enrolment.portfolios.exists()
    )


def ensure_student_work() -> None:
    """Gives every enrolment without any work of its own the demo's work."""
    ensure_activity_kinds()
    kinds = {kind.code: kind for kind in ActivityKind.objects.all()}
    disciplines = {d.code: d for d in Discipline.objects.all()}
    versions: dict[int, _Version] = {}
    enrolments = (
        Enrolment.objects.select_related("cohort__curriculum_version__framework", "student")
        .filter(cohort__curriculum_version__isnull=False)
        .order_by("student_number")
    )
    for enrolment in enrolments:
        if _has_work(enrolment):
            continue
        version = enrolment.cohort.curriculum_version
        if version.pk not in versions:
            versions[version.pk] = _version_data(version)
        _StudentWork(enrolment, kinds, disciplines, versions[version.pk]).build()


# --- dates ----------------------------------------------------------------------------------


def _in_summer(day: datetime.date) -> bool:
    return (day.month == 7 and day.day >= 11) or day.month == 8


def _in_christmas(day: datetime.date) -> bool:
    return (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 4)


def _open_day(day: datetime.date) -> datetime.date:
    """The first working day on or after ``day`` outside the summer and Christmas breaks."""
    if _in_summer(day):
        day = datetime.date(day.year, 9, 1)
    if _in_christmas(day):
        day = datetime.date(day.year + (day.month == 12), 1, 5)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


class _StudentWork:
    def __init__(self, enrolment, kinds, disciplines, version: _Version):
        self.enrolment = enrolment
        self.student = enrolment.student
        self.kinds = kinds
        self.disciplines = disciplines
        self.version = version
        self.rng = random.Random(int(enrolment.student_number))
        self.start = enrolment.cohort.start_date
        self.end = LOG_UNTIL
        if enrolment.status != Enrolment.Status.ACTIVE and enrolment.status_since:
            self.end = min(self.end, enrolment.status_since - datetime.timedelta(days=1))
        # A student with a year behind them works more, and at a higher level.
        self.senior = self.start <= LOG_UNTIL - datetime.timedelta(days=365)
        self.activities: list[_Activity] = []
        self.engagements: list[_Engagement] = []
        # Each stored piece of evidence with the level it claims per competency code.
        self.evidence: list[tuple[Evidence, dict[str, int]]] = []

    # --- the whole ----------------------------------------------------------------------

    def build(self) -> None:
        if self.end < self.start:
            return
        withdrawn = self.enrolment.status == Enrolment.Status.WITHDRAWN
        if not withdrawn:
            self._engagements()
        self._weeks(only_study=withdrawn)
        if not withdrawn:
            self._anchors()
        self._store_activities()
        if withdrawn:
            return
        self._evidence()
        self._feedback()
        self._portfolio()

    # --- engagements --------------------------------------------------------------------

    def _engagements(self) -> None:
        rng = self.rng
        if self.senior:
            slots = [
                datetime.date(2025, 10, 6),
                datetime.date(2025, 11, 10),
                datetime.date(2026, 2, 9),
                datetime.date(2026, 9, 14),
            ]
            count = rng.randint(3, 4)
        else:
            slots = [
                datetime.date(2026, 9, 21),
                datetime.date(2026, 10, 12),
                datetime.date(2026, 11, 2),
            ]
            count = rng.randint(2, 3)
        starts = [_open_day(slot + datetime.timedelta(days=rng.randint(0, 18))) for slot in slots]
        starts = [day for day in starts if day <= self.end - datetime.timedelta(days=14)]
        count = min(count, len(starts))
        individuals = rng.sample(INDIVIDUAL_CLIENTS, 2)
        teams = [t for t in GROUP_CLIENTS if t.focus == TEAM]
        others = [t for t in GROUP_CLIENTS if t.focus != TEAM]
        team = rng.choice(teams)
        rest = [
            individuals[1],
            *rng.sample(others, 2),
            rng.choice([t for t in teams if t != team]),
        ]
        rng.shuffle(rest)
        templates = [individuals[0], team, *rest][:count]
        numbers = rng.sample(range(1, 40), 2)
        regions = rng.sample(REGIONS, len(templates))
        # A student with three or more clients has one who did not (yet) consent.
        without_consent = rng.randint(1, count - 1) if count >= 3 else None
        for index, (template, started) in enumerate(zip(templates, starts, strict=False)):
            code = template.code.format(n=numbers[0 if index == 0 else 1], region=regions[index])
            group = template.focus != IND
            who = "het team" if group else "de coachee"
            internal = rng.random() < 0.3
            contract_on = started - datetime.timedelta(days=rng.randint(3, 12))
            consent = index != without_consent
            confidentiality = rng.choice(CONFIDENTIALITY).format(who=who)
            engagement = ClientEngagement(
                enrolment=self.enrolment,
                client_code=code,
                sector=template.sector,
                client_type=(
                    ClientEngagement.ClientType.GROUP
                    if group
                    else ClientEngagement.ClientType.INDIVIDUAL
                ),
                group_size=(template.size + rng.randint(-2, 2)) if group else None,
                paid=rng.random() < (0.5 if internal else 0.7),
                internal=internal,
                sponsor=template.sponsor,
                goals=template.goals,
                contract_goals=rng.choice(CONTRACT_GOALS).format(goals=template.goals, who=who),
                contract_confidentiality=confidentiality + ("" if consent else NO_CONSENT),
                contract_reporting=rng.choice(REPORTING).format(who=who),
                contract_evaluation=rng.choice(EVALUATION).format(who=who),
                contract_agreed_on=contract_on,
                consent=consent,
                consent_on=contract_on if consent else None,
                started_on=started,
            )
            plan = _Engagement(template, engagement)
            self._sessions(plan)
            if plan.sessions and plan.sessions[-1].tag == "closing":
                engagement.ended_on = plan.sessions[-1].date
            save_engagement(engagement=engagement, by=self.student)
            self.engagements.append(plan)
            self.activities += plan.sessions

    def _sessions(self, plan: _Engagement) -> None:
        rng = self.rng
        focus = plan.template.focus
        day = plan.stored.started_on
        fmt = {"client": plan.code, "sponsor": plan.sponsor, "size": plan.stored.group_size}
        if focus == IND:
            total, gap = rng.randint(6, 9), (14, 28)
        elif focus == TEAM:
            total, gap = rng.randint(6, 10), (21, 35)
        else:
            total, gap = rng.randint(5, 8), (28, 42)
        for n in range(1, total + 1):
            if day > self.end:
                return
            fmt["n"] = n
            plan.sessions.append(self._session(plan, n, total, day, fmt))
            if focus != IND and n % 3 == 0 and n < total:
                meeting = _open_day(day + datetime.timedelta(days=rng.randint(5, 10)))
                if meeting <= self.end:
                    plan.sessions.append(self._sponsor_meeting(plan, meeting, fmt))
            day = _open_day(day + datetime.timedelta(days=rng.randint(*gap)))

    def _session(self, plan, n, total, day, fmt) -> _Activity:
        rng = self.rng
        focus = plan.template.focus
        engagement = plan.stored
        if n == 1:
            who = "de coachee" if focus == IND else "de groep"
            kind = {IND: "coaching-session", TEAM: "team-coaching"}
            return _Activity(
                kind=kind.get(focus, "organisational-intervention"),
                date=day,
                hours=Decimal("1.5"),
                title=f"Driegesprek en contract {plan.code}",
                description=(
                    f"Intake en driegesprek met {who} en de {plan.sponsor}. Afspraken gemaakt "
                    "over doelen, vertrouwelijkheid en wat er wel en niet wordt teruggekoppeld."
                ),
                reflection=rng.choice(
                    (
                        "Ik heb het contract hardop laten herhalen door alle drie de partijen. "
                        "Dat voelde formeel, maar gaf duidelijkheid.",
                        "De opdrachtgever had een andere vraag dan de klant. Dat verschil heb "
                        "ik benoemd en laten staan; het hoort in het contract.",
                        "",
                    )
                ),
                system_level=focus,
                role=COACH,
                engagement=engagement,
                competencies=("IC1", "IC6") if focus == IND else ("TC1", "TC5"),
                disciplines=("psychology",) if focus == IND else ("sociology",),
                tag="contract",
            )
        closing = n == total
        if focus == IND:
            description = (
                f"Afrondende sessie met {plan.code}: terugblik op het traject aan de hand van "
                "de doelen uit het contract, en evaluatie van de samenwerking."
                if closing
                else rng.choice(INDIVIDUAL_SESSIONS).format(**fmt)
            )
            return _Activity(
                kind="coaching-session",
                date=day,
                hours=rng.choice(_d("1", "1.25", "1.5")),
                title=f"Coachsessie {n} {plan.code}",
                description=description,
                reflection=rng.choice(INDIVIDUAL_REFLECTIONS),
                system_level=IND,
                role=COACH,
                engagement=engagement,
                competencies=tuple(rng.sample(("IC2", "IC3", "IC4", "IC5", "IC7"), 2)),
                disciplines=tuple(rng.sample(("psychology", "andragogy"), rng.randint(1, 2))),
                tag="closing" if closing else "individual",
            )
        if focus == TEAM:
            kind, level, texts, reflections = (
                "team-coaching",
                TEAM,
                TEAM_SESSIONS,
                TEAM_REFLECTIONS,
            )
            pool, disciplines = ("TC2", "TC3", "TC4", "TC5", "IC2"), ("psychology", "sociology")
            title, hours = f"Teamsessie {n} {plan.code}", _d("2", "2.5", "3", "3.5")
        elif focus == ORG:
            kind, level, texts, reflections = (
                "organisational-intervention",
                ORG,
                ORG_SESSIONS,
                ORG_REFLECTIONS,
            )
            pool = ("OC1", "OC2", "OC3", "TC2", "OC5")
            disciplines = ("organisation-science", "business-economics")
            title, hours = f"Sessie {n} {plan.code}", _d("2", "2.5", "3")
        else:
            kind, level, texts, reflections = (
                "organisational-intervention",
                NET,
                NETWORK_SESSIONS,
                NETWORK_REFLECTIONS,
            )
            pool, disciplines = ("OC3", "OC1", "OC2", "TC4"), ("sociology", "organisation-science")
            title, hours = f"Ketenbijeenkomst {n} {plan.code}", _d("2.5", "3", "3.5")
        description = rng.choice(texts).format(**fmt)
        if closing:
            description += " Laatste bijeenkomst: het traject samen geëvalueerd."
        return _Activity(
            kind=kind,
            date=day,
            hours=rng.choice(hours),
            title=title,
            description=description,
            reflection=rng.choice(reflections),
            system_level=level,
            role=COACH,
            engagement=engagement,
            competencies=tuple(rng.sample(pool, rng.randint(1, 3))),
            disciplines=tuple(rng.sample(disciplines, rng.randint(1, 2))),
            tag="closing" if closing else focus,
        )

    def _sponsor_meeting(self, plan, day, fmt) -> _Activity:
        rng = self.rng
        return _Activity(
            kind="organisational-intervention",
            date=day,
            hours=rng.choice(_d("1", "1.5")),
            title=f"Gesprek met opdrachtgever {plan.code}",
            description=rng.choice(SPONSOR_MEETINGS).format(**fmt),
            reflection=rng.choice(SPONSOR_REFLECTIONS),
            system_level=ORG,
            role=ADVISOR,
            engagement=plan.stored,
            competencies=tuple(rng.sample(("TC6", "OC4", "OC5", "OC1"), rng.randint(1, 2))),
            disciplines=("organisation-science",),
            tag="sponsor",
        )

    # --- the weeks ----------------------------------------------------------------------

    def _period(self, day: datetime.date) -> tuple[int, int] | None:
        if _in_summer(day):
            return None
        year = 1 if day < self.start.replace(year=self.start.year + 1) else 2
        month = day.month
        if month in (9, 10) or (month == 11 and day.day <= 10):
            return year, 1
        if month in (11, 12, 1):
            return year, 2
        if month in (2, 3) or (month == 4 and day.day <= 15):
            return year, 3
        return year, 4

    def _weeks(self, *, only_study: bool = False) -> None:
        rng = self.rng
        per_week = (2, 4) if self.senior else (1, 2)
        client_weeks: dict[datetime.date, int] = {}
        for activity in self.activities:
            monday = activity.date - datetime.timedelta(days=activity.date.weekday())
            client_weeks[monday] = client_weeks.get(monday, 0) + 1
        self._last = {"supervision": self.start, "workshop": self.start}
        self._counters: dict[str, int] = {}
        self._shuffled: dict[str, list] = {}
        lesson_weekday = 3 if self.start.year == 2025 else 4
        monday = self.start - datetime.timedelta(days=self.start.weekday())
        week = 0
        while monday <= self.end:
            days = [
                monday + datetime.timedelta(days=offset)
                for offset in range(6)
                if self.start <= monday + datetime.timedelta(days=offset) <= self.end
            ]
            week += 1
            monday += datetime.timedelta(days=7)
            if not days:
                continue
            period = self._period(days[0])
            if period is None or _in_christmas(days[0]):
                if rng.random() < 0.4:
                    self.activities.append(self._literature(rng.choice(days), period))
                continue
            planned = client_weeks.get(days[0] - datetime.timedelta(days=days[0].weekday()), 0)
            if week % 2 == 1:
                lesson_day = next((d for d in days if d.weekday() == lesson_weekday), days[-1])
                for module in self.version.modules.get(period, []):
                    self.activities.append(self._module_session(lesson_day, module))
                    planned += 1
            target = rng.randint(*per_week)
            for _ in range(max(0, target - planned)):
                day = rng.choice(days)
                self.activities.append(
                    self._literature(day, period) if only_study else self._filler(day, period)
                )

    def _next(self, name: str, pool: Sequence):
        """The next item of ``pool`` in this student's own order, and how often it was used."""
        if name not in self._shuffled:
            self._shuffled[name] = self.rng.sample(list(pool), len(pool))
        count = self._counters.get(name, 0)
        self._counters[name] = count + 1
        items = self._shuffled[name]
        return items[count % len(items)], count // len(items)

    def _filler(self, day: datetime.date, period: tuple[int, int]) -> _Activity:
        year, block = period
        weights = {"literature": 35, "practice": 12}
        if (day - self._last["supervision"]).days >= 40:
            weights["supervision"] = 60
        if (day - self._last["workshop"]).days >= 56:
            weights["workshop"] = 10
        if year == 2:
            weights["research"] = 35
        elif block == 3 and self.senior:
            weights["research"] = 8
        choice = self.rng.choices(list(weights), weights=list(weights.values()))[0]
        return getattr(self, f"_{choice}")(day, period)

    def _module_session(self, day, module) -> _Activity:
        rng = self.rng
        code, title, disciplines, targets = module
        targets = [c for c in targets if c in self.version.competencies] or ["IC7"]
        return _Activity(
            kind="module-session",
            date=day,
            hours=rng.choice(_d("3", "3.5")),
            title=f"Bijeenkomst {code}: {title}"[:160],
            description=rng.choice(MODULE_SESSIONS).format(code=code),
            reflection=rng.choice(MODULE_REFLECTIONS),
            competencies=tuple(rng.sample(targets, min(len(targets), rng.randint(1, 3)))),
            disciplines=tuple(rng.sample(disciplines, min(len(disciplines), rng.randint(1, 2)))),
            tag=f"module:{code}",
        )

    def _literature(self, day, period) -> _Activity:
        rng = self.rng
        research = period is not None and period[0] == 2 and rng.random() < 0.5
        pool = RESEARCH_LITERATURE if research else LITERATURE
        (title, description, disciplines, competencies), rounds = self._next(
            "research-literature" if research else "literature", pool
        )
        if rounds:
            title += " (vervolg)"
        return _Activity(
            kind="literature",
            date=day,
            hours=rng.choice(_d("0.5", "1", "1.5", "2", "2.5", "3")),
            title=f"Literatuur: {title}",
            description=description,
            reflection=rng.choice(LITERATURE_REFLECTIONS),
            competencies=competencies,
            disciplines=disciplines,
            tag="literature",
        )

    def _practice(self, day, period) -> _Activity:
        rng = self.rng
        (title, description, level, role, disciplines, competencies), rounds = self._next(
            "practice", PRACTICE
        )
        if rounds:
            title += " (vervolg)"
        return _Activity(
            kind="practice-assignment",
            date=day,
            hours=rng.choice(_d("2", "2.5", "3", "4")),
            title=title,
            description=description,
            reflection=rng.choice(MODULE_REFLECTIONS),
            system_level=level,
            role=role,
            competencies=competencies,
            disciplines=disciplines,
            tag=f"practice:{role}:{level}",
        )

    def _supervision(self, day, period) -> _Activity:
        rng = self.rng
        self._last["supervision"] = day
        number = self._counters["supervision"] = self._counters.get("supervision", 0) + 1
        client = self.engagements[0].code if self.engagements else "mijn coachee"
        return _Activity(
            kind="supervision",
            date=day,
            hours=rng.choice(_d("1", "1.5")),
            title=f"Supervisie {number}",
            description=rng.choice(SUPERVISION).format(client=client),
            reflection=rng.choice(SUPERVISION_REFLECTIONS),
            competencies=tuple(rng.sample(("IC7", "IC6", "TC5", "OC8"), rng.randint(1, 3))),
            disciplines=("psychology",),
            tag="supervision",
        )

    def _workshop(self, day, period) -> _Activity:
        rng = self.rng
        self._last["workshop"] = day
        (title, description, disciplines, competencies), _rounds = self._next(
            "workshop", WORKSHOPS
        )
        return _Activity(
            kind="workshop",
            date=day,
            hours=rng.choice(_d("3", "3.5", "4")),
            title=title,
            description=description,
            reflection=rng.choice(WORKSHOP_REFLECTIONS),
            competencies=competencies,
            disciplines=disciplines,
            tag="workshop",
        )

    def _research(self, day, period) -> _Activity:
        rng = self.rng
        (title, description, level, disciplines, competencies), rounds = self._next(
            "research", RESEARCH
        )
        if rounds:
            title += " (vervolg)"
        return _Activity(
            kind="research",
            date=day,
            hours=rng.choice(_d("0.5", "1", "1.5", "2", "3")),
            title=title,
            description=description,
            reflection=rng.choice(LITERATURE_REFLECTIONS),
            system_level=level,
            role=RESEARCHER,
            competencies=competencies,
            disciplines=disciplines,
            tag="research",
        )

    def _anchors(self) -> None:
        """The assignments every student does, whatever the dice said."""
        rng = self.rng

        def when(day: datetime.date) -> datetime.date:
            return _open_day(min(day, self.end - datetime.timedelta(days=rng.randint(3, 10))))

        if self.senior:
            scan_day = when(datetime.date(2026, 1, 12) + datetime.timedelta(rng.randint(0, 14)))
            map_day = when(datetime.date(2026, 3, 9) + datetime.timedelta(rng.randint(0, 20)))
        else:
            scan_day = when(datetime.date(2026, 10, 26) + datetime.timedelta(rng.randint(0, 7)))
            map_day = when(datetime.date(2026, 11, 9) + datetime.timedelta(rng.randint(0, 5)))
        self.activities += [
            _Activity(
                kind="practice-assignment",
                date=scan_day,
                hours=Decimal("4"),
                title="Praktijkopdracht: leerklimaatscan",
                description=(
                    "Met een korte vragenlijst en drie gesprekken onderzocht hoe het leerklimaat "
                    "in een organisatieonderdeel is: tijd, ruimte en steun voor leren."
                ),
                reflection=(
                    "**Opvallend:** medewerkers zien veel meer belemmeringen dan leidinggevenden. "
                    "Dat verschil is zelf al een gesprek waard."
                ),
                system_level=ORG,
                role=ADVISOR,
                competencies=("TC6", "OC1", "OC4"),
                disciplines=("educational-science", "organisation-science"),
                tag="anchor:organisation",
            ),
            _Activity(
                kind="practice-assignment",
                date=map_day,
                hours=Decimal("3"),
                title="Praktijkopdracht: systeemkaart van de keten",
                description=(
                    "Een systeemkaart gemaakt van de organisaties rond mijn coachopdracht: wie "
                    "werkt met wie samen, waar lopen overdrachten, waar zit de spanning?\n\n"
                    "- vier gesprekken met ketenpartners\n"
                    "- één bijeenkomst bijgewoond als observant"
                ),
                reflection=(
                    "Pas door de kaart zag ik dat het team waar ik mee werk klem zit tussen twee "
                    "financiers. Dat verandert mijn hypothese over de teamvraag."
                ),
                system_level=NET,
                role=RESEARCHER,
                competencies=("OC1", "TC4", "OC3"),
                disciplines=("sociology", "organisation-science"),
                tag="anchor:network",
            ),
        ]
        if not any(a.kind == "supervision" for a in self.activities):
            self.activities.append(
                self._supervision(when(self.start + datetime.timedelta(days=45)), None)
            )

    def _store_activities(self) -> None:
        competencies = self.version.competencies
        for activity in self.activities:
            activity.competencies = tuple(c for c in activity.competencies if c in competencies)
            activity.stored = LearningActivity(
                enrolment=self.enrolment,
                kind=self.kinds[activity.kind],
                date=activity.date,
                hours=activity.hours,
                title=activity.title,
                system_level=activity.system_level,
                role=activity.role,
                engagement=activity.engagement,
                description=activity.description,
                reflection=activity.reflection,
            )
        self.activities.sort(key=lambda a: a.date)
        LearningActivity.objects.bulk_create([a.stored for a in self.activities])
        stored = [a.stored for a in self.activities]
        if stored and stored[0].pk is None:  # a backend that doesn't return primary keys
            by_order = list(
                LearningActivity.objects.filter(enrolment=self.enrolment).order_by("pk")
            )
            for activity, row in zip(stored, by_order, strict=True):
                activity.pk = row.pk
        competency_link = LearningActivity.competencies.through
        discipline_link = LearningActivity.disciplines.through
        competency_link.objects.bulk_create(
            competency_link(learningactivity_id=a.stored.pk, competency_id=competencies[code].pk)
            for a in self.activities
            for code in dict.fromkeys(a.competencies)
        )
        discipline_link.objects.bulk_create(
            discipline_link(
                learningactivity_id=a.stored.pk, discipline_id=self.disciplines[code].pk
            )
            for a in self.activities
            for code in dict.fromkeys(a.disciplines)
            if code in self.disciplines
        )

    # --- evidence -----------------------------------------------------------------------

    def _find(self, test, *, before: datetime.date | None = None, count: int = 1):
        found = [a for a in self.activities if test(a) and (before is None or a.date < before)]
        if not found and before is not None:
            found = [a for a in self.activities if test(a)]
        if len(found) <= count:
            return found
        picked = self.rng.sample(range(len(found)), count)
        return [found[i] for i in sorted(picked)]

    def _rank(self, activities: list[_Activity]) -> int:
        """A realistic claimed level for evidence from work on these days."""
        rng = self.rng
        when = max((a.date for a in activities), default=LOG_UNTIL)
        if not self.senior:
            return 2 if rng.random() < 0.15 else 1
        if when < datetime.date(2026, 1, 1):
            return 1 if rng.random() < 0.4 else 2
        if when < datetime.date(2026, 7, 1):
            roll = rng.random()
            return 3 if roll < 0.2 else 1 if roll > 0.92 else 2
        return 3 if rng.random() < 0.45 else 2

    def _plans(self) -> list[_EvidencePlan]:
        rng = self.rng
        year_1_end = datetime.date(2026, 7, 1) if self.senior else None
        individual = next(e for e in self.engagements if e.template.focus == IND)
        team = next((e for e in self.engagements if e.template.focus == TEAM), None)
        slug = self.enrolment.student_number
        sector = _lower_first(individual.stored.sector)
        plans = []

        sessions = self._find(
            lambda a: a.engagement is individual.stored, before=year_1_end, count=3
        )
        plans.append(
            _EvidencePlan(
                title=f"Reflectieverslag coachtraject {individual.code}",
                kind=Evidence.Kind.REFLECTION,
                text=(
                    "## Aanleiding\n\n"
                    f"In het traject met {individual.code} ({sector}) stond deze vraag "
                    f"centraal: {_lower_first(individual.template.goals)}\n\n"
                    "## Wat ik deed\n\n"
                    f"- Intake en driegesprek met de {individual.sponsor}; de afspraken over "
                    "vertrouwelijkheid zijn schriftelijk vastgelegd.\n"
                    f"- {len(individual.sessions)} gesprekken van ongeveer een uur, om de twee "
                    "tot vier weken.\n"
                    "- Werkvormen: doorvragen op concrete situaties, een dilemmakaart, een "
                    "rollenspel ter voorbereiding van een moeilijk gesprek.\n\n"
                    "## Wat ik leerde\n\n"
                    + rng.choice(
                        (
                            "Mijn grootste valkuil is te snel willen helpen. Als ik de vraag "
                            "terugleg, komt de coachee zelf verder dan met mijn advies.",
                            "Het contract is geen formaliteit: juist op de momenten dat het "
                            "schuurde, gaf het houvast om terug te keren naar de afspraken.",
                            "Ik heb geleerd het tempo van de coachee te volgen. De beweging "
                            "kwam pas in de vierde sessie, en niet door mijn interventie.",
                        )
                    )
                ),
                claims=[
                    ("IC1", "Het driegesprek en de contractafspraken staan in het verslag."),
                    ("IC3", "Het verslag laat zien hoe de coachee zelf tot inzicht kwam."),
                    ("IC4", "De doelen zijn aan het eind samen geëvalueerd."),
                ][: rng.randint(2, 3)],
                activities=sessions,
            )
        )
        plans.append(
            _EvidencePlan(
                title="Reflectie op supervisie: mijn rol en mijn grenzen",
                kind=Evidence.Kind.REFLECTION,
                text=(
                    "In de supervisie kwam steeds hetzelfde thema terug: **wiens vraag beantwoord "
                    "ik eigenlijk?** Ik merk dat ik loyaal wil zijn aan de opdrachtgever én aan "
                    "de coachee, en dat ik daardoor soms onduidelijk word over mijn rol.\n\n"
                    "Wat ik nu anders doe:\n\n"
                    "1. Ik benoem in elk driegesprek wat ik wel en niet terugkoppel.\n"
                    "2. Ik toets een verzoek van de opdrachtgever aan de autonomie van de "
                    "coachee.\n"
                    "3. Ik neem dilemma's mee naar supervisie voordat ik handel."
                ),
                claims=[
                    ("IC6", "Ethische dilemma's herkend en zorgvuldig afgewogen."),
                    ("IC7", "Het verslag laat zien hoe ik van supervisie leer."),
                    ("OC8", "Ik bescherm de autonomie van de coachee tegenover de opdrachtgever."),
                ][: 3 if self.senior else 2],
                activities=self._find(
                    lambda a: a.kind == "supervision", before=year_1_end, count=2
                ),
            )
        )
        lesson = self._find(
            lambda a: a.kind == "module-session", before=year_1_end, count=1
        ) or self._find(lambda a: a.kind == "practice-assignment", count=1)
        plans.append(
            _EvidencePlan(
                title="Observatieverslag oefengesprek (docent)",
                kind=Evidence.Kind.OBSERVATION,
                text=(
                    "Observatie door de docent tijdens een oefengesprek op de lesdag.\n\n"
                    "**Sterk:** rustige houding, goede samenvattingen, de coachee kreeg ruimte. "
                    "**Aandachtspunt:** de doelvraag kwam laat; het gesprek bleef daardoor lang "
                    "verkennend. **Advies:** check halverwege of het gesprek nog oplevert wat de "
                    "coachee zoekt."
                ),
                claims=[
                    ("IC2", "De docent beschrijft mijn luisterhouding en samenvattingen."),
                    ("IC5", "Ik zette de werkvorm in die bij de vraag paste."),
                ],
                activities=lesson,
            )
        )
        plans.append(
            _EvidencePlan(
                title=rng.choice(
                    (
                        "Blog in de leeromgeving: wat teamleren van mij vraagt",
                        "Blog in de leeromgeving: coachen tussen team en opdrachtgever",
                    )
                ),
                kind=Evidence.Kind.LINK,
                url=f"https://leeromgeving.example.org/blog/{slug}/teamleren",
                text="Mijn blog in de besloten leeromgeving van de opleiding.",
                claims=[
                    ("IC5", "Ik verantwoord mijn werkvormen met theorie uit de modules."),
                    ("TC3", "De blog beschrijft hoe ik het leren van een team faciliteer."),
                ],
                activities=self._find(
                    lambda a: a.kind == "literature", before=year_1_end, count=2
                ),
            )
        )
        intake = self._find(lambda a: a.engagement is individual.stored and a.tag == "contract")
        plans.append(
            _EvidencePlan(
                title=f"Intakeverslag en contract {individual.code}",
                kind=Evidence.Kind.DOCUMENT,
                text=(
                    "Het intakeverslag en de contractafspraken (gepseudonimiseerd): doelen, "
                    "vertrouwelijkheid, rapportage aan de opdrachtgever en evaluatiemomenten."
                ),
                file=None
                if self.senior
                else (
                    "intakeverslag-contract.pdf",
                    _pdf(
                        f"Intakeverslag en contract {individual.code}",
                        [
                            f"Sector: {individual.stored.sector}",
                            f"Opdrachtgever: {individual.stored.sponsor}",
                            "Doelen, vertrouwelijkheid, rapportage en evaluatie zijn in het",
                            "driegesprek vastgelegd en door alle partijen bevestigd.",
                        ],
                    ),
                    "application/pdf",
                ),
                claims=[("IC1", "Contract met doelen en afspraken over vertrouwelijkheid.")],
                activities=intake,
            )
        )
        if team is not None:
            contract = self._find(lambda a: a.engagement is team.stored and a.tag == "contract")
            plans.append(
                _EvidencePlan(
                    title=f"Verslag driegesprek {team.code}",
                    kind=Evidence.Kind.REFLECTION,
                    text=(
                        f"In het driegesprek met de {team.sponsor} en de teamleider van "
                        f"{team.code} hebben we de hulpvraag verkend. De opdrachtgever vroeg om "
                        "'een beter functionerend team'; het team zelf sprak over onveiligheid "
                        "na een reorganisatie. Ik heb beide vragen naast elkaar laten staan en "
                        "voorgesteld te beginnen met wat het team zelf wil leren.\n\n"
                        "**Afspraken:** vertrouwelijkheid van de sessies, een tussenevaluatie "
                        "met de opdrachtgever, en geen terugkoppeling over individuele "
                        "teamleden."
                    ),
                    claims=[
                        ("TC1", "Contract met team en opdrachtgever zorgvuldig opgesteld."),
                        ("TC5", "Ik bleef meerzijdig partijdig tussen team en opdrachtgever."),
                    ],
                    activities=contract,
                )
            )
        if not self.senior:
            if rng.random() < 0.6:
                plans.append(
                    _EvidencePlan(
                        title="Reflectie op de eerste lesdagen",
                        kind=Evidence.Kind.REFLECTION,
                        text=(
                            "De eerste weken van de opleiding: veel nieuwe begrippen, en de "
                            "ontdekking dat ik als coach vooral vanuit mijn eigen ervaring werk. "
                            "**Voornemen:** bij elke sessie één theorie bewust inzetten en "
                            "achteraf nagaan wat die opleverde."
                        ),
                        claims=[
                            ("IC7", "Ik reflecteer op mijn eigen manier van werken."),
                            ("IC5", "Eerste stappen in het onderbouwd kiezen van methoden."),
                        ],
                        activities=self._find(lambda a: a.kind == "module-session", count=2),
                    )
                )
            return plans

        if team is not None:
            team_sessions = self._find(
                lambda a: a.engagement is team.stored and a.system_level == TEAM,
                before=year_1_end,
                count=2,
            )
            plans.append(
                _EvidencePlan(
                    title=f"Observatieverslag teamsessie {team.code} (medestudent)",
                    kind=Evidence.Kind.OBSERVATION,
                    text=(
                        "Een medestudent uit mijn leergroep observeerde een teamsessie (met "
                        "toestemming van het team).\n\n"
                        "- De coach opende met een check-in die iedereen aan het woord liet.\n"
                        "- Bij spanning tussen twee teamleden benoemde de coach het patroon, "
                        "zonder partij te kiezen.\n"
                        "- Het team maakte zelf de afspraken; de coach vatte samen en checkte.\n\n"
                        "**Tip:** de stille teamleden kwamen pas aan het eind aan bod."
                    ),
                    claims=[
                        ("TC2", "De observator beschrijft hoe ik met de spanning omging."),
                        ("TC3", "Het team maakte zelf de afspraken."),
                        ("IC2", "Luisteren en samenvatten in de groep."),
                    ][: rng.randint(2, 3)],
                    activities=team_sessions,
                )
            )
        scan = self._find(lambda a: a.tag == "anchor:organisation")
        scan += self._find(lambda a: a.tag == "sponsor", before=year_1_end, count=1)
        plans.append(
            _EvidencePlan(
                title="Adviesnotitie leerklimaat",
                kind=Evidence.Kind.DOCUMENT,
                text="Mijn advies aan de opdrachtgever op basis van de leerklimaatscan.",
                file=(
                    "adviesnotitie-leerklimaat.pdf",
                    _pdf(
                        "Adviesnotitie leerklimaat",
                        [
                            "1. Maak tijd voor leren zichtbaar in de roosters.",
                            "2. Laat teams zelf hun leervragen formuleren.",
                            "3. Leidinggevenden: vraag naar wat er geleerd is, niet alleen",
                            "   naar wat er gedaan is.",
                        ],
                    ),
                    "application/pdf",
                ),
                claims=[
                    ("TC6", "Ik adviseerde de leidinggevenden over teamleren."),
                    ("OC1", "De notitie duidt het leerklimaat vanuit meerdere disciplines."),
                ],
                activities=scan,
            )
        )
        network = self._find(lambda a: a.tag == "anchor:network")
        network += self._find(
            lambda a: a.system_level == NET and a.engagement is not None,
            before=year_1_end,
            count=1,
        )
        as_image = rng.random() < 0.6
        plans.append(
            _EvidencePlan(
                title="Systeemkaart van de keten",
                kind=Evidence.Kind.DOCUMENT if as_image else Evidence.Kind.REFLECTION,
                text=(
                    "De systeemkaart die ik maakte van de organisaties rond mijn coachopdracht, "
                    "met een korte toelichting: het team zit klem tussen twee financiers, en de "
                    "overdrachten tussen de partners zijn het moment waarop het misgaat."
                ),
                file=("systeemkaart-keten.png", _png(rng), "image/png") if as_image else None,
                claims=[
                    ("OC1", "De kaart duidt het vraagstuk op netwerkniveau."),
                    ("TC4", "Ik plaats het team in zijn context."),
                ],
                activities=network,
            )
        )
        # One more piece of the student's own choosing: a reading report or 360° feedback.
        extra = rng.choices(("reading", "360", None), weights=(5, 4, 1))[0]
        if extra == "reading":
            plans.append(
                _EvidencePlan(
                    title="Leesverslag en toepassing: betekenisgeving in mijn teamcasus",
                    kind=Evidence.Kind.REFLECTION,
                    text=(
                        "Ik las Weick en Cooperrider naast elkaar en paste beide toe op mijn "
                        "teamcasus. Waar het team het over 'de reorganisatie' heeft, bedoelt "
                        "iedereen iets anders. Een waarderend gesprek over wat er wél goed "
                        "ging, maakte die verschillen bespreekbaar."
                    ),
                    claims=[
                        ("OC2", "Ik sluit aan bij de betekenisgeving in het team."),
                        ("TC4", "Theorie gebruikt om het team in zijn context te zien."),
                    ],
                    activities=self._find(
                        lambda a: a.kind == "literature", before=year_1_end, count=1
                    ),
                )
            )
        if extra == "360":
            plans.append(
                _EvidencePlan(
                    title="360°-feedback van collega's",
                    kind=Evidence.Kind.FEEDBACK_360,
                    text=(
                        "Zes collega's gaven feedback op mijn manier van werken.\n\n"
                        "- **Herkend als sterk:** rust, goede vragen, betrouwbaar.\n"
                        "- **Ontwikkelpunt:** sneller zeggen wat ik zie, ook als het "
                        "ongemakkelijk is."
                    ),
                    claims=[
                        ("IC7", "Feedback van anderen gebruikt voor mijn ontwikkeling."),
                        ("TC5", "Collega's beschrijven mijn onafhankelijke rol."),
                    ],
                    activities=[],
                )
            )
        research = self._find(
            lambda a: a.kind == "research" and a.date >= datetime.date(2026, 9, 1), count=3
        )
        if research and rng.random() < 0.8:
            plans.append(
                _EvidencePlan(
                    title="Onderzoeksnotitie: verkenning van het thesisonderwerp",
                    kind=Evidence.Kind.REFLECTION,
                    text=(
                        "Verkenning van een praktijkonderzoek naar teamleren bij een "
                        "opdrachtgever. Voorlopige vraag: *hoe ondersteunen leidinggevenden "
                        "het leren van teams na een reorganisatie?* Aanpak: actieonderzoek met "
                        "interviews en observaties, met informed consent van alle deelnemers."
                    ),
                    claims=[
                        ("OC6", "Een eerste onderzoeksopzet met vraag en aanpak."),
                        ("OC7", "Verkennende interviews en documentanalyse uitgevoerd."),
                    ],
                    activities=research,
                )
            )
        return plans

    def _claims(self, pairs, activities) -> list[Claim]:
        competencies, levels = self.version.competencies, self.version.levels
        claims = []
        for code, justification in pairs:
            if code in competencies:
                rank = min(self._rank(activities), max(levels))
                claims.append(Claim(competencies[code], levels[rank], justification))
        return claims

    def _evidence(self) -> None:
        if not self.engagements:
            return
        for plan in self._plans():
            claims = self._claims(plan.claims, plan.activities)
            if not claims:
                continue
            checked = None
            if plan.file is not None:
                name, content, content_type = plan.file
                checked = check_upload(SimpleUploadedFile(name, content, content_type))
            evidence = save_evidence(
                evidence=Evidence(
                    enrolment=self.enrolment,
                    title=plan.title,
                    kind=plan.kind,
                    text=plan.text,
                    url=plan.url,
                ),
                checked_file=checked,
                claims=claims,
                activities=[a.stored for a in plan.activities],
                by=self.student,
            )
            self.evidence.append((evidence, {c.competency.code: c.level.rank for c in claims}))

    def _feedback(self) -> None:
        """Senior students: one request answered by a client; everyone: one still open."""
        if not self.engagements:
            return
        rng = self.rng
        competencies = self.version.competencies
        consenting = [e for e in self.engagements if e.stored.consent and e.sessions]
        if self.senior and consenting:
            asked = consenting[0]
            individual = asked.template.focus == IND
            codes = ("IC2", "IC4") if individual else ("TC1", "TC3")
            request, token = create_feedback_request(
                enrolment=self.enrolment,
                recipient_label=f"coachee {asked.code}" if individual else f"team {asked.code}",
                relation="client",
                questions=FEEDBACK_QUESTIONS,
                engagement=asked.stored,
                competencies=[competencies[c] for c in codes if c in competencies],
                expires_in_days=30,
                by=self.student,
            )
            evidence = answer_feedback_request(
                token=token,
                answers=rng.choice(FEEDBACK_ANSWERS),
                respondent_role="coachee" if individual else "teamlid",
            )
            sessions = asked.sessions[-2:]
            claims = self._claims(
                [
                    (codes[0], "De klant beschrijft wat in mijn aanpak hielp."),
                    (codes[1], "De feedback gaat over wat het traject opleverde."),
                ],
                sessions,
            )
            evidence = save_evidence(
                evidence=evidence,
                claims=claims,
                activities=[a.stored for a in sessions],
                by=self.student,
            )
            self.evidence.append((evidence, {c.competency.code: c.level.rank for c in claims}))
        if self.enrolment.status != Enrolment.Status.ACTIVE:
            return
        open_for = (
            next((e for e in reversed(self.engagements) if e.template.focus != IND), None)
            or (self.engagements[-1])
        )
        create_feedback_request(
            enrolment=self.enrolment,
            recipient_label=f"opdrachtgever {open_for.code} ({open_for.sponsor})",
            relation="sponsor",
            questions=FEEDBACK_QUESTIONS,
            engagement=open_for.stored,
            competencies=[competencies[c] for c in ("TC1", "TC6") if c in competencies],
            expires_in_days=45,
            by=self.student,
        )

    # --- portfolio ----------------------------------------------------------------------

    def _portfolio(self) -> None:
        moment = self.version.year_1
        email = self.student.email
        if moment is None or not self.evidence:
            return
        if not self.senior and email not in JUST_STARTED:
            return
        portfolio = start_portfolio(
            enrolment=self.enrolment, review_moment=moment, by=self.student
        )
        entries = list(
            PortfolioEntry.objects.filter(portfolio=portfolio)
            .select_related("competency", "portfolio")
            .order_by("competency__profile__position", "competency__position", "competency__code")
        )
        targets = self.version.year_1_targets
        levels = self.version.levels
        best: dict[str, int] = {}
        chosen: dict[str, list[Evidence]] = {}
        for evidence, ranks in self.evidence:
            for code, rank in ranks.items():
                chosen.setdefault(code, []).append(evidence)
                best[code] = max(best.get(code, 0), rank)

        if not self.senior:
            # Just started: the first two competencies with evidence are filled in.
            for entry in [e for e in entries if e.competency.code in chosen][:2]:
                code = entry.competency.code
                save_entry(
                    entry=entry,
                    self_level=levels[max(1, best[code])],
                    argument=self._argument(entry, chosen[code], best[code]),
                    evidence=chosen[code],
                    by=self.student,
                )
            return

        paused = self.enrolment.status != Enrolment.Status.ACTIVE
        complete = email in SUBMITS_YEAR_1
        gaps: dict[str, str] = {}
        if email == INCOMPLETE_YEAR_1:
            # Two arguments and one piece of evidence still to do, one level below target.
            codes = [e.competency.code for e in entries]
            below = self.rng.choice([c for c in codes if targets.get(c, 1) >= 2])
            picked = self.rng.sample([c for c in codes if c != below], 3)
            gaps = {
                picked[0]: "no_argument",
                picked[1]: "no_argument",
                picked[2]: "no_evidence",
                below: "below_target",
            }
        for index, entry in enumerate(entries):
            code = entry.competency.code
            if paused and index % 2:
                continue  # she was halfway when her leave began
            target = targets.get(code, 1)
            rank = best.get(code, 0)
            if complete or self.rng.random() < 0.85:
                rank = max(rank, target)
            rank = min(max(rank, 1), max(levels))
            gap = gaps.get(code)
            if gap == "below_target":
                rank = max(1, target - 1)
            evidence = [] if gap == "no_evidence" else chosen.get(code, [])
            argument = "" if gap == "no_argument" else self._argument(entry, evidence, rank)
            save_entry(
                entry=entry,
                self_level=levels[rank],
                argument=argument,
                evidence=evidence,
                by=self.student,
            )
        if paused:
            return
        save_overall(
            portfolio=portfolio,
            overall_reflection=self._overall(),
            development_plan="" if gaps else self._plan(),
            by=self.student,
        )
        if complete:
            problems = completeness_problems(portfolio)
            if problems:  # the demo must show a submitted portfolio: fail loudly
                raise RuntimeError([p.message for p in problems])
            submit_portfolio(portfolio=portfolio, by=self.student)

    def _argument(self, entry: PortfolioEntry, evidence: list[Evidence], rank: int) -> str:
        rng = self.rng
        competency = entry.competency
        titles = ", ".join(f"“{e.title}”" for e in evidence) or "mijn logboek"
        name = _lower_first(competency.name_nl)
        opening = rng.choice(
            (
                f"Voor {name} kies ik {titles}.",
                f"Mijn bewijs voor {name}: {titles}.",
                f"In {titles} is te zien hoe ik werk aan {name}.",
            )
        )
        by_role = {
            "coach": (
                "Ik handel zelfstandig in bekende situaties en onderbouw mijn keuzes met theorie "
                "uit de modules.",
                "De reacties van coachees en teamleden laten zien dat mijn interventies helpen; "
                "in complexere situaties is mijn handelen nog wisselend.",
                "Ik pas mijn werkvorm aan aan wat er in de groep gebeurt, in plaats van mijn "
                "plan af te werken.",
            ),
            "advisor": (
                "Ik vertaal observaties uit de sessies naar concrete adviezen, zonder het "
                "eigenaarschap van het team over te nemen.",
                "In de adviesrol zoek ik nog naar de balans tussen meebewegen en tegenspreken.",
            ),
            "researcher": (
                "Ik werk systematisch: vraag, aanpak en toestemming staan vast voordat ik "
                "gegevens verzamel.",
            ),
            "conduct": (
                "Dilemma's over vertrouwelijkheid en rolzuiverheid herken ik tijdig en bespreek "
                "ik in supervisie.",
                "Reflectie is een vast onderdeel van mijn werk: na elke sessie noteer ik wat ik "
                "deed, waarom, en wat ik de volgende keer anders doe.",
            ),
        }
        middle = rng.choice(by_role.get(competency.role, by_role["coach"]))
        closing = {
            1: "Ik sta hier nog aan het begin en werk met begeleiding of een vaste structuur.",
            2: "Daarmee zit ik op het niveau 'ontwikkelend'.",
            3: "Ik denk dat ik hier al bekwaam handel, ook met meerdere belanghebbenden.",
        }.get(rank, "")
        return f"{opening} {middle} {closing}".strip()

    def _overall(self) -> str:
        individual = self.engagements[0].code
        team = next((e.code for e in self.engagements if e.template.focus != IND), individual)
        return self.rng.choice(
            (
                "## Terugblik op jaar 1\n\n"
                f"Dit jaar ging het van het individuele traject met {individual} naar het werken "
                f"met {team}. Het grootste verschil: in een groep kan ik niet alles volgen, en "
                "dat hoeft ook niet. Mijn rol verschoof van gesprekspartner naar iemand die het "
                "gesprek *tussen* mensen mogelijk maakt.\n\n"
                "Wat ik meeneem: het contract als anker, supervisie als plek om mijn eigen "
                "reacties te onderzoeken, en theorie als bril in plaats van recept.",
                "## Terugblik\n\n"
                "Ik begon de opleiding als ervaren individuele coach en dacht dat teamcoaching "
                f"'hetzelfde, maar dan met meer mensen' was. Het traject met {team} liet zien "
                "dat dat niet zo is: groepsdynamiek, de opdrachtgever en de organisatie eromheen "
                "doen allemaal mee.\n\n"
                "**Waar ik trots op ben:** dat ik meerzijdig partijdig bleef toen het team en de "
                "opdrachtgever lijnrecht tegenover elkaar stonden.",
                "## Wat dit jaar mij leerde\n\n"
                f"- In het traject met {individual} leerde ik de vraag terug te leggen.\n"
                f"- In het werk met {team} leerde ik het systeem te zien achter het probleem.\n"
                "- In de leergroep en de intervisie leerde ik feedback te vragen en te "
                "gebruiken.\n\n"
                "Ik ben voorzichtiger geworden met snelle conclusies, en nieuwsgieriger.",
            )
        )

    def _plan(self) -> str:
        return self.rng.choice(
            (
                "## Ontwikkelplan jaar 2\n\n"
                "1. **Organisatieniveau:** een opdracht waarin ik met meerdere teams en het "
                "management werk (OC1–OC3).\n"
                "2. **Adviesrol:** vaker en eerder adviseren over de leeromgeving, ook als dat "
                "schuurt (OC4, OC5).\n"
                "3. **Onderzoek:** voor de zomer een opdrachtgever en onderzoeksvraag voor de "
                "masterthesis (OC6).\n\n"
                "Ik bespreek de voortgang elk blok met mijn supervisor.",
                "## Ontwikkelplan\n\n"
                "- Meer ervaring opdoen met ketens en netwerken: de systeemkaart smaakt naar "
                "meer.\n"
                "- Sneller benoemen wat ik zie, ook als het ongemakkelijk is.\n"
                "- Thesis: in het eerste blok van jaar 2 een onderzoeksvoorstel met informed "
                "consent.\n\n"
                "**Steun die ik zoek:** feedback van de opdrachtgevers, en supervisie eens per "
                "zes weken.",
                "## Wat ik in jaar 2 wil leren\n\n"
                "Mijn doel is als organisatiecoach het collectieve leren te begeleiden, niet "
                "alleen het leren van teams. Concreet:\n\n"
                "1. een organisatie-interventie ontwerpen en evalueren samen met de "
                "opdrachtgever;\n"
                "2. mijn adviezen beter onderbouwen met bedrijfskundige en sociologische "
                "theorie;\n"
                "3. een praktijkonderzoek opzetten dat de organisatie zelf verder helpt.",
            )
        )


# --- tiny valid files -----------------------------------------------------------------------


def _pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with a title and a few lines of text (Helvetica, WinAnsi)."""

    def text(value: str) -> str:
        value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = ["BT", "/F1 16 Tf", "72 770 Td", f"({text(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        content += ["0 -22 Td", f"({text(line)}) Tj"]
    content.append("ET")
    stream = "\n".join(content).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _png(rng: random.Random, width: int = 48, height: int = 32) -> bytes:
    """A small RGB image: a few coloured blocks joined by lines, like a system map."""
    pixels = [[(250, 250, 247)] * width for _ in range(height)]
    colours = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189)]
    centres = []
    for colour in rng.sample(colours, 4):
        x, y = rng.randint(4, width - 9), rng.randint(4, height - 9)
        centres.append((x + 2, y + 2))
        for row in range(y, y + 5):
            for column in range(x, x + 5):
                pixels[row][column] = colour
    for (x1, y1), (x2, y2) in zip(centres, centres[1:], strict=False):
        for step in range(21):
            x = x1 + (x2 - x1) * step // 20
            y = y1 + (y2 - y1) * step // 20
            if pixels[y][x] == (250, 250, 247):
                pixels[y][x] = (90, 90, 90)
    raw = b"".join(b"\x00" + bytes(v for pixel in row for v in pixel) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )
