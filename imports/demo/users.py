"""One demo user per role (password DEMO_PASSWORD, documented in fixtures/README.md).

Existing users are never touched: a re-run must not reset a password someone changed.
"""

from django.contrib.auth.hashers import make_password

from imports.demo.common import Tally
from plans.models import Department, Role, User

DEMO_PASSWORD = "dxplan-demo"

# username: (role, Sasebo department or None, last name, first name)
DEMO_USERS = {
    "demo-staff": (Role.STAFF, "観光商工部", "佐世保", "花子"),
    "demo-manager": (Role.MANAGER, "観光商工部", "烏帽子", "太郎"),
    "demo-dx": (Role.DX_OFFICE, "DX推進課", "九十九", "島子"),
    "demo-admin": (Role.ADMIN, None, "弓張", "次郎"),
    "demo-viewer": (Role.VIEWER, None, "針尾", "友子"),
}


def load(tally: Tally):
    hashed = None  # one hash for all: the password is shared and documented, and hashing is slow
    for username, (role, department_name, last_name, first_name) in DEMO_USERS.items():
        department = (
            Department.objects.get(municipality__code="sasebo", name=department_name) if department_name else None
        )
        user, created = User.objects.get_or_create(username=username, defaults={
            "role": role, "department": department, "last_name": last_name, "first_name": first_name,
            "is_staff": role == Role.ADMIN, "is_superuser": role == Role.ADMIN,
        })
        if created:
            hashed = hashed or make_password(DEMO_PASSWORD)
            user.password = hashed
            user.save(update_fields=["password"])
        tally.record(User, "created" if created else "unchanged")
    tally.say("デモユーザーを確認しました")
