"""Input formats of zh-hans with the ISO date first.

Django's zh_Hans locale lists "%Y/%m/%d" first, and a form widget renders its value in the
first input format: an ``<input type="date">`` then gets "2026/12/05", which browsers reject
(they want yyyy-MM-dd), so a default or existing date showed as an empty field. The display
formats (DATE_FORMAT "Y年n月j日", used by the 公文 PDFs) stay Django's.
"""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2016-09-05': what <input type="date"> sends and expects
    "%Y/%m/%d",  # '2016/09/05'
]

DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M",  # <input type="datetime-local">
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
]
