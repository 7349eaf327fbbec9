"""One demo user per role (password DEMO_PASSWORD, documented in fixtures/README.md).

Existing users are never touched: a re-run must not reset a password someone changed.
"""

from django.contrib.auth.hashers import make_password

from imports.demo.common import Tally
from plans.models import Department, Municipality, Role, User

DEMO_PASSWORD = "dxplan-demo"

# username: (role, municipality code or None, department name or None, last name, first name)
DEMO_USERS = {
    "demo-staff": (Role.STAFF, "sasebo", "観光商工部", "佐世保", "花子"),
    "demo-manager": (Role.MANAGER, "sasebo", "観光商工部", "烏帽子", "太郎"),
    "demo-dx": (Role.DX_OFFICE, "sasebo", "DX推進課", "九十九", "島子"),
    "demo-admin": (Role.ADMIN, "sasebo", None, "弓張", "次郎"),
    "demo-viewer": (Role.VIEWER, "sasebo", None, "針尾", "友子"),
    # The other demo cities run their own rounds in the same dxplan (plans.boundary).
    "demo-nagasaki-dx": (Role.DX_OFFICE, "nagasaki", "情報政策推進室", "稲佐", "光"),
    "demo-nagasaki-admin": (Role.ADMIN, "nagasaki", None, "出島", "誠"),
    "demo-miyakonojo-dx": (Role.DX_OFFICE, "miyakonojo", None, "霧島", "葵"),
    # Across cities: the prefecture reads approved figures; the operator manages accounts.
    "demo-pref": (Role.WIDE_AREA, None, None, "長崎県", "広域"),
    "demo-operator": (Role.OPERATOR, None, None, "共同", "運用"),
}
# The cities the wide-area viewer is granted.
DEMO_GRANTS = {"demo-pref": ("sasebo", "nagasaki", "miyakonojo")}


def load(tally: Tally):
    hashed = None  # one hash for all: the password is shared and documented, and hashing is slow
    cities = {m.code: m for m in Municipality.objects.all()}
    for username, (role, city, department_name, last_name, first_name) in DEMO_USERS.items():
        department = (
            Department.objects.get(municipality__code=city, name=department_name) if department_name else None
        )
        user, created = User.objects.get_or_create(username=username, defaults={
            "role": role, "department": department, "municipality": cities.get(city),
            "last_name": last_name, "first_name": first_name,
        })
        if created:
            hashed = hashed or make_password(DEMO_PASSWORD)
            user.password = hashed
            user.save(update_fields=["password"])
            user.granted_municipalities.set([cities[code] for code in DEMO_GRANTS.get(username, ())])
        elif user.municipality_id is None and city:
            # A demo database from before the boundary: place the account, touch nothing else.
            user.municipality = cities[city]
            user.save(update_fields=["municipality"])
        tally.record(User, "created" if created else "unchanged")
    tally.say("デモユーザーを確認しました")
