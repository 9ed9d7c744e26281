"""Which blind indexes come back (PSR Art 50, 54: 研判预警), kept at ingest in ``sv_party_repeats`` (migration
sv0006) so that the party rules (warnings_sql.py) group only the indexes met more than once: at a million
cases 1.8 million party rows are met once, a few tens of thousands again.

Each domain's count is at least what its rule counts for an index in any period (every case, not only a
period's disputes; rows, not distinct things), so filtering a rule by ``n >= its lowest threshold`` drops only
groups that could not warn: the warnings stay the same. The count of an index is recounted from ``sv_parties``
(not incremented) whenever a case's parties that name it are replaced, so ingest stays idempotent and a replay
or a rebuild gives the same table; ``recount_all`` is the recount the migration's backfill and the check use."""
from __future__ import annotations

from sqlalchemy import and_, delete, func, insert, literal, select, text, update

from services.supervision.models import SvParty, SvPartyRepeat

P = SvParty.__table__
R = SvPartyRepeat.__table__
A = P.alias("applicant")
REPEAT = 2          # an index is kept once it is counted this often
CHUNK = 500


DOMAINS = ("party", "address", "applicants")


def _subject(domain: str):
    return P.c.address_index if domain == "address" else P.c.party_index


def _counted(domain: str, *where):
    """select (subject, n) of the indexes of ``domain`` counted at least ``REPEAT`` times, over every case:
    cases with the index (party, address), or applicant rows in the cases where it is a respondent."""
    subject = _subject(domain)
    if domain == "applicants":
        n = func.count()
        counted = select(subject, n).select_from(P.join(A, and_(A.c.case_id == P.c.case_id, A.c.role == "applicant"))
                                                 ).where(P.c.role == "respondent")
    else:
        n = func.count(func.distinct(P.c.case_id))
        counted = select(subject, n)
    return counted.where(subject.is_not(None), *where).group_by(subject).having(n >= REPEAT)


def keys_of(parties) -> dict[str, set[str]]:
    """domain -> the indexes a case's parties ((role, party index, address index) each) touch."""
    keys: dict[str, set[str]] = {d: set() for d in DOMAINS}
    for role, index, address in parties:
        if index:
            keys["party"].add(index)
            if role == "respondent":
                keys["applicants"].add(index)
        if address:
            keys["address"].add(address)
    return keys


def recount(s, keys: dict[str, set[str]]) -> None:
    """Count again the indexes in ``keys`` (after the case's parties were replaced, in its transaction). On
    PostgreSQL each index is locked for the transaction first (sorted: no deadlock), so two cases naming it
    that are ingested at once count one after the other, the second seeing the first's rows."""
    if s.get_bind().dialect.name == "postgresql":
        for key in sorted({f"{d}:{k}" for d, ks in keys.items() for k in ks}):
            s.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": key})
    for domain, subjects in keys.items():
        subjects = sorted(subjects)
        for i in range(0, len(subjects), CHUNK):
            chunk = subjects[i:i + CHUNK]
            s.execute(delete(R).where(R.c.domain == domain, R.c.subject.in_(chunk)))
            _insert(s, domain, _counted(domain, _subject(domain).in_(chunk)))


def _insert(conn, domain: str, counted) -> None:
    c = counted.subquery()
    conn.execute(insert(R).from_select(["domain", "subject", "n"], select(literal(domain), *c.c)))


def receive_all(conn) -> None:
    """Every party's received date from its case (as ``derived.received_at`` keeps it at ingest), for parties
    written otherwise: the migration's backfill of a live county, the benchmark's generated one."""
    from services.supervision.figures import DISPUTE_TYPES
    from services.supervision.figures_sql import C, _no_parent
    conn.execute(update(P).values(received_at=select(C.c.created_at).where(
        C.c.case_id == P.c.case_id, C.c.case_type.in_(DISPUTE_TYPES), _no_parent()).scalar_subquery()))


def recount_all(conn) -> None:
    """Empty the table and count every index again (the migration's backfill of a live county)."""
    conn.execute(delete(R))
    for domain in DOMAINS:
        _insert(conn, domain, _counted(domain))


def kept(conn) -> set[tuple]:
    return set(conn.execute(select(R.c.domain, R.c.subject, R.c.n)))


def repeated(domain: str, lowest: float):
    """A condition on a party rule's rows: the index can reach ``lowest`` (always true below ``REPEAT``)."""
    if lowest < REPEAT:
        return literal(True)
    return _subject(domain).in_(select(R.c.subject).where(R.c.domain == domain, R.c.n >= lowest))
