"""Which court may confirm a mediation agreement (CPL Art 205; CPLI Art 352; issue 13 item 11): a pure
rule over the organisation directory, used by the JC case's guard and by the mediation case before it
hands an application over.

- Court-invited (delegated) mediation: the court that invited it, and no other (CPL Art 205(1)).
- A mediation organisation's own mediation (CPL Art 205(2)): the basic court of a party's domicile, of
  the subject's location or of the organisation's location; the intermediate court instead where the
  dispute belongs to one. The place must be known: the organisation's county from the directory; a
  domicile or a subject's location by the county code the applicants give (``jurisdiction_county``).
"""
from __future__ import annotations

from infra.orgs import Directory

AREA_BASES = ("party_domicile", "subject_location")


def court_serves_county(directory: Directory, court_code: str, county: str | None, intermediate: bool) -> bool:
    """The basic court of ``county``, or (``intermediate``) the intermediate court above that basic court."""
    court = directory.get(court_code)
    if court is None or court.kind != "court" or not county:
        return False
    if not intermediate:
        return court.level == "county" and court.county == county
    return court.level == "city" and any(
        c.level == "county" and c.county == county and directory.governs(court.code, c.code)
        for c in directory.all("court"))


def has_jurisdiction(directory: Directory, court_code: str, basis: str, *, delegated_by: str | None = None,
                     mediation_org_id: str | None = None, county: str | None = None,
                     intermediate: bool = False) -> bool:
    court = directory.get(court_code)
    if court is None or court.kind != "court":
        return False
    if delegated_by or basis == "delegating_court":
        return delegated_by == court_code                       # CPL Art 205(1)
    if basis == "mediator_location":
        org = directory.get(mediation_org_id or "")
        return org is not None and court_serves_county(directory, court_code, org.county, intermediate)
    if basis in AREA_BASES:
        return court_serves_county(directory, court_code, county, intermediate)
    return False
