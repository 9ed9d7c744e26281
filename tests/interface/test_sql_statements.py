"""SQL statements per command on the running intake service, both backends (issue 17): register_case,
a fire (classify), get_case. The ceilings are the counts measured; a change that adds a statement to the
command path fails here. Lower them when a change saves one."""
from __future__ import annotations

from tests.factories import claim, key
from tests.sqlcount import StatementCounter, service_engine

# SQLite counts its BEGIN (IMMEDIATE) statements, PostgreSQL's are implicit
CEILINGS = {"sqlite": {"register_case": 10, "classify": 10, "get_case": 5},
            "postgresql": {"register_case": 8, "classify": 9, "get_case": 4}}


def test_statements_per_command_stay_at_or_below_the_measured_counts(intake, rpc_as, backend):
    window, router = rpc_as("window").intake, rpc_as("router").intake
    window.register_case(claim(), key())           # warm: migrations, first connection, caches
    measured = {}
    with StatementCounter(service_engine(intake)) as counter:
        case = window.register_case(claim(), key())
        measured["register_case"] = counter.take("register_case")
        view = router.classify(case["case_id"], "neighbourhood", case["version"], key())
        assert view["status"] != case["status"]
        measured["classify"] = counter.take("classify")
        window.get_case(case["case_id"])
        measured["get_case"] = counter.take("get_case")
    for method, (n, lines) in measured.items():
        assert 0 < n <= CEILINGS[backend][method], (method, n, lines)
