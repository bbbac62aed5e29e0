"""How a plan's length is counted against the office's minimum (最低字数).

字数 counts the Chinese characters (汉字) of the text and nothing else: Markdown markup, spaces,
punctuation, digits and Latin letters are not counted, so "最低1503字" is met by 1,503 汉字 at
least, whatever the figures and the markup add. A character is a 汉字 when it lies in a CJK
Unified Ideographs block (basic, extension A, extensions B and later) or the compatibility block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext

HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def count_chars(text: str) -> int:
    """The number of 汉字 in ``text`` (Markdown markup holds none, so it need not be stripped)."""
    return len(HAN.findall(text or ""))


@dataclass(frozen=True)
class Length:
    chars: int
    minimum: int

    @property
    def short_by(self) -> int:
        return max(0, self.minimum - self.chars)

    @property
    def reached(self) -> bool:
        return self.short_by == 0

    @property
    def verdict(self) -> str:
        """已达到最低字数 / 还差 N 字."""
        if self.reached:
            return gettext("已达到最低字数")
        return gettext("还差 %(n)s 字") % {"n": self.short_by}


def length_of(text: str, minimum: int) -> Length:
    return Length(count_chars(text), minimum)
