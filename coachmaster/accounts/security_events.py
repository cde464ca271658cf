"""Authentication decisions in the log (OWASP ASVS 7.1.3, 7.2.1).

Successful logins, failed attempts and logouts are written to the ``coachmaster.security``
logger with the account's public id (never the password or the session key) and the client
address, so that operations can spot password guessing and reconstruct who was logged in when.
Failed attempts name the e-mail address tried only as a short hash: a typo'd password in the
e-mail field must not end up in the log.
"""

from __future__ import annotations

import hashlib
import logging

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied

logger = logging.getLogger("coachmaster.security")


def _client(request) -> str:
    if request is None:
        return "-"
    try:
        # allauth's reading honours the trusted proxy settings; it refuses when unsure.
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return request.META.get("REMOTE_ADDR") or "-"


def logged_in(sender, request, user, **kwargs) -> None:
    logger.info("login user=%s ip=%s", user.uuid, _client(request))


def logged_out(sender, request, user, **kwargs) -> None:
    logger.info("logout user=%s ip=%s", getattr(user, "uuid", "-"), _client(request))


def login_failed(sender, credentials, request=None, **kwargs) -> None:
    tried = str(credentials.get("email") or credentials.get("username") or "").lower()
    digest = hashlib.sha256(tried.encode()).hexdigest()[:12] if tried else "-"
    logger.warning("login failed account=%s ip=%s", digest, _client(request))
