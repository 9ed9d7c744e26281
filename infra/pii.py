"""Personal data (浙江省平安建设条例 Art 30; 个人信息保护法): ID numbers and phones are masked in every
listing and log; only an actor of the owning organisation reading one case sees them whole."""
from __future__ import annotations


def mask_id_number(value: str | None) -> str | None:
    if not value:
        return value
    if len(value) <= 10:
        return value[:2] + "*" * (len(value) - 2)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def party_view(party, whole: bool) -> dict:
    person = party.kind == "person"
    return {
        "role": party.role,
        "kind": party.kind,
        "name": party.name,
        # a unified social credit code is public registration data; a person's ID number is not
        "id_number": party.id_number if whole or not person else mask_id_number(party.id_number),
        "phone": party.phone if whole else mask_phone(party.phone),
        "address": party.address if whole or not person else None,
    }
