"""The municipality boundary: the first question of every access rule.

One dxplan serves several cities (a prefecture's or a shared-service centre's system). Every
rule in kpis.permissions, every list and every admin page asks this module first, so a
city's staff, DX office and administrators see and change nothing of another city:

- A city's account (staff, manager, DX office, administrator, viewer) works in its own
  municipality (`User.municipality`, taken from its department). An account without one sees
  nothing: the boundary fails closed.
- A wide-area viewer (prefecture, 広域連合) works in no city; it reads the approved figures
  of the cities granted to it (`User.granted_municipalities`), never drafts or the review trail.
- The system operator (the shared-service centre, the only Django superuser) manages
  municipalities, departments and accounts; it reads figures only of cities it is granted,
  approved ones only, like a wide-area viewer.

The rules take the user and a municipality id, or give a Q on a path to one, so a list can
ask them in SQL and a row per row; tests check the two forms agree.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from plans.models import CROSS_MUNICIPALITY_ROLES, Role

_GRANTED_CACHE = "_dxplan_granted_municipality_ids"


def home_municipality_id(user) -> int | None:
    """The city the user works in (enters, reviews, steers, builds reports, imports, publishes),
    or None for anonymous users, wide-area viewers and the system operator."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "role", None) in CROSS_MUNICIPALITY_ROLES:
        return None
    return user.municipality_id


def granted_municipality_ids(user) -> frozenset[int]:
    """The cities whose approved figures a wide-area viewer or the operator reads (one query,
    kept on the user object for the request)."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "role", None) not in CROSS_MUNICIPALITY_ROLES:
        return frozenset()
    cached = getattr(user, _GRANTED_CACHE, None)
    if cached is None:
        cached = frozenset(user.granted_municipalities.values_list("pk", flat=True))
        setattr(user, _GRANTED_CACHE, cached)
    return cached


def readable_municipality_ids(user) -> frozenset[int]:
    """Every city whose plans the user may open at all: its own, or the granted ones."""
    home = home_municipality_id(user)
    return frozenset({home}) if home is not None else granted_municipality_ids(user)


def works_in(user, municipality_id: int | None) -> bool:
    """Whether the user acts in `municipality_id` (its own city): the condition of every write,
    of seeing drafts and the review trail, and of reports, imports and publishing."""
    home = home_municipality_id(user)
    return home is not None and municipality_id == home


def may_read(user, municipality_id: int | None) -> bool:
    """Whether the user may open the plans of `municipality_id` (its own city, or a granted one)."""
    return municipality_id is not None and municipality_id in readable_municipality_ids(user)


def reads_approved_only(user) -> bool:
    """Wide-area viewers and the operator read approved figures only, in every granted city."""
    return getattr(user, "role", None) in CROSS_MUNICIPALITY_ROLES


def readable_q(user, path: str) -> Q:
    """`may_read` as a filter; `path` leads from the queried model to a municipality id,
    e.g. "indicator__strategy__municipality_id"."""
    return Q(**{f"{path}__in": sorted(readable_municipality_ids(user))})


def works_in_q(user, path: str) -> Q:
    """`works_in` as a filter on `path` (a municipality id)."""
    home = home_municipality_id(user)
    return Q(**{path: home}) if home is not None else Q(pk__in=[])


def manages_accounts(user) -> bool:
    """Create municipalities and their administrators: the system operator."""
    return getattr(user, "is_authenticated", False) and getattr(user, "role", None) == Role.OPERATOR


def refusal(user, municipality_id: int | None) -> str | None:
    """Why the user may not act on an object of `municipality_id` (another city), or None."""
    if works_in(user, municipality_id):
        return None
    if home_municipality_id(user) is None:
        return _("Your account works in no municipality, so it cannot change this.")
    return _("This belongs to another municipality.")
