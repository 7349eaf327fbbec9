"""Download names (plans.downloads): nothing the browser reads as a path, the Japanese kept."""

from urllib.parse import unquote

from plans.downloads import attachment, safe_file_name


def test_a_formula_title_keeps_its_whole_text_without_slashes_or_quotes():
    name = safe_file_name('=HYPERLINK("http://x","y")_令和5年度_進捗状況報告.xlsx')
    assert name == "=HYPERLINK(_http_x_,_y_)_令和5年度_進捗状況報告.xlsx"


def test_unsafe_characters_dots_and_length():
    assert safe_file_name("..\\a/b:c*d?e<f>g|h\x00i.csv") == "a_b_c_d_e_f_g_h_i.csv"
    assert safe_file_name("///.xlsx") == "download.xlsx"
    long = safe_file_name("計" * 400 + ".xlsx")
    assert len(long) == 150 and long.endswith("計.xlsx")


def test_the_header_has_an_ascii_name_and_the_rfc_5987_one():
    header = attachment('=HYPERLINK("http://x","y")_令和5年度.xlsx')
    assert header.startswith("attachment; filename*=utf-8''")
    assert unquote(header.split("''", 1)[1]) == "=HYPERLINK(_http_x_,_y_)_令和5年度.xlsx"
    assert attachment("dxplan-import-template.xlsx") == 'attachment; filename="dxplan-import-template.xlsx"'
