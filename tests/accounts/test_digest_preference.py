"""Everyone chooses on their account page whether they get the weekly digest."""

from django.urls import reverse


def test_weekly_digest_is_on_for_new_accounts(student):
    assert student.weekly_digest is True


def test_preferences_page_shows_the_digest_choice_checked(client, student):
    client.force_login(student)
    response = client.get(reverse("preferences"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="weekly_digest"' in html
    assert "checked" in html.split('name="weekly_digest"')[1].split(">")[0]


def test_preferences_page_saves_the_opt_out_and_back_in(client, student):
    client.force_login(student)
    response = client.post(reverse("preferences"), {"preferred_language": "nl"})
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.weekly_digest is False

    client.post(reverse("preferences"), {"preferred_language": "nl", "weekly_digest": "on"})
    student.refresh_from_db()
    assert student.weekly_digest is True


def test_preferences_page_does_not_save_the_digest_choice_with_an_invalid_form(client, student):
    client.force_login(student)
    response = client.post(reverse("preferences"), {"preferred_language": "xx"})
    assert response.status_code == 200
    student.refresh_from_db()
    assert student.weekly_digest is True
