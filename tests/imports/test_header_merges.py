"""A heading merged across the next sub-heading (issue 14): the recogniser does not read the
sub-heading row alone, taking another group's 名称 for the project name, and the merge that
hid a heading is named by its cell range."""

from imports.headers import merge_hiding_headings, recognise
from imports.sasebo_projects import SPEC as PROJECTS

TITLE = ["佐世保市 プロジェクト一覧"]
UPPER = ["分野", "DX重点課題", "DX重点課題", "プロジェクト", "プロジェクト", "活動指標", "活動指標", "活動指標"]
LOWER = ["分野", "番号", "名称", "PID", "名称", "項目", "R6", "R6実績"]
# D3:E3 merged: 「PID」 fills E3 too, and the project name's 「名称」 is gone.
MERGED_LOWER = ["分野", "番号", "名称", "PID", "PID", "項目", "R6", "R6実績"]


def _recognise(lower):
    return recognise([PROJECTS], "活動指標", [(1, TITLE), (2, UPPER), (3, lower)])


def test_the_sub_heading_row_alone_does_not_lend_another_groups_name():
    header, best = _recognise(MERGED_LOWER)
    # Read alone, row 3 would map its only 名称 (C, the DX重点課題's name) to the project name.
    assert header is None
    assert best.last_row == 3 and "name" not in best.by_field and best.by_field["pid"].letter == "D"


def test_a_one_row_header_with_one_name_is_still_read():
    header, _ = recognise([PROJECTS], "S", [(1, ["PID", "名称", "R6", "R6実績"])])
    assert header.by_field["name"].letter == "B"


def test_the_merge_over_the_sub_headings_is_named():
    _, best = _recognise(MERGED_LOWER)
    assert merge_hiding_headings(best, [(4, 3, 5, 3)]) == "D3:E3"


def test_group_merges_and_merges_over_unread_columns_hide_nothing():
    header, _ = _recognise(LOWER)
    assert header.by_field["name"].letter == "E"
    group_row = [(2, 2, 3, 2), (4, 2, 5, 2), (6, 2, 8, 2)]
    both_rows = [(1, 2, 1, 3)]
    beyond = [(9, 3, 10, 3)]  # e.g. a 備考 heading merged over two unread columns
    assert merge_hiding_headings(header, group_row + both_rows + beyond) is None
