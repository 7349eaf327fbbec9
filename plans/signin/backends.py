"""Authentication backends: the city's directory, and the trusted header of the city's proxy.

AUTHENTICATION_BACKENDS (dxplan/settings.py): django-axes' lock-out check, then the
directory, then the trusted header, then Django's ModelBackend (local passwords), so local
administrators still sign in when the directory is down. A refusal with a reason (a disabled
directory account, no mapped group, a group mapped to no municipality, a deactivated account) stops the chain with
PermissionDenied and leaves the reason on the request for the login form (plans.signin.forms).
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend, RemoteUserBackend
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from plans.models import CROSS_MUNICIPALITY_ROLES, User
from plans.signin import directory
from plans.signin.mapping import account_disabled, choose_mapping
from plans.signin.services import LocalAccountExists, mapping_rows, user_sync_from_directory

UNREACHABLE = _("The city's directory cannot be reached just now, so directory accounts cannot sign in. "
                "Please try again later; local accounts still work.")
DISABLED = _("Your directory account is disabled. Ask your directory administrator.")
NOT_MAPPED = _("Your directory account is in no group that dxplan knows, so it cannot sign in. "
               "Ask the dxplan administrator to map your group to a department and role.")
NOT_PLACED = _("Your directory group is mapped to no municipality, so dxplan cannot tell which city's plans "
               "are yours. Ask the dxplan administrator to set the municipality of the group's mapping.")
DEACTIVATED = _("This account is deactivated in dxplan. Ask the dxplan administrator.")

REFUSAL_ATTRIBUTE = "dxplan_signin_refusal"
UNREACHABLE_ATTRIBUTE = "dxplan_directory_unreachable"


def directory_settings() -> directory.DirectorySettings | None:
    conf = getattr(settings, "DXPLAN_LDAP", None)
    return directory.DirectorySettings(**conf) if conf else None


def _refuse(request, message):
    if request is not None:
        setattr(request, REFUSAL_ATTRIBUTE, message)
    raise PermissionDenied(str(message))


class DirectoryBackend(ModelBackend):
    """Sign-in with the directory; off while settings.DXPLAN_LDAP is None (DXPLAN_LDAP_URL unset)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        conf = directory_settings()
        if conf is None or not username or not password:
            return None
        if User.objects.filter(username=username, directory_dn="").exists():
            return None  # a local account: its password is checked by ModelBackend and never sent to the directory
        try:
            account = directory.authenticate(conf, username, password)
        except directory.DirectoryUnreachable:
            if request is not None:
                setattr(request, UNREACHABLE_ATTRIBUTE, True)
            return None  # ModelBackend next: local accounts still sign in
        if account is None:
            return None
        if User.objects.filter(username=account.username, directory_dn="").exists():
            return None  # the same local account spelled in another case: ModelBackend decides
        if account_disabled(account.attributes, list(account.group_dns), conf.disabled_group):
            _refuse(request, DISABLED)
        mapping = choose_mapping(mapping_rows(), list(account.group_dns))
        if mapping is None:
            _refuse(request, NOT_MAPPED)
        if mapping.role not in CROSS_MUNICIPALITY_ROLES and mapping.municipality_id is None:
            _refuse(request, NOT_PLACED)  # it would see nothing (plans.boundary fails closed)
        try:
            user = user_sync_from_directory(account=account, mapping=mapping)
        except LocalAccountExists:
            return None
        if not self.user_can_authenticate(user):
            _refuse(request, DEACTIVATED)
        return user


class TrustedHeaderBackend(RemoteUserBackend):
    """The user named by the proxy's header; only existing, active dxplan accounts."""

    create_unknown_user = False
