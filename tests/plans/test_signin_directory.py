"""Sign-in with the city's directory against a real OpenLDAP (tests/ldap_server.py starts it).

Mapped groups: 観光課 (by name) → the 観光課 division of 観光商工部, staff; the DX group (by its
DN, a lower priority number) → DX推進課, DX office. Disabled accounts are the members of
cn=disabled (DXPLAN_LDAP_DISABLED_GROUP, the OpenLDAP choice documented in the README).
"""

import ldap3
import pytest

from plans.models import Department, DirectoryGroupMapping, Role, User
from tests import ldap_server
from tests.conftest import PASSWORD
from tests.ldap_server import ROOT_DN, ROOT_PASSWORD, SUFFIX, ldif_entry

PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"
KANKO_GROUP = f"cn=観光課,{GROUPS}"
DX_GROUP = f"cn=dx-office,{GROUPS}"
DIRECTORY_PASSWORD = "directory-pass-2025"


def _person(uid, family, given):
    return ldif_entry(f"uid={uid},{PEOPLE}", objectClass=["inetOrgPerson"], uid=uid, cn=f"{family} {given}",
                      sn=family, givenName=given, mail=f"{uid}@city.example", userPassword=DIRECTORY_PASSWORD)


def _group(dn, name, *uids):
    return ldif_entry(dn, objectClass=["groupOfNames"], cn=name, member=[f"uid={uid},{PEOPLE}" for uid in uids])


LDIF = "\n".join([
    ldif_entry(SUFFIX, objectClass=["dcObject", "organization"], dc="city", o="City"),
    ldif_entry(PEOPLE, objectClass=["organizationalUnit"], ou="people"),
    ldif_entry(GROUPS, objectClass=["organizationalUnit"], ou="groups"),
    _person("kanko-taro", "観光", "太郎"),
    _person("teishi-jiro", "停止", "次郎"),
    _person("ido-hanako", "異動", "花子"),
    _person("nomap-saburo", "未設定", "三郎"),
    _person("alice", "なりすまし", "アリス"),  # the same name as a local account
    _person("kanri-ichiro", "管理", "一郎"),
    _person("mishozoku-shiro", "未所属", "四郎"),
    _group(KANKO_GROUP, "観光課", "kanko-taro", "teishi-jiro", "ido-hanako", "alice"),
    _group(DX_GROUP, "dx-office", "nomap-saburo-placeholder"),
    _group(f"cn=other,{GROUPS}", "other", "nomap-saburo"),
    _group(f"cn=disabled,{GROUPS}", "disabled", "teishi-jiro"),
    _group(f"cn=dxplan-admins,{GROUPS}", "dxplan-admins", "kanri-ichiro"),
    _group(f"cn=viewers,{GROUPS}", "viewers", "mishozoku-shiro"),
])


@pytest.fixture(scope="module")
def slapd():
    server = ldap_server.start(LDIF)
    yield server
    ldap_server.stop(server)


def _directory_settings(url):
    return {
        "urls": (url,), "user_search_base": PEOPLE, "bind_dn": ROOT_DN, "bind_password": ROOT_PASSWORD,
        "group_search_base": GROUPS, "disabled_group": f"cn=disabled,{GROUPS}", "timeout": 2,
    }


@pytest.fixture
def kanko_division(db):
    bureau = Department.objects.get(municipality__code="sasebo", name="観光商工部")
    return Department.objects.create(municipality=bureau.municipality, parent=bureau, name="観光課")


@pytest.fixture
def directory(settings, slapd, kanko_division):
    settings.DXPLAN_LDAP = _directory_settings(slapd.url)
    DirectoryGroupMapping.objects.create(group="観光課", department=kanko_division, role=Role.STAFF, priority=100)
    DirectoryGroupMapping.objects.create(
        group=DX_GROUP.upper(),  # a DN matches without regard to case
        department=Department.objects.get(municipality__code="sasebo", name="DX推進課"),
        role=Role.DX_OFFICE, priority=50,
    )
    # No department: the mapping names the city (plans.boundary) ...
    DirectoryGroupMapping.objects.create(group="dxplan-admins", department=None, role=Role.ADMIN, priority=1,
                                         municipality=kanko_division.municipality)
    # ... and one that does not cannot place its members (an upgraded mapping: check_boundary lists it).
    DirectoryGroupMapping.objects.create(group="viewers", department=None, role=Role.VIEWER, priority=1)
    return slapd


def _log_in(client, username, password=DIRECTORY_PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_a_member_of_the_kanko_group_signs_in_as_staff_of_that_department(client, directory, kanko_division):
    response = _log_in(client, "kanko-taro")

    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(username="kanko-taro")
    assert (user.department, user.role, user.municipality) == (kanko_division, Role.STAFF, kanko_division.municipality)
    assert user.directory_dn == f"uid=kanko-taro,{PEOPLE}"
    assert (user.last_name, user.first_name, user.email) == ("観光", "太郎", "kanko-taro@city.example")
    assert not user.has_usable_password()  # the directory checks the password, never dxplan
    assert not (user.is_staff or user.is_superuser)
    assert client.get("/").wsgi_request.user == user


def test_a_member_of_the_mapped_administrators_group_gets_the_admin_of_the_mappings_city(client, directory):
    assert _log_in(client, "kanri-ichiro").status_code == 302

    user = User.objects.get(username="kanri-ichiro")
    # A city's administrator, in the mapping's municipality; never a superuser (the operator only).
    assert (user.role, user.department, user.municipality.code, user.is_staff, user.is_superuser) == (
        Role.ADMIN, None, "sasebo", True, False)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/plans/user/").status_code == 200  # its city's accounts
    assert client.get("/admin/plans/municipality/").status_code == 403  # the operator's


def test_a_group_mapped_to_no_municipality_is_refused_with_the_reason(client, directory):
    response = _log_in(client, "mishozoku-shiro")

    assert response.status_code == 200
    assert "どの自治体にも割り当てられていない" in response.content.decode()
    assert not User.objects.filter(username="mishozoku-shiro").exists()


def test_a_wrong_directory_password_is_refused_like_any_wrong_password(client, directory):
    response = _log_in(client, "kanko-taro", "not-the-password")

    assert response.status_code == 200
    assert "ユーザー名またはパスワードが正しくありません" in response.content.decode()
    assert not User.objects.filter(username="kanko-taro").exists()


def test_a_disabled_directory_account_cannot_sign_in(client, directory):
    response = _log_in(client, "teishi-jiro")

    assert response.status_code == 200
    assert "ディレクトリのアカウントが無効になっています" in response.content.decode()
    assert not User.objects.filter(username="teishi-jiro").exists()
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_an_account_in_no_mapped_group_is_refused_with_the_reason(client, directory):
    response = _log_in(client, "nomap-saburo")

    assert response.status_code == 200
    assert "どのグループにも属していない" in response.content.decode()
    assert not User.objects.filter(username="nomap-saburo").exists()


def test_a_group_change_in_the_directory_takes_effect_at_the_next_sign_in(client, directory, kanko_division):
    assert _log_in(client, "ido-hanako").status_code == 302
    assert User.objects.get(username="ido-hanako").role == Role.STAFF
    client.post("/accounts/logout/")
    member = f"uid=ido-hanako,{PEOPLE}"
    with ldap3.Connection(directory.url, ROOT_DN, ROOT_PASSWORD, auto_bind=True) as admin:
        admin.modify(KANKO_GROUP, {"member": [(ldap3.MODIFY_DELETE, [member])]})
        admin.modify(DX_GROUP, {"member": [(ldap3.MODIFY_ADD, [member])]})

    assert _log_in(client, "ido-hanako").status_code == 302

    user = User.objects.get(username="ido-hanako")
    assert (user.department.name, user.role) == ("DX推進課", Role.DX_OFFICE)
    assert User.objects.filter(username="ido-hanako").count() == 1


def test_the_directory_never_takes_over_a_local_account_of_the_same_name(client, directory, alice):
    assert _log_in(client, "alice", DIRECTORY_PASSWORD).status_code == 200  # the directory's password: no

    assert _log_in(client, "alice", PASSWORD).status_code == 302  # the local password: yes
    alice.refresh_from_db()
    assert alice.directory_dn == "" and alice.last_name == ""


def test_a_deactivated_dxplan_account_stays_refused(client, directory):
    assert _log_in(client, "kanko-taro").status_code == 302
    client.post("/accounts/logout/")
    User.objects.filter(username="kanko-taro").update(is_active=False)

    response = _log_in(client, "kanko-taro")

    assert "dxplan で無効にされています" in response.content.decode()
    assert not User.objects.get(username="kanko-taro").is_active


def test_with_the_directory_down_the_page_says_so_and_local_administrators_sign_in(client, settings, dave, db):
    settings.DXPLAN_LDAP = _directory_settings(f"ldap://127.0.0.1:{ldap_server.free_port()}")  # nothing listens

    response = _log_in(client, "kanko-taro")

    page = response.content.decode()
    assert response.status_code == 200
    assert "市の認証ディレクトリに接続できない" in page
    assert "ユーザー名またはパスワードが正しくありません" not in page
    assert _log_in(client, "dave", PASSWORD).status_code == 302
    assert client.get("/").wsgi_request.user == dave


@pytest.mark.parametrize(("required", "outcome"), [(False, pytest.skip.Exception), (True, pytest.fail.Exception)])
def test_without_slapd_the_tests_skip_with_the_reason_or_fail_when_real_parts_are_required(
    monkeypatch, required, outcome
):
    monkeypatch.setattr(ldap_server, "_slapd_binaries", lambda: None)
    monkeypatch.setattr(ldap_server, "REQUIRED", required)

    with pytest.raises(outcome, match="slapd and slapadd are not installed"):
        ldap_server.start(LDIF)


def test_a_local_accounts_password_is_never_sent_to_the_directory(client, settings, alice, monkeypatch, db):
    settings.DXPLAN_LDAP = _directory_settings("ldap://127.0.0.1:9")

    def must_not_be_called(*args, **kwargs):
        raise AssertionError("the directory was asked about a local account")

    monkeypatch.setattr("plans.signin.directory.authenticate", must_not_be_called)

    assert _log_in(client, "alice", PASSWORD).status_code == 302
