"""Writes that concern accounts: creating people and inviting them to set a password."""

from __future__ import annotations

import logging

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

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
