"""Who must use two-factor authentication, and who has it.

Staff see other people's coaching stories, assessments and grades, so a stolen password alone
must not open their account. Recovery codes are a way back in, not a second factor of their
own: only an authenticator app (TOTP) or a security key (WebAuthn) counts.
"""

from __future__ import annotations

import base64
import hashlib

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db.models import Exists, OuterRef

STRONG_AUTHENTICATOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def is_staff_member(user) -> bool:
    """Lecturers, thesis supervisors, programme administrators and superusers."""
    return bool(
        user.is_lecturer or user.is_supervisor or user.is_programme_admin or user.is_superuser
    )


def has_strong_authenticator(user) -> bool:
    return Authenticator.objects.filter(
        user_id=user.pk, type__in=STRONG_AUTHENTICATOR_TYPES
    ).exists()


def strong_authenticator_exists() -> Exists:
    """For annotating a User queryset: does this person have an app or a security key?"""
    return Exists(
        Authenticator.objects.filter(user_id=OuterRef("pk"), type__in=STRONG_AUTHENTICATOR_TYPES)
    )


def must_set_up_mfa(user) -> bool:
    """True for a logged-in staff member who still has to set up a second factor."""
    return bool(
        settings.MFA_REQUIRED_FOR_STAFF
        and user.is_authenticated
        and is_staff_member(user)
        and not has_strong_authenticator(user)
    )


def _fernet_key(secret: str) -> bytes:
    digest = hashlib.sha256(b"coachmaster.mfa:" + secret.encode()).digest()
    return base64.urlsafe_b64encode(digest)


class MFAAdapter(DefaultMFAAdapter):
    """Authenticator secrets (the TOTP key, the recovery-code seed) are stored encrypted.

    The key is derived from SECRET_KEY; SECRET_KEY_FALLBACKS still decrypt, so the secret key
    can be rotated without locking staff out (they are re-encrypted on the next activation).
    """

    def _fernet(self) -> MultiFernet:
        secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
        return MultiFernet([Fernet(_fernet_key(secret)) for secret in secrets])

    def encrypt(self, text: str) -> str:
        return self._fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return self._fernet().decrypt(encrypted_text.encode()).decode()
