"""Names read family name first (佐世保 花子) everywhere, through plans.names.person_name."""

from plans.models import User
from plans.names import person_name


def test_person_name_puts_the_family_name_first():
    assert person_name("佐世保", "花子") == "佐世保 花子"
    assert person_name("佐世保", "") == "佐世保"
    assert person_name("", "", fallback="demo-dx") == "demo-dx"
    assert person_name(" 烏帽子 ", " 太郎 ") == "烏帽子 太郎"


def test_a_user_shows_family_name_first_else_the_user_name(db):
    named = User(username="hanako", last_name="佐世保", first_name="花子")
    assert named.get_full_name() == "佐世保 花子" == str(named) == named.display_name
    assert str(User(username="nobody")) == "nobody"


def test_the_header_and_the_admin_list_show_family_name_first(client, dave):
    dave.last_name, dave.first_name = "烏帽子", "太郎"
    dave.save()
    client.force_login(dave)
    html = client.get("/").content.decode()
    assert "烏帽子 太郎" in html and "太郎 烏帽子" not in html
    html = client.get("/admin/plans/user/").content.decode()
    assert "烏帽子 太郎" in html and "太郎 烏帽子" not in html


def test_the_person_filter_names_history_users_and_dashes_the_unknown():
    from plans.templatetags.dxplan import person

    assert person(User(username="demo-dx", last_name="長崎", first_name="一郎")) == "長崎 一郎"
    assert person(None) == "—"
