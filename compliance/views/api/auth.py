"""Personal API tokens: `Authorization: Bearer <token>`; a token reads as its user."""

import logging
import secrets

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions, throttling

from ... import audit
from ...models import ApiToken
from ...services.open_register import hash_token

log = logging.getLogger(__name__)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The API token is unknown or revoked."))
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The API token is unknown or revoked.")) from None
        digest = hash_token(secret)
        token = ApiToken.objects.active().select_related("user").filter(key_hash=digest).first()
        if token is None or not secrets.compare_digest(token.key_hash, digest):
            raise exceptions.AuthenticationFailed(_("The API token is unknown or revoked."))
        today = timezone.localdate()
        if token.last_used_on != today:
            # A queryset update: no audit entry for a read, and no write per request.
            ApiToken.objects.filter(pk=token.pk).update(last_used_on=today)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class _SettingsRateThrottle(throttling.SimpleRateThrottle):
    """Rates from `settings.WEGO_API_RATES`, read per request (tests may change them),
    counted in the "limits" cache that every process shares (Redis in production): with
    4 gunicorn workers, 60 a minute is 60, not 240. If that cache does not answer, the
    request is let through and the outage logged: the limits protect the register, they
    must not take it down."""

    def __init__(self):
        self.cache = caches["limits"]
        super().__init__()

    def get_rate(self):
        return settings.WEGO_API_RATES[self.scope]

    def get_ident(self, request):
        # Never DRF's default, which believes any X-Forwarded-For a caller sends.
        return audit.client_ip(request) or "unknown"

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # noqa: BLE001 - Redis errors: outside our control
            log.warning("API rate limit not checked (the limits cache did not answer): %s", exc)
            return True


class AnonThrottle(_SettingsRateThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserThrottle(_SettingsRateThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
