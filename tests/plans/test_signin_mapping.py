"""Which mapping a directory user gets, and when a directory account counts as disabled (plain Python)."""

from plans.signin.mapping import MappingRow, account_disabled, choose_mapping

KANKO = "cn=観光課,ou=groups,dc=city,dc=example"
DX = "cn=dx-office,ou=groups,dc=city,dc=example"


def _row(id, group, role, priority, department_id=1):
    return MappingRow(id=id, group=group, department_id=department_id, role=role, priority=priority)


def test_a_group_matches_by_name_or_by_dn_without_regard_to_case_or_spaces():
    rows = [_row(1, "観光課", "staff", 100), _row(2, "CN=DX-Office, OU=Groups, DC=city, DC=example", "dx_office", 100)]

    assert choose_mapping(rows, [KANKO]).id == 1
    assert choose_mapping(rows, [DX]).id == 2


def test_in_several_mapped_groups_the_lowest_priority_number_wins_then_the_oldest_row():
    rows = [_row(1, "観光課", "staff", 100), _row(2, DX, "dx_office", 10), _row(3, "dx-office", "viewer", 10)]

    assert choose_mapping(rows, [KANKO, DX]).id == 2
    assert choose_mapping(rows[:1], [KANKO, DX]).id == 1


def test_no_mapped_group_gives_no_mapping():
    assert choose_mapping([_row(1, "観光課", "staff", 100)], [DX, "cn=観光課x,ou=groups,dc=city,dc=example"]) is None
    assert choose_mapping([], [KANKO]) is None


def test_a_name_does_not_match_a_group_further_up_the_dn():
    assert choose_mapping([_row(1, "groups", "viewer", 1)], [KANKO]) is None


def test_active_directory_account_disabled_bit():
    assert account_disabled({"userAccountControl": [514]}, [])  # 512 normal account + 2 disabled
    assert account_disabled({"userAccountControl": "66050"}, [])
    assert not account_disabled({"userAccountControl": [512]}, [])
    assert not account_disabled({}, [])


def test_openldap_password_policy_lock_and_the_disabled_group():
    assert account_disabled({"pwdAccountLockedTime": ["000001010000Z"]}, [])
    assert account_disabled({}, ["CN=Disabled,ou=groups,dc=city,dc=example"], "cn=disabled,ou=groups,dc=city,dc=example")
    assert not account_disabled({}, [KANKO], "cn=disabled,ou=groups,dc=city,dc=example")
