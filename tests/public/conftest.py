import pytest

from public.services import publication_publish

PAGE = "/public/sasebo/sasebo-dx/2023/"


@pytest.fixture
def published(carol, sasebo):
    """令和5年度 of Sasebo's strategy, published by the DX office from the demo data."""
    return publication_publish(user=carol, strategy=sasebo, fiscal_year=2023)
