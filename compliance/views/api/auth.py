"""Personal API tokens: `Authorization: Bearer <token>`; a token reads as its user."""

import secrets

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions, throttling

from ...models import ApiToken
from ...services.open_register import hash_token


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
    """Rates from `settings.WEGO_API_RATES`, read per request (tests may change them)."""

    def get_rate(self):
        from django.conf import settings

        return settings.WEGO_API_RATES[self.scope]


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
