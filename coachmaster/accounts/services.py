"""Writes that concern accounts: creating people, inviting them, disabling them."""

from __future__ import annotations

import logging
from importlib import import_module

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import ROLE_FIELDS, User

logger = logging.getLogger(__name__)


@transaction.atomic
def create_account(
    *,
    email: str,
    given_name: str,
    family_name: str,
    name_prefix: str = "",
    roles: list[str],
    preferred_language: str = settings.LANGUAGE_CODE,
    by: User | None,
    invite: bool = True,
) -> User:
    """Create a person with the given roles and, after commit, e-mail them an invitation.

    The address is recorded as verified: it comes from the programme's own records, and the
    invitation link only works for whoever reads that mailbox.
    """
    user = User.objects.create_user(
        email=email,
        given_name=given_name,
        name_prefix=name_prefix,
        family_name=family_name,
        preferred_language=preferred_language,
        **{ROLE_FIELDS[role]: True for role in roles},
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    logger.info(
        "account %s created with roles %s by %s",
        user.uuid,
        ",".join(roles),
        by.uuid if by else "-",
    )
    if invite:
        from .tasks import send_invitation_email

        transaction.on_commit(lambda: send_invitation_email.delay(user.pk))
    return user


def invitation_url(user: User) -> str:
    """A link to set a first password: allauth's password-reset-from-key page."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


def send_invitation(*, user: User) -> None:
    """Send the invitation e-mail, written in the recipient's own language."""
    with translation.override(user.preferred_language):
        context = {
            "user": user,
            "url": invitation_url(user),
            "site_url": settings.SITE_URL,
            "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_message.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )


# Session engines whose sessions live in django_session, where a person's sessions can be found
# even when allauth did not record them (sessions from before usersessions, test logins).
DATABASE_SESSION_ENGINES = frozenset(
    {"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"}
)


def _session_keys_of(user: User) -> set[str]:
    keys = set(UserSession.objects.filter(user_id=user.pk).values_list("session_key", flat=True))
    if settings.SESSION_ENGINE in DATABASE_SESSION_ENGINES:
        # Session data is encoded, so each live session is decoded to see whose it is; this runs
        # only when someone is disabled, never on a page view.
        user_id = str(user.pk)
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
            if session.get_decoded().get(SESSION_KEY) == user_id:
                keys.add(session.session_key)
    return keys


def end_all_sessions(*, user: User) -> int:
    """Sign the person out everywhere: every session of theirs is deleted. Returns how many."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    keys = _session_keys_of(user)
    for key in keys:
        store_class().delete(key)
    UserSession.objects.filter(user_id=user.pk).delete()
    return len(keys)


@transaction.atomic
def deactivate_account(*, user: User, by: User | None) -> int:
    """Disable the account and end all its sessions; returns the number of sessions ended.

    Disabling alone would already refuse the next request of an open session (Django's backend
    rejects inactive people), but ending the sessions makes it immediate and visible.
    """
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    ended = end_all_sessions(user=user)
    logger.info(
        "account %s deactivated by %s, %d sessions ended",
        user.uuid,
        by.uuid if by else "-",
        ended,
    )
    return ended
