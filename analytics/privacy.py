"""Masking of personal data for anything a person can read: messages, logs, exports.

Pages never read raw personal columns: the SQL views in ``analytics/sql/views`` apply the same
rules. The digits kept follow common Chinese practice (reliability notes 4.2): a phone keeps its
carrier prefix and last four digits, an ID number only its last four (never the birth date), a
name only its surname.
"""

from __future__ import annotations

import re

__all__ = ["mask_phone", "mask_id_number", "mask_name", "mask_value", "scrub"]

# Separators people type inside a mobile number ("138-1234-5678", "138 1234 5678") are allowed.
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)[- .]?(\d{4})[- .]?(\d{4})(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3})([0-9Xx])(?![0-9A-Za-z])")


def mask_phone(phone: str | None) -> str | None:
    """'13812345678' -> '138****5678'; anything too short is fully masked."""
    if phone is None:
        return None
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 8:
        return "*" * len(phone)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id_number(id_number: str | None) -> str | None:
    """Keep the last four characters only: '110101199003071234' -> '**************1234'."""
    if id_number is None:
        return None
    text = id_number.strip()
    if len(text) <= 4:
        return "*" * len(text)
    return "*" * (len(text) - 4) + text[-4:]


def mask_name(name: str | None) -> str | None:
    """Keep the first character: '张三丰' -> '张**'."""
    if name is None:
        return None
    text = name.strip()
    return text[:1] + "*" * max(len(text) - 1, 1) if text else text


_MASKERS = {"phone": mask_phone, "id_number": mask_id_number, "name": mask_name}


def scrub(text: str) -> str:
    """Mask anything in free text that looks like a mobile number or a resident ID number."""
    text = _ID_NUMBER.sub(lambda m: "*" * 14 + m.group(0)[-4:], text)
    return _PHONE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


def mask_value(column: str, value: str | None) -> str | None:
    """A value as it may appear in a message: personal columns masked, stray phone/ID patterns too."""
    if value is None:
        return None
    masker = _MASKERS.get(column)
    if masker is not None:
        return masker(value)
    return scrub(value)
