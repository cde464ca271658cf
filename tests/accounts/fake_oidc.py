"""A fake OpenID Connect provider for the test suite: a real HTTP server on 127.0.0.1.

It speaks just enough OpenID Connect for allauth's code flow with PKCE: discovery, JWKS (an RSA
key made at start), authorize (consents at once, or answers with an error), token (an RS256 ID
token with the nonce echoed when one was sent) and userinfo. Each test sets the claims it needs.

    provider = FakeOpenIDProvider().start()
    provider.claims = {"sub": "abc", "email": "anna@example.nl"}
    response = log_in_through(client, provider)      # the whole flow, ends at the callback
    provider.stop()
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

CLIENT_ID = "coachmaster-test"
CLIENT_SECRET = "fake-client-secret"


def _b64(number: int) -> str:
    data = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class FakeOpenIDProvider:
    def __init__(self, *, client_id: str = CLIENT_ID, client_secret: str = CLIENT_SECRET):
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = uuid.uuid4().hex[:12]
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()
        self.reset()

    # --- what a test controls ---------------------------------------------------------

    def reset(self) -> None:
        """Forget codes, tokens and requests; back to a plain student's claims."""
        with self._lock:
            self.claims: dict = {"sub": "sub-default"}
            # Claims only userinfo answers with, overriding ``claims`` (None: the same).
            self.userinfo_claims: dict | None = None
            # Authorize answers with this OAuth error instead of a code (e.g. access_denied).
            self.authorize_error: str | None = None
            # Endpoints that answer 500: "discovery", "token", "userinfo", "jwks".
            self.failing: set[str] = set()
            self.codes: dict[str, dict] = {}
            self.tokens: dict[str, dict] = {}
            self.authorize_requests: list[dict[str, str]] = []
            self.token_requests: list[dict[str, str]] = []

    @property
    def issuer(self) -> str:
        assert self._server is not None, "start() the provider first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeOpenIDProvider:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                provider._handle(self, "GET")

            def do_POST(self):
                provider._handle(self, "POST")

            def log_message(self, format, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # --- documents --------------------------------------------------------------------

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public", "pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile", "email"],
        }

    def jwks(self) -> dict:
        numbers = self.key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "use": "sig",
                    "alg": "RS256",
                    "kid": self.kid,
                    "n": _b64(numbers.n),
                    "e": _b64(numbers.e),
                }
            ]
        }

    def id_token(self, claims: dict, nonce: str | None) -> str:
        now = int(time.time())
        payload = {
            **claims,
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
        }
        if nonce:
            payload["nonce"] = nonce
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": self.kid})

    # --- HTTP -------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(handler.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        form: dict[str, str] = {}
        if method == "POST":
            length = int(handler.headers.get("Content-Length") or 0)
            body = handler.rfile.read(length).decode()
            form = {k: v[-1] for k, v in parse_qs(body).items()}
        routes = {
            ("GET", "/.well-known/openid-configuration"): ("discovery", self._discovery),
            ("GET", "/jwks"): ("jwks", lambda *a: (200, self.jwks())),
            ("GET", "/authorize"): ("authorize", self._authorize),
            ("POST", "/token"): ("token", self._token),
            ("GET", "/userinfo"): ("userinfo", self._userinfo),
        }
        name, view = routes.get((method, url.path), (None, None))
        if view is None:
            return self._send(handler, 404, {"error": "not_found"})
        if name in self.failing:
            return self._send(handler, 500, {"error": "server_error"})
        status, answer = view(handler, query, form)
        if status == 302:
            handler.send_response(302)
            handler.send_header("Location", answer)
            handler.end_headers()
        else:
            self._send(handler, status, answer)

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, data: dict) -> None:
        body = json.dumps(data).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _discovery(self, handler, query, form):
        return 200, self.discovery()

    def _authorize(self, handler, query, form):
        with self._lock:
            self.authorize_requests.append(query)
        redirect_uri = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id or not redirect_uri:
            return 400, {"error": "invalid_request"}
        answer = {"state": query.get("state", "")}
        if self.authorize_error:
            answer["error"] = self.authorize_error
        elif query.get("response_type") != "code":
            answer["error"] = "unsupported_response_type"
        else:
            code = secrets.token_urlsafe(16)
            with self._lock:
                self.codes[code] = {
                    "redirect_uri": redirect_uri,
                    "nonce": query.get("nonce"),
                    "challenge": query.get("code_challenge"),
                    "challenge_method": query.get("code_challenge_method"),
                    "claims": dict(self.claims),
                }
            answer["code"] = code
        return 302, f"{redirect_uri}?{urlencode(answer)}"

    def _client_authenticated(self, handler, form) -> bool:
        header = handler.headers.get("Authorization", "")
        if header.startswith("Basic "):
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        else:
            client_id, secret = form.get("client_id"), form.get("client_secret")
        return client_id == self.client_id and secret == self.client_secret

    def _token(self, handler, query, form):
        with self._lock:
            self.token_requests.append(form)
            grant = self.codes.pop(form.get("code", ""), None)
        if not self._client_authenticated(handler, form):
            return 401, {"error": "invalid_client"}
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or grant["redirect_uri"] != form.get("redirect_uri")
        ):
            return 400, {"error": "invalid_grant"}
        if grant["challenge"]:
            verifier = form.get("code_verifier", "").encode()
            digest = hashlib.sha256(verifier).digest()
            expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if grant["challenge_method"] != "S256" or expected != grant["challenge"]:
                return 400, {"error": "invalid_grant", "error_description": "PKCE failed"}
        access_token = secrets.token_urlsafe(24)
        with self._lock:
            self.tokens[access_token] = grant["claims"]
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self.id_token(grant["claims"], grant["nonce"]),
        }

    def _userinfo(self, handler, query, form):
        header = handler.headers.get("Authorization", "")
        claims = self.tokens.get(header.removeprefix("Bearer "))
        if claims is None:
            return 401, {"error": "invalid_token"}
        if self.userinfo_claims is not None:
            return 200, dict(self.userinfo_claims)
        return 200, dict(claims)


def providers_setting(provider: FakeOpenIDProvider, app_settings: dict) -> dict:
    """``SOCIALACCOUNT_PROVIDERS`` pointing the "surfconext" app at the fake provider."""
    return {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "surfconext",
                    "name": "SURFconext",
                    "client_id": provider.client_id,
                    "secret": provider.client_secret,
                    "settings": {**app_settings, "server_url": provider.issuer},
                }
            ]
        }
    }


def start_login(client, provider: FakeOpenIDProvider, **params) -> requests.Response:
    """Press the SURFconext button and follow CoachMaster's redirect to the fake authorize page.

    Returns the authorize page's answer: a redirect back to CoachMaster's callback.
    """
    url = reverse("openid_connect_login", kwargs={"provider_id": "surfconext"})
    if params:
        url = f"{url}?{urlencode(params)}"
    response = client.post(url)
    assert response.status_code == 302, response
    assert response.url.startswith(f"{provider.issuer}/authorize?"), response.url
    return requests.get(response.url, allow_redirects=False, timeout=5)


def log_in_through(client, provider: FakeOpenIDProvider, **params):
    """The whole flow: start, authorize at the fake provider, come back to the callback."""
    authorized = start_login(client, provider, **params)
    assert authorized.status_code == 302, authorized.text
    return client.get(authorized.headers["Location"])
