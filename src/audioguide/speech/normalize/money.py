"""Steps for money: amounts with a currency symbol or code, in words."""

from __future__ import annotations

import re

from audioguide.speech.normalize.common import NUM, spell_int, spell_number
from audioguide.speech.normalize.tables import CURRENCIES, SCALES

__all__ = ["expand_currency"]

_SYMBOLS = r"US\$|NZ\$|A\$|C\$|[$€£¥₹]"
_CODES = "|".join(k for k in CURRENCIES if k.isalpha())
_SCALE = r"(?:\s?(?P<scale>thousand|million|billion|trillion)\b|(?P<abbr>bn|mn|tn|[kKmMbB])\b)?"


def _say_money(amount: str, unit: str, scale: str | None) -> str:
    """An amount of money: "three dollars and fifty cents", "one point two million dollars"."""
    one, many, minor_one, minor_many = CURRENCIES[unit]
    sign = ""
    if amount[:1] in "-−":
        sign, amount = "minus ", amount[1:]
    if scale:
        return f"{sign}{spell_number(amount)} {SCALES[scale]} {many}"
    whole, _, cents = amount.partition(".")
    whole_n = int(whole.replace(",", "") or "0")
    if cents and len(cents) == 2 and minor_one and minor_many:
        minor = int(cents)
        if minor == 0:
            return f"{sign}{spell_int(whole_n)} {one if whole_n == 1 else many}"
        minor_words = f"{spell_int(minor)} {minor_one if minor == 1 else minor_many}"
        if whole_n == 0:
            return sign + minor_words
        return f"{sign}{spell_int(whole_n)} {one if whole_n == 1 else many} and {minor_words}"
    if cents:
        return f"{sign}{spell_number(amount)} {many}"
    return f"{sign}{spell_number(amount)} {one if whole_n == 1 else many}"


def expand_currency(text: str) -> str:
    """Money: ``$3.50``, ``$1.2 million``, ``$5bn``, ``€5``, ``5 €``, ``£3.20``, ``¥500``,
    ``A$10``, ``USD 20``, ``20 EUR`` and ranges like ``$10-20``.

    >>> expand_currency("$3.50, $1.2 million, €5, £0.99, USD 20, 5 € and $10-$20")
    'three dollars and fifty cents, one point two million dollars, five euros, ninety-nine pence, twenty dollars, five euros and ten to twenty dollars'
    """
    def say(m: re.Match[str]) -> str:
        unit = m.group("sym") or m.group("code")
        scale = m.group("scale") or m.group("abbr")
        amount = (m.group("neg") or "") + m.group("amt")
        if m.groupdict().get("amt2"):
            low = (m.group("neg") and "minus " or "") + spell_number(m.group("amt"))
            return f"{low} to {_say_money(m.group('amt2'), unit, scale)}"
        return _say_money(amount, unit, scale)

    amount = rf"(?P<amt>{NUM})"
    prefix = (rf"(?<![\w.,])(?P<neg>[-−])?(?:(?P<sym>{_SYMBOLS})|(?P<code>\b(?:{_CODES}))\s?)"
              rf"\s?{amount}(?:\s?[-–]\s?(?:{_SYMBOLS})?(?P<amt2>{NUM}))?{_SCALE}(?![\w])")
    suffix = (rf"(?<![\w.,])(?P<neg>[-−])?{amount}{_SCALE}\s?"
              rf"(?:(?P<sym>[€£¥₹$])|(?P<code>\b(?:{_CODES})\b))")
    text = re.sub(prefix, say, text)
    return re.sub(suffix, say, text)
