"""The retention rules CoachMaster starts with (loaded by migration 0002; administrators edit
them afterwards). Periods follow Dutch practice for higher education: what was assessed is
archived for seven years; working material goes one year after the enrolment ends, which
leaves time for appeals and questions about results; copies that can be remade go soon.
"""

from __future__ import annotations

DEFAULT_RULES: list[dict] = [
    {
        "category": "assessed_work",
        "years": 7,
        "months": 0,
        "clock": "assessment_released",
        "action": "delete",
        "kept_on_erasure": True,
        "explanation_nl": (
            "Wettelijke plicht (AVG art. 6 lid 1 sub c): de Wet op het hoger onderwijs (WHW) en "
            "de selectielijst voor universiteiten vragen dat examens, het beoordeelde werk en de "
            "beoordeling ten minste zeven jaar na de beoordeling bewaard blijven, zodat "
            "examencommissie, het College van Beroep voor de Examens en de accreditatie ze "
            "kunnen controleren. Na de termijn worden de opgeslagen bestanden verwijderd; het "
            "register van inleveringen en beoordelingen blijft in de database."
        ),
        "explanation_en": (
            "Legal obligation (GDPR art. 6(1)(c)): Dutch higher-education law (WHW) and the "
            "universities' retention schedule require exams, the assessed work and its "
            "assessment to be kept for at least seven years after the assessment, so that the "
            "exam board, the appeals board and accreditation can check them. After the period "
            "the stored files are deleted; the record of submissions and assessments stays in "
            "the database."
        ),
    },
    {
        "category": "thesis_records",
        "years": 7,
        "months": 0,
        "clock": "enrolment_ended",
        "action": "anonymise",
        "kept_on_erasure": True,
        "explanation_nl": (
            "Publieke taak onderwijs (AVG art. 6 lid 1 sub e, WHW): onderzoeksvraag, opzet en "
            "ethische toetsing laten zien hoe de bewaarde eindscriptie tot stand kwam en dat het "
            "onderzoek was goedgekeurd. Ze blijven zo lang als de scriptie; daarna worden de "
            "teksten en antwoorden verwijderd, titel en besluiten blijven."
        ),
        "explanation_en": (
            "Public task of education (GDPR art. 6(1)(e), WHW): the research question, design "
            "and ethics review show how the kept final thesis came about and that the research "
            "was approved. They are kept as long as the thesis; then the texts and answers are "
            "removed, the title and decisions stay."
        ),
    },
    {
        "category": "thesis_versions",
        "years": 1,
        "months": 0,
        "clock": "enrolment_ended",
        "action": "delete",
        "kept_on_erasure": False,
        "explanation_nl": (
            "Publieke taak onderwijs (WHW): conceptversies dienen alleen de begeleiding. Een "
            "jaar na het einde van de inschrijving (tijd voor bezwaar en vragen over de "
            "eindscriptie) worden de bestanden verwijderd."
        ),
        "explanation_en": (
            "Public task of education (WHW): drafts serve supervision only. One year after the "
            "enrolment ends (time for appeals and questions about the final thesis) the files "
            "are deleted."
        ),
    },
    {
        "category": "learning_log",
        "years": 1,
        "months": 0,
        "clock": "enrolment_ended",
        "action": "anonymise",
        "kept_on_erasure": False,
        "explanation_nl": (
            "Publieke taak onderwijs (WHW): het logboek dient het leren en het portfolio. Na een "
            "jaar worden beschrijvingen, reflecties en contractteksten verwijderd; datum, uren "
            "en soort blijven, zodat urentotalen en opleidingscijfers kloppen. Exporteer je "
            "logboek voordat je vertrekt als je het wilt houden."
        ),
        "explanation_en": (
            "Public task of education (WHW): the log serves learning and the portfolio. After "
            "one year, descriptions, reflections and contract texts are removed; dates, hours "
            "and kinds stay, so hour totals and programme statistics remain correct. Export "
            "your log before you leave if you want to keep it."
        ),
    },
    {
        "category": "evidence",
        "years": 1,
        "months": 0,
        "clock": "enrolment_ended",
        "action": "delete",
        "kept_on_erasure": False,
        "explanation_nl": (
            "Publieke taak onderwijs (WHW): bewijsstukken en de werkversie van portfolio's zijn "
            "werkmateriaal. Wat is ingeleverd, blijft als beoordeeld werk bewaard; de rest gaat "
            "een jaar na het einde van de inschrijving weg."
        ),
        "explanation_en": (
            "Public task of education (WHW): evidence and the working copy of portfolios are "
            "working material. What was submitted is kept as assessed work; the rest goes one "
            "year after the enrolment ends."
        ),
    },
    {
        "category": "feedback_threads",
        "years": 1,
        "months": 0,
        "clock": "enrolment_ended",
        "action": "delete",
        "kept_on_erasure": False,
        "explanation_nl": (
            "Publieke taak onderwijs (WHW): tussentijdse feedback helpt tijdens de opleiding en "
            "is geen examen; een jaar na het einde van de inschrijving wordt ze verwijderd."
        ),
        "explanation_en": (
            "Public task of education (WHW): formative feedback helps during the programme and "
            "is not an exam; it is deleted one year after the enrolment ends."
        ),
    },
    {
        "category": "supervision",
        "years": 1,
        "months": 0,
        "clock": "enrolment_ended",
        "action": "delete",
        "kept_on_erasure": False,
        "explanation_nl": (
            "Publieke taak onderwijs (WHW): verslagen van begeleidingsgesprekken zijn nodig "
            "zolang de scriptie loopt en voor vragen daarna; een jaar na het einde van de "
            "inschrijving worden ze verwijderd."
        ),
        "explanation_en": (
            "Public task of education (WHW): notes of supervision meetings are needed while the "
            "thesis runs and for questions afterwards; they are deleted one year after the "
            "enrolment ends."
        ),
    },
    {
        "category": "report_files",
        "years": 0,
        "months": 3,
        "clock": "created",
        "action": "delete",
        "kept_on_erasure": False,
        "explanation_nl": (
            "Dataminimalisatie (AVG art. 5): rapporten kunnen altijd opnieuw uit de gegevens "
            "worden gemaakt; kopieën blijven drie maanden."
        ),
        "explanation_en": (
            "Data minimisation (GDPR art. 5): reports can always be made again from the data; "
            "copies are kept for three months."
        ),
    },
    {
        "category": "data_exports",
        "years": 0,
        "months": 1,
        "clock": "created",
        "action": "delete",
        "kept_on_erasure": False,
        "explanation_nl": (
            "Een export is er om te downloaden; het bestand wordt na een maand verwijderd. Dat "
            "er een export is gemaakt (wie, wanneer) blijft vastgelegd als verantwoording (AVG "
            "art. 5 lid 2)."
        ),
        "explanation_en": (
            "An export is there to be downloaded; the file is deleted after one month. The "
            "record that an export was made (who, when) is kept for accountability (GDPR art. "
            "5(2))."
        ),
    },
    {
        "category": "student_imports",
        "years": 0,
        "months": 3,
        "clock": "created",
        "action": "delete",
        "kept_on_erasure": False,
        "explanation_nl": (
            "Publieke taak onderwijs (WHW): geüploade studentbestanden zijn alleen nodig om de "
            "import te controleren en toe te passen; ze gaan na drie maanden weg."
        ),
        "explanation_en": (
            "Public task of education (WHW): uploaded student files are needed only to check "
            "and apply the import; they are deleted after three months."
        ),
    },
    {
        "category": "accounts",
        "years": 2,
        "months": 0,
        "clock": "last_login",
        "action": "anonymise",
        "kept_on_erasure": False,
        "explanation_nl": (
            "Publieke taak onderwijs (WHW): oud-studenten hebben hun account nog nodig om hun "
            "gegevens te downloaden of vragen over resultaten te stellen. Twee jaar na de "
            "laatste aanmelding (en na het einde van alle inschrijvingen) wordt het account "
            "geanonimiseerd. Zolang beoordeeld werk bewaard moet blijven, blijven naam en "
            "studentnummer daarbij."
        ),
        "explanation_en": (
            "Public task of education (WHW): former students still need their account to "
            "download their data or ask about results. Two years after the last login (and "
            "after every enrolment ended) the account is anonymised. While assessed work must "
            "be kept, the name and student number stay with it."
        ),
    },
]


def load_default_rules(model) -> None:
    """Creates the rules that do not exist yet (``model``: the historical or real model);
    existing rules, perhaps edited by administrators, are left as they are."""
    for rule in DEFAULT_RULES:
        model.objects.get_or_create(category=rule["category"], defaults=rule)
