"""How a person's name is shown: family name first, as Japanese names are read (佐世保 花子).

Plain Python, no Django: `User.get_full_name`, `User.display_name` (and so `str(user)`), the
`person` template filter, the API and the import's conflict list all call `person_name`.
"""


def person_name(family_name: str | None, given_name: str | None, *, fallback: str = "") -> str:
    """「佐世保 花子」: family name, a space, given name; either may be blank. Blank both: `fallback`
    (the user name)."""
    name = " ".join(part.strip() for part in (family_name or "", given_name or "") if part and part.strip())
    return name or fallback
