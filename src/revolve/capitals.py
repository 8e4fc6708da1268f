"""人民币大写金额: an amount of money written out in the capital numerals a voucher, receipt or IOU carries.

The writing follows 《会计基础工作规范》(财会字〔1996〕19号) 第五十二条:

* 第(三)项: the numerals are 零 壹 贰 叁 肆 伍 陆 柒 捌 玖 拾 佰 仟 万 亿; an amount that stops at 元 or
  at 角 ends in 整 (revolve writes 整, never 正); an amount with 分 has nothing after 分;
* 第(五)项: a 0 between digits is written 零; several 0s in a row are one 零; when the 元 digit is 0
  (alone, or at the end of a run of 0s) and 角 is not, one 零 "may be written or left out" — revolve
  leaves it out (``¥10.50`` → 壹拾元伍角整); a 0 in the 角 place before a non-zero 分 is written
  (``¥1.05`` → 壹元零伍分), since that 0 stands between digits.

The whole-yuan part is read in groups of four digits, each closed by its unit: (none), 万, 亿, 万亿
(10^12) and 亿亿 (10^16), so that every amount :class:`~revolve.money.Money` can hold — up to
¥92,233,720,368,547,758.07 — has one exact writing. 拾 is always preceded by its digit (壹拾, never a bare
拾), as a document that cannot be altered needs.

Choices that are revolve's own (the article is silent): a negative amount is written with 负 in front
(``-¥5.00`` → 负伍元整), which a receipt or an IOU never carries but a 红字 voucher may; ¥0.00 is 零元整.
"""

from __future__ import annotations

from revolve.money import Money

__all__ = ["DIGITS", "in_words"]

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "万亿", "亿亿")


def _group(value: int) -> str:
    """Four digits (1..9999) in words, with a 零 for each run of 0s between digits (no leading 零)."""
    digits = f"{value:04d}"
    out: list[str] = []
    zero = False
    for index, char in enumerate(digits):
        digit = int(char)
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(DIGITS[digit] + _PLACES[3 - index])
    return "".join(out)


def _whole(yuan: int) -> str:
    """The whole yuan (> 0) in words, without 元."""
    groups: list[int] = []
    while yuan:
        yuan, rest = divmod(yuan, 10_000)
        groups.append(rest)
    out: list[str] = []
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            pending_zero = bool(out)
            continue
        # a 0 before this group's first digit (inside the group, or whole groups of 0 before it)
        if out and (pending_zero or value < 1000):
            out.append("零")
        pending_zero = False
        out.append(_group(value) + _GROUPS[index])
    return "".join(out)


def in_words(amount: Money) -> str:
    """The amount in 人民币大写 (capital numerals), by 《会计基础工作规范》第五十二条.

    Args:
        amount: any amount; a negative one is written with 负 in front.

    Returns:
        e.g. ``¥12,345.67`` → ``壹万贰仟叁佰肆拾伍元陆角柒分``, ``¥100.00`` → ``壹佰元整``,
        ``¥1,005.00`` → ``壹仟零伍元整``, ``¥0.50`` → ``伍角整``, ``¥10,000,100.09`` → ``壹仟万零壹佰元零玖分``,
        ``¥0.00`` → ``零元整``. The words carry no currency name: a form prints 人民币（大写） before them.

    Raises:
        MoneyTypeError: the amount is not :class:`~revolve.money.Money`.
    """
    if not isinstance(amount, Money):
        from revolve.errors import MoneyTypeError  # noqa: PLC0415

        raise MoneyTypeError(amount, reason="in_words")
    sign = "负" if amount.fen < 0 else ""
    yuan, cents = divmod(abs(amount.fen), 100)
    jiao, fen = divmod(cents, 10)
    if yuan == 0 and cents == 0:
        return "零元整"
    out = [sign]
    if yuan:
        out.append(_whole(yuan) + "元")
    if jiao:
        out.append(DIGITS[jiao] + "角")
    elif fen and yuan:
        out.append("零")
    if fen:
        out.append(DIGITS[fen] + "分")
    else:
        out.append("整")
    return "".join(out)
