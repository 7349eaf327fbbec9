from django import template

from plans.language import fiscal_year_label
from plans.language import said as said_in

register = template.Library()


@register.filter
def person(user):
    """A person as every page shows them: family name first, else the user name; — when unknown."""
    return user.display_name if user else "—"


@register.filter
def error_lines(form) -> list[str]:
    """A form's errors as lines naming each field by its label, never by its key ("status"):
    「状態: 正しく選択してください。…」; errors of the whole form without a prefix."""
    lines = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = (field.label if field is not None and field.label else "") if name != "__all__" else ""
        lines.extend(f"{label}: {error}" if label else str(error) for error in errors)
    return lines


@register.filter
def said(item):
    """A message kept in both languages (an import problem: .ja / .en, or a dict of them) in the
    active language only."""
    if isinstance(item, dict):
        return said_in(item.get("ja", ""), item.get("en", ""))
    return said_in(item.ja, item.en)


@register.filter
def fiscal_year(value):
    """令和7年度 (2025年度) in Japanese, FY2025 in English."""
    if value in (None, ""):
        return ""
    return fiscal_year_label(int(value))
