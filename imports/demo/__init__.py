"""The demo data: four real plans from fixtures/ and one demo user per role.

Idempotent: a second run creates, updates and records (history) nothing.
"""

from django.db import transaction

from imports.demo import entry_round, miyakonojo, nagasaki, sasebo, users
from imports.demo.common import Tally

__all__ = ["load_demo"]


def load_demo(*, stdout=None) -> dict:
    """Load everything in one transaction; returns {model label: {created, updated, unchanged}}."""
    tally = Tally(stdout)
    with transaction.atomic():
        sasebo.load(tally)  # first: the demo users belong to Sasebo's departments
        nagasaki.load(tally)
        miyakonojo.load(tally)
        users.load(tally)
        entry_round.load(tally)
    return tally.result()
