"""Placing existing accounts in a municipality when the boundary arrives (migration
plans/0009 and `manage.py check_boundary` share it).

Works on the model classes it is given, so the migration passes its historical models.
An account is placed by its department; one without a department goes to the only
municipality when there is one. A Django superuser that is not a city's administrator
(`createsuperuser` made it) becomes the system operator; a city's administrator that cannot
be placed does too, so nobody loses the admin. The rest is reported, never guessed.
"""

ROLE_ADMIN = "admin"
ROLE_OPERATOR = "operator"
CROSS_MUNICIPALITY_ROLES = ("wide_area", ROLE_OPERATOR)


def place_accounts(User, Municipality, DirectoryGroupMapping) -> list[str]:
    """Fill `municipality` of users and directory mappings; return what could not be placed."""
    only = list(Municipality.objects.values_list("pk", flat=True)[:2])
    single = only[0] if len(only) == 1 else None
    for model in (User, DirectoryGroupMapping):
        for row in model.objects.filter(department__isnull=False).select_related("department"):
            if row.municipality_id != row.department.municipality_id:
                row.municipality_id = row.department.municipality_id
                row.save(update_fields=["municipality"])
    if single is not None:
        User.objects.filter(municipality__isnull=True).exclude(role__in=CROSS_MUNICIPALITY_ROLES).update(
            municipality_id=single)
        DirectoryGroupMapping.objects.filter(municipality__isnull=True).exclude(
            role__in=CROSS_MUNICIPALITY_ROLES).update(municipality_id=single)
    # Superusers: only the system operator stays one.
    User.objects.filter(is_superuser=True).exclude(role=ROLE_ADMIN).update(role=ROLE_OPERATOR, municipality=None,
                                                                          department=None, is_staff=True)
    User.objects.filter(is_superuser=True, role=ROLE_ADMIN, municipality__isnull=True).update(
        role=ROLE_OPERATOR, is_staff=True)
    User.objects.filter(is_superuser=True, role=ROLE_ADMIN).update(is_superuser=False, is_staff=True)
    return unplaced(User, DirectoryGroupMapping)


def unplaced(User, DirectoryGroupMapping) -> list[str]:
    """Accounts and directory mappings of a city role without a municipality."""
    users = User.objects.filter(municipality__isnull=True).exclude(role__in=CROSS_MUNICIPALITY_ROLES)
    mappings = DirectoryGroupMapping.objects.filter(municipality__isnull=True).exclude(
        role__in=CROSS_MUNICIPALITY_ROLES)
    return ([f"user {name}" for name in users.order_by("username").values_list("username", flat=True)]
            + [f"directory group {group}" for group in mappings.order_by("group").values_list("group", flat=True)])
