"""The one write of a directory sign-in: create or update the account from the directory."""

from django.db import transaction

from plans.models import DirectoryGroupMapping, Role, User
from plans.signin.directory import DirectoryAccount
from plans.signin.mapping import MappingRow


class LocalAccountExists(Exception):
    """A local account (no directory DN) already has this username; the directory never takes it over."""


def mapping_rows() -> list[MappingRow]:
    """Every mapping as plain rows (one query)."""
    return [
        MappingRow(id=row["id"], group=row["group"], department_id=row["department_id"], role=row["role"],
                   priority=row["priority"])
        for row in DirectoryGroupMapping.objects.values("id", "group", "department_id", "role", "priority")
    ]


@transaction.atomic
def user_sync_from_directory(*, account: DirectoryAccount, mapping: MappingRow) -> User:
    """Create the account at its first sign-in, else update name, e-mail, department and role.

    Administrators (role admin) get the Django admin (is_staff, is_superuser), like the demo's
    administrator; a group change that takes the role away takes them away at the next sign-in.
    is_active stays the administrator's switch in dxplan: a deactivated account stays so.
    """
    user = User.objects.select_for_update().filter(username=account.username).first()
    if user is not None and not user.directory_dn:
        raise LocalAccountExists(account.username)
    if user is None:
        user = User(username=account.username)
        user.set_unusable_password()
    is_admin = mapping.role == Role.ADMIN
    user.directory_dn = account.dn
    user.email = account.email
    user.first_name = account.first_name
    user.last_name = account.last_name
    user.department_id = mapping.department_id
    user.role = mapping.role
    user.is_staff = is_admin
    user.is_superuser = is_admin
    user.save()
    return user
