"""The administrator maintains the directory group mappings in the admin."""

import pytest

from plans.models import Department, DirectoryGroupMapping, Role

URL = "/admin/plans/directorygroupmapping/"


def _mappings(count):
    departments = list(Department.objects.filter(municipality__code="sasebo", parent__isnull=False)[:count])
    for number in range(count):
        DirectoryGroupMapping.objects.create(
            group=f"cn=group-{number},ou=groups,dc=city,dc=example",
            department=departments[number % len(departments)], role=Role.STAFF, priority=number,
        )


@pytest.mark.parametrize("count", [1, 10])
def test_the_changelist_costs_the_same_queries_at_two_sizes(client, dave, django_assert_num_queries, count):
    _mappings(count)
    client.force_login(dave)
    client.get(URL)  # warm the content-type cache
    # 1 session, 2 user, 3 count of the filtered rows, 4 count of all rows,
    # 5 the rows with their department and its bureau (select_related)
    with django_assert_num_queries(5):
        response = client.get(URL)
    assert response.status_code == 200
    assert f"group-{count - 1}" in response.content.decode()


def test_staff_and_managers_need_a_department(client, dave):
    client.force_login(dave)

    response = client.post(f"{URL}add/", {"group": "観光課", "role": Role.STAFF, "priority": "10"})

    assert response.status_code == 200
    assert "所管課職員と所属長には所属が必要です。" in response.content.decode()
    assert not DirectoryGroupMapping.objects.exists()


def test_an_administrator_adds_a_mapping(client, dave):
    client.force_login(dave)
    department = Department.objects.get(municipality__code="sasebo", name="DX推進課")

    response = client.post(
        f"{URL}add/", {"group": "cn=dx,ou=groups,dc=city,dc=example", "department": department.pk,
                       "role": Role.DX_OFFICE, "priority": "5"}
    )

    assert response.status_code == 302
    mapping = DirectoryGroupMapping.objects.get()
    assert (mapping.department, mapping.role, mapping.priority) == (department, Role.DX_OFFICE, 5)


def test_non_administrators_cannot_open_the_mappings(client, carol):
    client.force_login(carol)
    assert client.get(URL).status_code == 302  # to the admin login
