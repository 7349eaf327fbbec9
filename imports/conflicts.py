"""Rows changed in dxplan after the data export was made: the import skips them.

Each yearly value row of the data export carries the row's version counter when the file
was made (export_contract.VERSION; 0 when nothing was stored, or in exports made before the
column). A stored row with a higher version was saved since (an entry, a review, a target
revision, another import): if the file would change it, writing the file's older state
would undo that work, so the row is a conflict, left as it is and listed for the user.
Workbooks that are not a data export (plan documents) carry no version and are not checked.
"""

from __future__ import annotations

from django.utils import timezone

from kpis.models import stored_value
from plans.models import User

LISTED = 200  # conflicts listed in the preview; the count covers them all
FIELDS = ("planned", "actual", "comment", "note")


def changed_since(version: int | None, stored: dict) -> bool:
    """Whether the stored row was saved after the file was made (`version`: the file's)."""
    return version is not None and stored["version"] > version


def _field(column: str) -> str:
    """planned_state, planned_number … → planned; comment → comment."""
    return column.split("_", 1)[0] if column.startswith(("planned_", "actual_")) else column


def _shown(row: dict, field: str) -> str:
    if field in ("planned", "actual"):
        return stored_value(row[f"{field}_state"], row[f"{field}_number"], row[f"{field}_places"],
                            row[f"{field}_text"]).display()
    return row[field]


class Conflicts:
    def __init__(self):
        self.count = 0
        self.items: list[dict] = []

    def add(self, *, where, code: str, name: str, fiscal_year: int, version: int, columns: dict, stored: dict,
            changed: list[str]):
        """`columns`: what the file would write; `changed`: those of them that differ from `stored`."""
        self.count += 1
        if len(self.items) >= LISTED:
            return
        fields = [field for field in FIELDS if any(_field(column) == field for column in changed)]
        self.items.append({
            "sheet": where.sheet, "row": where.row, "indicator_code": code, "indicator_name": name,
            "fiscal_year": fiscal_year, "file_version": version, "stored_version": stored["version"],
            "status": stored["status"],
            "differences": [{"field": field, "file": _shown({**stored, **columns}, field), "stored": _shown(stored, field)}
                            for field in fields],
            "updated_by_id": stored["updated_by_id"],
            # As the export's updated_at column writes it (local time).
            "updated_at": timezone.localtime(stored["updated_at"]).isoformat(timespec="seconds") if stored["updated_at"] else "",
        })

    def listed(self) -> list[dict]:
        """The listed conflicts, with the name of who saved each row last (one query)."""
        ids = {item["updated_by_id"] for item in self.items} - {None}
        names = {user.pk: user.display_name for user in User.objects.filter(pk__in=ids)}
        return [{**{k: v for k, v in item.items() if k != "updated_by_id"},
                 "updated_by": names.get(item["updated_by_id"], "")} for item in self.items]
