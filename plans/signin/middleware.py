"""Sign-in by a header the city's reverse proxy or SAML gateway sets (off by default).

Only safe behind a proxy that removes the header from every client request: anyone who can
reach dxplan directly could otherwise send it and be anyone. DXPLAN_TRUSTED_HEADER_PROXIES
narrows it further to requests coming from the proxy's own addresses (REMOTE_ADDR).
"""

from django.conf import settings
from django.contrib.auth.middleware import PersistentRemoteUserMiddleware


def meta_key(header: str) -> str:
    """X-Remote-User → HTTP_X_REMOTE_USER (how WSGI hands request headers to Django)."""
    return "HTTP_" + header.upper().replace("-", "_")


class TrustedHeaderMiddleware(PersistentRemoteUserMiddleware):
    """Django's RemoteUserMiddleware pattern with the header named by DXPLAN_TRUSTED_HEADER.

    Persistent: a request without the header keeps its session, so local accounts can still
    sign in on the login page (e.g. administrators reaching dxplan around the gateway).
    """

    async_capable = False  # Django's async path reads the header under another key

    def __init__(self, get_response):
        super().__init__(get_response)
        self.header = meta_key(settings.DXPLAN_TRUSTED_HEADER)

    def process_request(self, request):
        proxies = settings.DXPLAN_TRUSTED_HEADER_PROXIES
        if proxies and request.META.get("REMOTE_ADDR") not in proxies:
            request.META.pop(self.header, None)  # not from the proxy: the header means nothing
        return super().process_request(request)
