"""The one write of a directory sign-in: create or update the account from the directory."""

from django.db import transaction
from django.db.models.functions import Coalesce

from plans.models import CROSS_MUNICIPALITY_ROLES, DirectoryGroupMapping, Role, User
from plans.signin.directory import DirectoryAccount
from plans.signin.mapping import MappingRow


class LocalAccountExists(Exception):
    """A local account (no directory DN) already has this username; the directory never takes it over."""


def mapping_rows() -> list[MappingRow]:
    """Every mapping as plain rows (one query); a row's city is its department's, else its own."""
    rows = DirectoryGroupMapping.objects.annotate(
        city=Coalesce("department__municipality_id", "municipality_id")
    ).values("id", "group", "department_id", "role", "priority", "city")
    return [
        MappingRow(id=row["id"], group=row["group"], department_id=row["department_id"], role=row["role"],
                   priority=row["priority"], municipality_id=row["city"])
        for row in rows
    ]


@transaction.atomic
def user_sync_from_directory(*, account: DirectoryAccount, mapping: MappingRow) -> User:
    """Create the account at its first sign-in, else update name, e-mail, municipality, department
    and role.

    The mapped row's city becomes the account's municipality (plans.boundary): the department's,
    else the mapping's own. Administrators (role admin) and the operator get the Django admin
    (is_staff); a group change that takes the role away takes it away at the next sign-in.
    Whether the account is a superuser is the model's decision (User.save: the operator only).
    is_active stays the administrator's switch in dxplan: a deactivated account stays so.
    """
    user = User.objects.select_for_update().filter(username=account.username).first()
    if user is not None and not user.directory_dn:
        raise LocalAccountExists(account.username)
    if user is None:
        user = User(username=account.username)
        user.set_unusable_password()
    user.directory_dn = account.dn
    user.email = account.email
    user.first_name = account.first_name
    user.last_name = account.last_name
    user.department_id = mapping.department_id
    user.municipality_id = None if mapping.role in CROSS_MUNICIPALITY_ROLES else mapping.municipality_id
    user.role = mapping.role
    user.is_staff = mapping.role in (Role.ADMIN, Role.OPERATOR)
    user.save()
    return user
