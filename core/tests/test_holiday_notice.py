"""The notice parser (core.holiday_notice): real notices give the package's days; the rest is
shown, not guessed."""

from __future__ import annotations

from datetime import date

import pytest

from core.holiday_notice import parse_notice
from core.services import package_days
from core.tests.notice_samples import INVENTED_2027, REAL_2024, REAL_2025, REAL_2026

D = date


def kinds(days):
    return [(day, kind) for day, kind, _ in days]


def messages(notice):
    return [p.message for p in notice.problems]


# --- real notices against chinese-calendar ---------------------------------------------------


def test_real_2026_notice_gives_exactly_the_packages_days():
    notice = parse_notice(REAL_2026, year=2026)
    assert notice.problems == [] and notice.ok
    assert notice.title_year == 2026
    assert notice.days() == package_days(2026)  # dates, kinds and Chinese names
    assert [f.name for f in notice.festivals] == ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]
    # the encouragement after the sections decides nothing and is not an error
    assert any(text.startswith("鼓励单位和个人") for text in notice.ignored)
    assert "2025年11月4日" in notice.ignored  # the date of issue


def test_real_2025_notice_half_width_gives_the_packages_days():
    notice = parse_notice(REAL_2025, year=2025)
    assert notice.problems == []
    assert kinds(notice.days()) == kinds(package_days(2025))
    assert notice.document_number == "国办发明电〔2024〕12号"
    assert notice.notice_label() == "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）"
    names = {day: name for day, _, name in notice.days()}
    assert names[D(2025, 1, 1)] == "元旦"
    assert names[D(2025, 6, 2)] == "端午节"  # "5月31日至6月2日": the range crosses a month
    # A joint section keeps its published name: the notice does not say which day is which.
    assert names[D(2025, 10, 6)] == "国庆节、中秋节"
    assert names[D(2025, 9, 28)] == "国庆节、中秋节调休上班"
    # The preamble's "自2025年1月1日起" and "国庆节自10月1日起" are rules, not days.
    assert any("自2025年1月1日起" in text for text in notice.ignored)


def test_real_2024_notice_in_the_older_style_gives_the_packages_days():
    notice = parse_notice(REAL_2024, year=2024)
    assert notice.problems == []
    assert notice.days() == package_days(2024)
    assert notice.document_number == "国办发明电〔2023〕7号"
    # "鼓励……安排职工在除夕（2月9日）休息" is shown apart, 2月9日 stays a working day
    assert len(notice.advisories) == 1 and "除夕（2月9日）" in notice.advisories[0]


def test_festival_lists_its_holidays_and_make_up_days_with_weekdays():
    notice = parse_notice(REAL_2026, year=2026)
    spring = notice.festivals[1]
    assert [d.date for d in spring.holidays] == [D(2026, 2, day) for day in range(15, 24)]
    assert [(d.date, d.weekday) for d in spring.workdays] == [(D(2026, 2, 14), "周六"), (D(2026, 2, 28), "周六")]
    assert spring.workdays[0].name == "春节调休上班"


def test_invented_2027_notice_is_well_formed():
    notice = parse_notice(INVENTED_2027, year=2027)
    assert notice.problems == []
    days = notice.days()
    assert len([d for d in days if d[1] == "holiday"]) == 3 + 8 + 3 + 5 + 1 + 1 + 7
    assert (D(2027, 10, 9), "workday", "国庆节调休上班") in days


# --- the shapes real notices take --------------------------------------------------------------


def test_one_pasted_line_with_several_sections():
    text = ("一、元旦：1月1日（周五）放假1天，不调休。二、春节：2月5日（农历除夕、周五）至12日（周五）放假调休，"
            "共8天。1月31日（周日）、2月20日（周六）上班。三、清明节：4月3日（周六）至5日（周一）放假，共3天。")
    notice = parse_notice(text, year=2027)
    assert notice.problems == []
    assert [f.name for f in notice.festivals] == ["元旦", "春节", "清明节"]
    assert kinds(notice.days())[:2] == [(D(2027, 1, 1), "holiday"), (D(2027, 1, 31), "workday")]


def test_a_section_split_over_lines_and_a_heading_on_its_own_line():
    notice = parse_notice("二、春节：\n2月5日至12日放假调休，\n共8天。\n2月20日（周六）上班。", year=2027)
    assert notice.problems == []
    assert len(notice.festivals[0].holidays) == 8 and len(notice.festivals[0].workdays) == 1


def test_year_prefix_and_a_range_across_the_new_year():
    notice = parse_notice("一、元旦：2026年12月31日（周四）至2027年1月2日（周六）放假，共3天。", year=2027)
    assert notice.problems == []
    assert kinds(notice.days()) == [(D(2027, 1, 1), "holiday"), (D(2027, 1, 2), "holiday")]
    # the day in 2026 is shown, not saved with 2027
    assert [(d.date, d.kind) for d in notice.other_year] == [(D(2026, 12, 31), "holiday")]


def test_a_make_up_day_in_the_year_before():
    # the 2012 notice: "2011年12月31日（星期六）上班"
    notice = parse_notice("一、元旦：2012年1月1日至3日放假调休，共3天。2011年12月31日（星期六）上班。", year=2012)
    assert notice.problems == []
    assert kinds(notice.days()) == [(D(2012, 1, day), "holiday") for day in (1, 2, 3)]
    assert [(d.date, d.kind, d.name) for d in notice.other_year] == [(D(2011, 12, 31), "workday", "元旦调休上班")]


def test_old_style_weekdays_and_a_list_that_omits_the_month():
    notice = parse_notice("二、春节：2月14日（星期日）至20日放假调休，共7天。2月6日（星期六）、7日（星期日）上班。", year=2010)
    assert notice.problems == []
    assert [d.date for d in notice.festivals[0].workdays] == [D(2010, 2, 6), D(2010, 2, 7)]


def test_compensatory_rest_counts_as_holiday():
    notice = parse_notice("三、清明节：4月5日放假，4月6日（星期一）补休。", year=2015)
    assert notice.problems == []
    assert kinds(notice.days()) == [(D(2015, 4, 5), "holiday"), (D(2015, 4, 6), "holiday")]


def test_full_width_digits_unnumbered_headings_and_commas_inside_brackets():
    text = "元旦:１月１日(周五)至３日(周日)放假,共3天。\n春节:2月5日(农历除夕,周五)至12日(农历正月初七,周五)放假调休,共8天.2月20日(周六)上班."
    notice = parse_notice(text, year=2027)
    assert notice.problems == []
    assert [f.name for f in notice.festivals] == ["元旦", "春节"]
    assert len(notice.days()) == 3 + 8 + 1


def test_a_long_commemoration_day_name_with_digits():
    text = "四、中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日：9月3日至5日放假调休，共3天。9月6日（星期日）上班。"
    notice = parse_notice(text, year=2015)
    assert notice.problems == []
    assert notice.days()[-1] == (D(2015, 9, 6), "workday", "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休上班")


# --- what it refuses to guess -----------------------------------------------------------------


def test_a_weekday_that_does_not_match_its_date_is_a_problem():
    notice = parse_notice("七、国庆节：10月1日（周四）至7日（周四）放假调休，共7天。10月10日（周六）上班。", year=2027)
    assert messages(notice) == [
        "10月1日标注为“周四”，但2027年10月1日是周五。请核对日期和星期。",
        "10月10日标注为“周六”，但2027年10月10日是周日。请核对日期和星期。",
    ]
    assert notice.problems[0].text.startswith("10月1日（周四）")
    assert not notice.ok


def test_an_unreadable_sentence_is_shown_and_nothing_is_guessed_from_it():
    text = "一、元旦：1月1日（周五）放假1天，不调休。二、春节：其中2月6日、7日为法定节假日，2月20日（周六）上班。"
    notice = parse_notice(text, year=2027)
    assert len(notice.problems) == 1
    problem = notice.problems[0]
    assert problem.text == "其中2月6日、7日为法定节假日，2月20日（周六）上班。"
    assert "无法识别“其中2月6日、7日为法定节假日”" in problem.message
    assert notice.festivals[1].holidays == [] and notice.festivals[1].workdays == []  # not half-read
    assert kinds(notice.days()) == [(D(2027, 1, 1), "holiday")]


@pytest.mark.parametrize(
    ("sentence", "fragment"),
    [
        ("2月5日至12日调休", "日期后应写“放假”“补休”或“上班”"),
        ("1日至3日放假", "“1日”缺少月份"),
        ("2月30日放假", "2027年2月30日不是有效日期"),
        ("2月12日至5日放假", "2月5日早于2月12日"),
        ("1月1日至3月1日放假", "超过 31 天"),
        ("2月5日放假至2月12日", "日期之间应以“至”或“、”连接"),
        ("放假日期为2月5日", "应以日期开头"),
    ],
)
def test_clauses_it_cannot_read(sentence, fragment):
    notice = parse_notice(f"二、春节：{sentence}。", year=2027)
    assert len(notice.problems) == 1 and fragment in notice.problems[0].message
    assert notice.days() == []


def test_a_declared_total_that_disagrees_with_the_dates():
    notice = parse_notice("二、春节：2月5日至12日放假调休，共7天。", year=2027)
    assert messages(notice) == ["写明共7天，但列出的放假日期是8天。"]


def test_an_encouragement_is_shown_apart_and_not_saved():
    text = "二、春节：2月10日至17日放假调休，共8天。鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。"
    notice = parse_notice(text, year=2024)
    assert notice.problems == []
    assert notice.advisories == ["鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。"]
    assert D(2024, 2, 9) not in {day for day, _, _ in notice.days()}


def test_a_date_listed_twice_and_a_section_without_dates():
    text = "一、元旦：1月1日放假。二、春节：另行通知。三、国庆节：10月1日至7日放假。四、中秋节：10月1日放假。"
    notice = parse_notice(text, year=2027)
    assert messages(notice) == [
        "“春节”一节没有识别出放假或上班日期。",
        "2027年10月1日重复出现（“国庆节”和“中秋节”），请核对。",
    ]


def test_nothing_recognised():
    notice = parse_notice("各地区、各部门要妥善安排好值班工作。", year=2027)
    assert messages(notice) == ["没有识别出任何节日。请粘贴通知正文中“一、元旦：……”起的各条安排。"]
    assert notice.ignored == ["各地区、各部门要妥善安排好值班工作。"]
    assert not notice.ok


def test_a_title_for_another_year():
    notice = parse_notice(REAL_2026, year=2027)
    assert messages(notice)[0].startswith("通知标题是2026年的安排，但录入的年份是2027年")
    assert not notice.ok
