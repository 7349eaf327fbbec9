"""The accessibility walk (test_accessibility.py) covers every page of the URL conf: each named
pattern of our apps is either walked or listed as not a page, with the reason."""

from tests.browser.pages import NOT_PAGES, page_paths, url_names


def test_every_named_url_is_walked_or_said_not_to_be_a_page(db, sasebo, carol):
    walked = set(page_paths(staff=carol))
    assert url_names() - walked - set(NOT_PAGES) == set()
    assert walked & set(NOT_PAGES) == set()
    assert walked | set(NOT_PAGES) <= url_names()  # nothing listed that no longer exists
