"""Each demo login, through the real login form, to its own dashboard in Dutch, and out again."""

import pytest
from playwright.sync_api import expect

from coachmaster.accounts.models import User
from tests.e2e.browsing import DASHBOARDS, arrive, dutch, expect_heading, log_in, log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_each_demo_login_lands_on_its_dutch_dashboard_and_logs_out(page, subtests):
    """The six logins of the README one after the other, as someone trying the demo would.

    One browser for all six keeps the suite fast; each login is its own subtest, starting
    without cookies, so one that fails does not hide the others.
    """
    for email, (path, heading) in DASHBOARDS.items():
        with subtests.test(email=email):
            page.context.clear_cookies()
            name = User.objects.get(email=email).given_name

            log_in(page, email)

            arrive(page, path)
            expect(page.locator("html")).to_have_attribute("lang", "nl")
            expect_heading(page, dutch(heading, name=name))
            log_out(page)
            expect(page.locator("html")).to_have_attribute("lang", "nl")
