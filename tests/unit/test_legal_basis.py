"""The legal basis as a reader cites it: statute names in full, article numbers in Chinese numerals."""
import re

import pytest

from contracts.legal import basis_text, cited_articles, cn_number, cn_to_int, format_basis, parse_law


@pytest.mark.parametrize("n,cn", [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (29, "二十九"), (100, "一百"),
                                  (105, "一百零五"), (110, "一百一十"), (206, "二百零六"), (355, "三百五十五"),
                                  (1000, "一千"), (1001, "一千零一")])
def test_chinese_numerals_both_ways(n, cn):
    assert cn_number(n) == cn and cn_to_int(cn) == n


@pytest.mark.parametrize("basis,text", [
    ("PML Art 29", "《人民调解法》第二十九条"),
    ("PML Art 28–29", "《人民调解法》第二十八条至第二十九条"),
    ("LVR Art 22-25", "《信访工作条例》第二十二条至第二十五条"),
    ("LVR Art 20 ¶2, 22 ¶2, 31(1)", "《信访工作条例》第二十条第二款、第二十二条第二款、第三十一条第（一）项"),
    ("CPL Art 205(2); PML Art 33", "《民事诉讼法》第二百零五条第（二）项；《人民调解法》第三十三条"),
    ("CPL Art 126 (ruling, appealable), Art 127 (redirect)", "《民事诉讼法》第一百二十六条、第一百二十七条"),
    ("CPLI Art 126: 从补正后交人民法院的次日起算",
     "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第一百二十六条（从补正后交人民法院的次日起算）"),
    ("JC11 Art 5 [V?]: +10 d with the president's approval", "《最高人民法院关于人民调解协议司法确认程序的若干规定》第五条"),
    ("JSR Art 8; PRR", "《最高人民法院关于综合治理类司法建议工作若干问题的规定》第八条；《人民检察院检察建议工作规定》"),
    ("SPEC §2.4: 5 WD [A; county practice]", ""),
    ("浙江省平安建设条例 Art 45", "《浙江省平安建设条例》第四十五条"),
])
def test_citation_keys_become_chinese(basis, text):
    assert basis_text(basis) == text


def test_no_code_survives_in_any_basis_of_the_case_types():
    from infra.citations import all_bases
    for basis in all_bases():
        text = basis_text(basis)
        assert not re.search(r"[A-Za-z]", text), (basis, text)


def test_article_text_is_there_for_a_hover():
    cited = format_basis("PML Art 29")["articles"]
    assert cited[0]["label"] == "《人民调解法》第二十九条"
    assert "调解协议书" in cited[0]["text"] and "按指印" in cited[0]["text"]
    lvr = format_basis("LVR Art 35")["articles"][0]["text"]
    assert "复查" in lvr


def test_parse_law_reads_articles_up_to_the_next():
    law = parse_law("## 第一章\n第一条 甲。\n（一）乙；\n第十二条 丙。\n## 第二章\n说明")
    assert law == {1: "甲。\n（一）乙；", 12: "丙。"}
    assert cited_articles(["PML Art 28-29; 33 ¶2", "LVR Art 35"]) == {"PML": {28, 29, 33}, "LVR": {35}}
