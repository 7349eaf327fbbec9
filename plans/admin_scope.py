"""The Django admin within the municipality boundary (plans.boundary): who uses which admin page,
and the mixin every admin page of dxplan shares.

Permissions come from dxplan's roles, never from Django's model permissions:

- A city's administrator (role admin, with a municipality) manages its own city: its plans and
  their records, its departments, accounts and directory group mappings. It never sees another
  city's rows, never picks another city's row in a form, a list filter or an autocomplete, and
  cannot make an operator, a wide-area viewer or a superuser, nor grant cities.
- The system operator (role operator, the only superuser) manages municipalities, departments,
  accounts and directory mappings of every city; of the plans it reads only the cities granted
  to it, approved figures only, and changes nothing of them.

Every admin says which kind of rows it holds (`boundary_scope`) and the path from its model
to a municipality id (`municipality_path`), so the one mixin below filters its queryset, the
choices of its forms, its list filters and the autocomplete of the pages pointing at it.
A row of another city is then "not found", exactly like a missing one. The filter is one
condition in the page's own queries: it adds no query per row.
"""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from plans import boundary
from plans.models import CROSS_MUNICIPALITY_ROLES, Role

# What an admin page holds (`boundary_scope`):
PLAN = "plan"  # a city's plans and their records: the city's administrator; the operator reads granted cities
CITY_WORK = "work"  # a city's own work (report jobs, imports): its administrator only
ORGANISATION = "organisation"  # departments, accounts, directory mappings: the operator and each city's administrator
OPERATOR_ONLY = "operator"  # municipalities: the operator

NOTHING = Q(pk__in=[])


# --- the role part: who uses the admin for what -------------------------------------------------


def is_city_admin(user) -> bool:
    """A city's administrator: role admin and a municipality it works in (fails closed without)."""
    return getattr(user, "role", None) == Role.ADMIN and boundary.home_municipality_id(user) is not None


def is_operator(user) -> bool:
    """The system operator (shared-service centre)."""
    return boundary.manages_accounts(user)


def views(user, scope: str) -> bool:
    """Whether `user` may open the admin pages of `scope` at all (their rows are filtered below)."""
    if not getattr(user, "is_active", False):
        return False
    if scope == OPERATOR_ONLY:
        return is_operator(user)
    if scope == CITY_WORK:
        return is_city_admin(user)
    return is_city_admin(user) or is_operator(user)


def changes(user, scope: str) -> bool:
    """Whether `user` may add, change and delete rows of `scope` (within its rows)."""
    if not getattr(user, "is_active", False):
        return False
    if scope in (PLAN, CITY_WORK):
        return is_city_admin(user)  # the operator reads plans, it never writes them
    if scope == OPERATOR_ONLY:
        return is_operator(user)
    return is_city_admin(user) or is_operator(user)


def assignable_roles(user) -> list[tuple[str, str]]:
    """The roles `user` may give an account or a directory group: a city's administrator gives
    the roles of a city only (never operator or wide-area viewer)."""
    if is_operator(user):
        return list(Role.choices)
    return [(value, label) for value, label in Role.choices if value not in CROSS_MUNICIPALITY_ROLES]


def scope_q(user, scope: str, path) -> Q:
    """The rows of `scope` that `user` sees, `path` leading to a municipality id (or a tuple of
    paths, any of which may lead there, e.g. a narrative's owner)."""
    paths = (path,) if isinstance(path, str) else tuple(path)
    if scope in (ORGANISATION, OPERATOR_ONLY) and is_operator(user):
        return Q()
    rule = boundary.readable_q if scope == PLAN else boundary.works_in_q
    q = NOTHING
    for one in paths:
        q = rule(user, one) if q is NOTHING else q | rule(user, one)
    return q


# --- the admin --------------------------------------------------------------------------------


def related_boundary_q(admin_site, model, request) -> Q:
    """The rows of `model` the user may see or pick, as its own admin page filters them; nothing
    for a model whose admin does not say (fails closed)."""
    related_admin = admin_site._registry.get(model)
    if isinstance(related_admin, BoundaryMixin):
        return related_admin.boundary_q(request)
    return NOTHING


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A related-field list filter offering only the rows the user may see (no other city's
    strategies or departments)."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        limit = related_boundary_q(model_admin.admin_site, field.related_model, request)
        return field.get_choices(include_blank=False, ordering=ordering, limit_choices_to=limit)


class BoundaryMixin:
    """Shared by admin pages and inlines: permissions from the roles, rows and choices within the
    user's municipality. Set `boundary_scope`, `municipality_path` (None for an inline: its rows
    are its parent's) and, for figures, `approved_only` (a filter for readers of approved
    figures only: wide-area viewers and the operator)."""

    boundary_scope = PLAN
    municipality_path: str | tuple[str, ...] | None = None
    approved_only: dict | None = None

    def boundary_q(self, request) -> Q:
        user = request.user
        q = Q() if self.municipality_path is None else scope_q(user, self.boundary_scope, self.municipality_path)
        if self.approved_only and boundary.reads_approved_only(user):
            q &= Q(**self.approved_only)
        return q

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        q = self.boundary_q(request)
        return queryset.filter(q) if q else queryset

    # Permissions: the roles, not Django's model permissions. A class that is read only
    # (records made by services) overrides these before this mixin in its bases.
    def has_module_permission(self, request):
        return views(request.user, self.boundary_scope)

    def has_view_permission(self, request, obj=None):
        return views(request.user, self.boundary_scope)

    def has_add_permission(self, request, obj=None):
        return changes(request.user, self.boundary_scope)

    def has_change_permission(self, request, obj=None):
        return changes(request.user, self.boundary_scope)

    def has_delete_permission(self, request, obj=None):
        return changes(request.user, self.boundary_scope)

    def get_field_queryset(self, db, db_field, request):
        """Foreign-key and many-to-many choices (select boxes, and what an autocomplete field
        accepts): the rows of the target's admin within the boundary."""
        queryset = super().get_field_queryset(db, db_field, request)
        model = db_field.remote_field.model
        if queryset is None:
            queryset = model._default_manager.using(db).all()
        return queryset.filter(related_boundary_q(self.admin_site, model, request))


class MunicipalityScopedAdmin(BoundaryMixin):
    """The mixin of every dxplan ModelAdmin (see the module docstring). Also: related list
    filters offer the user's city's rows only, a history page of another city's row is not
    found, and a save that would leave the object outside the user's rows is refused."""

    def get_list_filter(self, request):
        return [self._scoped_filter(spec) for spec in super().get_list_filter(request)]

    def _scoped_filter(self, spec):
        if isinstance(spec, str):
            field = get_fields_from_path(self.model, spec)[-1]
            if field.is_relation and field.related_model is not None:
                return (spec, ScopedRelatedFieldListFilter)
        return spec

    def _in_boundary(self, request, object_id) -> bool:
        return self.get_queryset(request).filter(pk=unquote(str(object_id))).exists()

    def history_view(self, request, object_id, extra_context=None):
        # simple_history shows the last recorded state of a row it cannot find: ask first.
        if not self._in_boundary(request, object_id):
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self._in_boundary(request, object_id):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The choices already keep every relation inside the boundary; this is the last guard
        # (the admin's change view runs in a transaction, so the refusal undoes the save).
        if not self._in_boundary(request, obj.pk):
            raise PermissionDenied(_("This would place the object in another municipality."))


class ScopedInline(BoundaryMixin):
    """The mixin of every dxplan inline: its parent's permissions and boundary; its own choices
    within the boundary too."""
