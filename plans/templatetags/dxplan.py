from django import template
from django.utils.translation import get_language

from plans import fiscal_years

register = template.Library()


@register.filter
def person(user):
    """A person as every page shows them: family name first, else the user name; — when unknown."""
    return user.display_name if user else "—"


@register.filter
def fiscal_year(value):
    """令和7年度 (2025年度) in Japanese, FY2025 in English."""
    if value in (None, ""):
        return ""
    if (get_language() or "ja").startswith("ja"):
        return fiscal_years.display_label(int(value))
    return fiscal_years.english_label(int(value))
