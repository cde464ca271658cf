"""Two people saving the same record at the same moment, on real PostgreSQL: two threads open
the same form, wait for each other (a barrier) and post together. Exactly one save wins, the
other is told about the conflict, and the stored row is the winner's. (Two examiners
proposing at once: tests/competencies/test_reconciliation_services.py.)"""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.test import Client

from .locking_cases import CASES, opened

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("kind", list(CASES))
def test_two_simultaneous_saves_one_wins_the_other_is_told(world, version, kind):
    case = CASES[kind](world)
    people = {"first": case.first, "second": case.second}
    forms = {name: opened(Client(), case, user) for name, user in people.items()}
    barrier = threading.Barrier(2)
    outcomes: dict[str, int] = {}

    def save(name: str) -> None:
        try:
            client = Client()
            client.force_login(people[name])
            data = {**forms[name], case.field: f"Van {name}"}
            barrier.wait(timeout=10)
            outcomes[name] = client.post(case.url, data).status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(name,)) for name in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes.values()) == [302, 409]
    winner = next(name for name, status in outcomes.items() if status == 302)
    assert case.stored() == f"Van {winner}"
    assert type(case.obj).objects.get(pk=case.obj.pk).version == case.obj.version + 1
