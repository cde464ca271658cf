"""The demo's thesis projects, replayed through the services on the days they happened.

Hanneke van den Berg supervises four second-year students of 2025–2027, each at a different
stage: Lotte collects her data, Sanne waits for the programme ethics reviewer (higher risk:
she researches the teams she coaches at her own employer), Jeroen's proposal waits for
Hanneke, and Thijs's proposal is overdue. Rob Hoekstra is second reader of two theses;
Marc de Vries is the programme's ethics reviewer. Idempotent: a student with a project is
left alone.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from coachmaster.accounts.models import User
from cohorts.models import Enrolment
from competencies.uploads import check_upload
from thesis import ethics, services
from thesis.models import HostOrganisation, ResearchApproach, ThesisProject

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

HOSTS = (
    {
        "name": "Zorggroep De Linde",
        "sector": "Wijkverpleging en ouderenzorg",
        "contact_name": "Els Hoogendoorn",
        "contact_email": "e.hoogendoorn@delinde.example",
        "agreement": HostOrganisation.Agreement.SIGNED,
        "agreement_signed_on": datetime.date(2026, 10, 2),
        "sponsor_name": "Bert Kramer, bestuurder",
        "sponsor_signed_off_on": datetime.date(2026, 9, 24),
    },
    {
        "name": "Gemeente Westerveen",
        "sector": "Lokale overheid",
        "contact_name": "Karim Aziz",
        "contact_email": "k.aziz@westerveen.example",
        "agreement": HostOrganisation.Agreement.SENT,
        "sponsor_name": "Mirjam Smeets, directeur Sociaal Domein",
    },
    {
        "name": "Installatiebedrijf Bosman",
        "sector": "Techniek en installatie",
        "contact_name": "Henk Bosman",
        "agreement": HostOrganisation.Agreement.DRAFT,
        "confidential": True,
        "may_be_named": False,
    },
)

LOW_RISK = {
    "insider": ethics.NO,
    "power": ethics.NO,
    "voluntary": ethics.YES,
    "consent": ethics.YES,
    "anonymity": ethics.NO,
    "sensitive": ethics.NO,
    "storage": ethics.YES,
    "double_role": ethics.NO,
    "recording": ethics.YES,
}
INSIDER = {**LOW_RISK, "insider": ethics.YES, "power": ethics.YES, "double_role": ethics.YES}
CONSENT = (
    "Deelnemers krijgen vooraf een informatiebrief en tekenen een toestemmingsformulier. "
    "Terugtrekken kan altijd, zonder opgaaf van redenen en zonder gevolgen."
)
DATA = (
    "Opnames en transcripten staan gepseudonimiseerd op de onderzoeksschijf van de hogeschool; "
    "de sleutel apart. Na afronding worden ruwe data na de bewaartermijn verwijderd."
)


@contextmanager
def on(day: datetime.date, hour: int = 10):
    """Runs the services as if it were ``day``: the history shows when things happened."""
    moment = datetime.datetime.combine(day, datetime.time(hour), tzinfo=AMSTERDAM)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _pdf(title: str) -> bytes:
    """A one-page PDF with a title line: enough to download and open."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 16 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _upload(project, kind: str, day: datetime.date, name: str, title: str, comment: str = ""):
    upload = SimpleUploadedFile(name, _pdf(title), content_type="application/pdf")
    with on(day):
        return services.upload_version(
            milestone=project.milestones.get(kind=kind),
            checked_file=check_upload(upload),
            comment=comment,
            by=project.enrolment.student,
        )


def _review(version, day: datetime.date, decision: str, feedback: str, by):
    with on(day, 15):
        services.review_version(version=version, decision=decision, feedback=feedback, by=by)


def _ethics(project, day: datetime.date, answers: dict):
    review = project.ethics_reviews.current().get()
    student = project.enrolment.student
    with on(day):
        services.save_ethics_answers(
            review=review,
            answers=answers,
            consent_procedure=CONSENT,
            data_management=DATA,
            by=student,
        )
        return services.submit_ethics(review=review, by=student)


def _start(email: str, title: str, question: str, approach: str, host: str, relation: str):
    enrolment = Enrolment.objects.select_related("cohort", "student").get(student__email=email)
    if ThesisProject.objects.filter(enrolment=enrolment).exists():
        return None
    student = enrolment.student
    with on(datetime.date(2026, 9, 7)):
        project = services.start_project(
            enrolment=enrolment,
            working_title=title,
            research_question=question,
            approach=ResearchApproach.objects.get(code=approach),
            by=student,
        )
        services.update_project(
            project=project,
            host_organisation=HostOrganisation.objects.get(name=host),
            host_relation=relation,
            by=student,
        )
    return project


def ensure_theses() -> None:
    people = {user.email: user for user in User.objects.filter(email__endswith="@example.org")}
    admin, hanneke = people["admin@example.org"], people["begeleider@example.org"]
    services.ensure_approaches()
    for host in HOSTS:
        HostOrganisation.objects.get_or_create(
            name=host["name"], defaults={**host, "created_by": admin}
        )
    services.appoint_ethics_reviewer(user=people["docent@example.org"], by=admin)
    _lotte(hanneke, admin, people["r.hoekstra@example.org"])
    _sanne(hanneke, admin, people["r.hoekstra@example.org"])
    _jeroen(hanneke)
    _thijs(hanneke)


def _lotte(hanneke, admin, rob) -> None:
    """Furthest along: ethics approved (low risk), agreement signed, collecting data."""
    project = _start(
        "l.visser@example.org",
        "Leren over de grenzen van afdelingen",
        "Hoe kunnen teams van verschillende afdelingen binnen een zorgorganisatie van elkaars "
        "werkwijze leren, en welke rol speelt een organisatiecoach daarin?",
        "action-research",
        "Zorggroep De Linde",
        "employer",
    )
    if project is None:
        return
    services.assign_second_reader(project=project, reader=rob, by=admin)
    version = _upload(
        project,
        "proposal",
        datetime.date(2026, 9, 25),
        "onderzoeksvoorstel-visser.pdf",
        "Onderzoeksvoorstel - Lotte Visser",
    )
    _review(
        version,
        datetime.date(2026, 9, 30),
        "approved",
        "Heldere vraag en een haalbare aanpak in drie cycli. Akkoord.",
        hanneke,
    )
    review = _ethics(project, datetime.date(2026, 10, 12), LOW_RISK)
    with on(datetime.date(2026, 10, 14), 15):
        services.decide_ethics(
            review=review,
            approve=True,
            note="Laag risico: je onderzoekt niet je eigen team en de toestemming is goed "
            "geregeld.",
            by=hanneke,
        )
    version = _upload(
        project,
        "agreement",
        datetime.date(2026, 10, 20),
        "afspraken-de-linde.pdf",
        "Afspraken met Zorggroep De Linde (getekend)",
    )
    _review(version, datetime.date(2026, 10, 21), "approved", "Getekend en compleet.", hanneke)
    version = _upload(
        project,
        "literature",
        datetime.date(2026, 11, 9),
        "literatuurstudie-visser.pdf",
        "Literatuurstudie - grensoverschrijdend leren",
    )
    _review(
        version,
        datetime.date(2026, 11, 13),
        "approved",
        "Mooi overzicht van boundary crossing; de koppeling aan je vraag is sterk.",
        hanneke,
    )
    with on(datetime.date(2026, 11, 16)):
        services.start_milestone(
            milestone=project.milestones.get(kind="data_collection"), by=project.student
        )
    _meeting(
        project,
        hanneke,
        datetime.date(2026, 11, 16),
        "## Eerste cyclus\n\nLotte start met twee teams van de thuiszorg. We bespraken hoe ze "
        "haar rol als collega en als onderzoeker duidelijk maakt in de startbijeenkomst.",
        [
            ("Startbijeenkomst plannen met beide teamleiders", "student", 7, True),
            ("Observatieschema delen", "student", 14, False),
            ("Artikel over insider action research doorsturen", "supervisor", 3, True),
        ],
    )


def _sanne(hanneke, admin, rob) -> None:
    """Higher-risk ethics review waiting for the programme's ethics reviewer; the host
    agreement waits for Hanneke."""
    project = _start(
        "student@example.org",
        "Samen leren in de wijkverpleging",
        "Wat helpt wijkverpleegkundige teams om van lastige situaties met cliënten te leren, "
        "en hoe kan teamcoaching dat versterken?",
        "appreciative-inquiry",
        "Zorggroep De Linde",
        "employer",
    )
    if project is None:
        return
    services.assign_second_reader(project=project, reader=rob, by=admin)
    first = _upload(
        project,
        "proposal",
        datetime.date(2026, 9, 21),
        "voorstel-jansen-v1.pdf",
        "Onderzoeksvoorstel - Sanne Jansen (versie 1)",
    )
    _review(
        first,
        datetime.date(2026, 9, 24),
        "revise",
        "De vraag is nog breed. Maak duidelijk welke teams meedoen en wat je rol is: je "
        "coacht deze teams ook.",
        hanneke,
    )
    second = _upload(
        project,
        "proposal",
        datetime.date(2026, 10, 1),
        "voorstel-jansen-v2.pdf",
        "Onderzoeksvoorstel - Sanne Jansen (versie 2)",
        "Vraag afgebakend tot drie teams; mijn dubbele rol staat in paragraaf 3.",
    )
    _review(second, datetime.date(2026, 10, 5), "approved", "Goed afgebakend. Akkoord.", hanneke)
    _ethics(project, datetime.date(2026, 11, 18), INSIDER)
    _upload(
        project,
        "agreement",
        datetime.date(2026, 11, 20),
        "afspraken-jansen.pdf",
        "Afspraken met Zorggroep De Linde",
    )
    _meeting(
        project,
        hanneke,
        datetime.date(2026, 11, 11),
        "We bespraken de **dubbele rol**: Sanne coacht twee van de drie teams. Ze vraagt "
        "een collega de interviews in die teams af te nemen.\n\n- ethische toets invullen\n"
        "- afspraken met de opdrachtgever laten tekenen",
        [
            ("Ethische toets indienen", "student", 7, True),
            ("Collega-interviewer vragen en instrueren", "student", 21, False),
            ("Tweede lezer informeren over de vertrouwelijkheid", "supervisor", 14, False),
        ],
    )


def _jeroen(hanneke) -> None:
    """The proposal waits for Hanneke."""
    project = _start(
        "j.smit@example.org",
        "Veerkracht in het sociaal domein",
        "Hoe ervaren wijkteams in een gemeente de overgang naar zelforganisatie?",
        "case-study",
        "Gemeente Westerveen",
        "client",
    )
    if project is None:
        return
    # Jeroen was matched with Hanneke late: his first deadlines move, with the reason kept.
    for kind, due in (
        ("proposal", datetime.date(2026, 11, 23)),
        ("ethics", datetime.date(2026, 12, 14)),
        ("agreement", datetime.date(2026, 12, 21)),
    ):
        with on(datetime.date(2026, 10, 19)):
            services.change_due_date(
                milestone=project.milestones.get(kind=kind),
                due_on=due,
                reason="Later gestart: begeleider pas in oktober toegewezen.",
                by=hanneke,
            )
    _upload(
        project,
        "proposal",
        datetime.date(2026, 11, 23),
        "voorstel-smit.pdf",
        "Onderzoeksvoorstel - Jeroen Smit",
        "Eerste versie, besproken met de opdrachtgever.",
    )


def _thijs(hanneke) -> None:
    """The proposal is overdue: Thijs started but has handed in nothing yet."""
    project = _start(
        "student2@example.org",
        "Leiderschap en teamleren in de installatietechniek",
        "",
        "design-based",
        "Installatiebedrijf Bosman",
        "client",
    )
    if project is None:
        return
    with on(datetime.date(2026, 9, 14)):
        services.start_milestone(
            milestone=project.milestones.get(kind="proposal"), by=project.student
        )
    _meeting(
        project,
        hanneke,
        datetime.date(2026, 10, 8),
        "Thijs zoekt nog naar een scherpe vraag. De opdrachtgever wil anoniem blijven: "
        "dat heeft gevolgen voor hoe hij rapporteert.",
        [("Conceptvoorstel insturen", "student", 14, False)],
    )


def _meeting(project, supervisor, day: datetime.date, notes: str, actions) -> None:
    owners = {"student": project.enrolment.student, "supervisor": supervisor}
    with on(day, 11):
        meeting = services.log_meeting(
            project=project,
            date=day,
            notes=notes,
            actions=[
                services.ActionInput(text, owners[owner], day + datetime.timedelta(days=days))
                for text, owner, days, _done in actions
            ],
            by=supervisor,
        )
    for action, (_text, owner, days, done) in zip(
        meeting.actions.order_by("pk"), actions, strict=True
    ):
        if done:
            with on(day + datetime.timedelta(days=days - 1), 16):
                services.set_action_done(action=action, done=True, by=owners[owner])
