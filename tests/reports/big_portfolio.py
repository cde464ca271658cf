"""A submitted portfolio as long as you like: the kill test needs a render that takes a few
seconds, and ``bench/pdf_bench.py`` portfolios of about 10, 50 and 100 pages.

Each extra piece of evidence has a title ``Coachgesprek NNN``, a Markdown text of
``paragraphs`` paragraphs and a claim on one competency (round robin), and is selected in that
competency's entry.
"""

from __future__ import annotations

from competencies.models import PortfolioSnapshot
from competencies.services import portfolio as services
from tests.competencies.portfolio_helpers import complete, make_evidence, start

PARAGRAPH = (
    "In het gesprek met de cliënt verkenden we **de vraag achter de vraag**. Ik vatte samen, "
    "stelde open vragen en liet stiltes vallen; de cliënt benoemde daarna zelf wat haar "
    "tegenhield. In de nabespreking met mijn supervisor zagen we dat ik te snel naar "
    "oplossingen ging. Volgende keer blijf ik langer bij het verhaal en check ik vaker of mijn "
    "samenvatting klopt."
)


def evidence_title(number: int) -> str:
    return f"Coachgesprek {number:03d}"


def big_snapshot(
    enrolment, *, evidence: int, paragraphs: int = 4, moment_code: str = "final-portfolio"
) -> PortfolioSnapshot:
    """The enrolment's portfolio for ``moment_code`` with ``evidence`` extra pieces of
    evidence, submitted."""
    moment = enrolment.cohort.curriculum_version.review_moments.get(code=moment_code)
    portfolio = complete(start(enrolment, moment))
    entries = services.load_entries(portfolio)
    chosen = {entry.pk: list(entry.evidence.all()) for entry in entries}
    text = "\n\n".join([PARAGRAPH] * paragraphs)
    for number in range(1, evidence + 1):
        entry = entries[(number - 1) % len(entries)]
        chosen[entry.pk].append(
            make_evidence(
                enrolment,
                title=evidence_title(number),
                claims=[(entry.competency, entry.self_level, "Zie het verslag van het gesprek.")],
                text=text,
            )
        )
    for entry in entries:
        services.save_entry(
            entry=entry,
            self_level=entry.self_level,
            argument=entry.argument,
            evidence=chosen[entry.pk],
            by=enrolment.student,
        )
    return services.submit_portfolio(portfolio=portfolio, by=enrolment.student)
