"""The module boundaries (issue 17; README "Architecture"), read from the source with `ast`, importing
nothing: contracts/ and infra/ import no service, contracts/ imports no infra/, and no two modules import
each other, directly or round a longer loop. An import inside a function counts: a late import that dodges
a cycle at start-up is still a cycle in the design."""
import ast
import re
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGES = ("contracts", "infra", "services")

# Edges that are known and not yet removed: (importer, imported) -> why. Keep it short; each entry names
# the work still to do. An entry whose edge has gone fails test_the_allow_list_is_current, so it is removed
# with the edge.
ALLOWED: dict[tuple[str, str], str] = {
    ("services.gateway.openapi", "infra.registry"):
        "the OpenAPI document lists each event's data schema, read from every service's case type definition "
        "(loaded by name at run time): the event schemas are in contracts/, but which event takes which "
        "schema is declared only in services/*/casetype.py. To do: declare event -> schema in contracts/ "
        "(or serve it over RPC: each service's `definition`), then drop this edge.",
}


REGISTRY = "contracts.services"   # the one module that names services' modules, as data (module:attribute)
MODULE_REF = re.compile(r"^(contracts|infra|services)(\.\w+)+(:\w+)?$")


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, pathlib.Path]:
    found = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            found[_module_name(path)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The project module `name` denotes (the longest prefix that is one), or None outside the project."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in MODULES:
            return candidate
        parts.pop()
    return None


def _imports_of(module: str, path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):  # every level: a function's late import counts
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            # `from a.b import c` names the module a.b.c when there is one, else something in a.b
            names = [f"{stem}.{a.name}" if _resolve(f"{stem}.{a.name}") == f"{stem}.{a.name}" else stem
                     for a in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and MODULE_REF.match(node.value):
            if module == REGISTRY:
                continue        # the one table of services, loaded by name (infra/registry.py)
            names = [node.value.split(":")[0]]  # "services.intake.casetype:INTAKE" for importlib is an import too
        else:
            continue
        for name in names:
            target = _resolve(name)
            if target and target != module:
                found.add(target)
    return found


GRAPH = {m: _imports_of(m, p) for m, p in MODULES.items()}
EDGES = {(a, b) for a, targets in GRAPH.items() for b in targets}


def _top(module: str) -> str:
    return module.split(".")[0]


def _checked_edges():
    return {e for e in EDGES if e not in ALLOWED}


def test_the_reader_sees_the_project():
    """The walk reads every package and finds the imports it should (a reader that saw nothing would pass
    every rule below)."""
    assert {"contracts.labels", "infra.engine", "services.intake.service"} <= set(MODULES)
    assert ("services.intake.service", "infra.service") in EDGES
    assert ("services.intake.service", "services.intake.casetype") in EDGES
    assert len(EDGES) > 200


def test_contracts_and_infra_import_no_service():
    bad = sorted(e for e in _checked_edges() if _top(e[0]) in ("contracts", "infra") and _top(e[1]) == "services")
    assert not bad, "contracts/ and infra/ must not import a service:\n" + "\n".join(f"  {a} -> {b}" for a, b in bad)


def test_contracts_import_no_infra():
    bad = sorted(e for e in _checked_edges() if _top(e[0]) == "contracts" and _top(e[1]) == "infra")
    assert not bad, "contracts/ must not import infra/:\n" + "\n".join(f"  {a} -> {b}" for a, b in bad)


def test_the_gateway_imports_no_other_service():
    """The gateway reaches the case services over RPC; what it shows of them comes from contracts/. Loading
    their case types through infra/registry.py is importing them too."""
    bad = sorted(e for e in _checked_edges()
                 if e[0].startswith("services.gateway") and (e[1] == "infra.registry" or (
                     e[1].startswith("services.") and not e[1].startswith("services.gateway"))))
    assert not bad, "the gateway imports a service:\n" + "\n".join(f"  {a} -> {b}" for a, b in bad)


# What the gateway may take from infra/: the process's plumbing, nothing that knows a case (the engine, case
# types, clocks, audit): module -> what for. Case knowledge comes from contracts/ or over RPC.
GATEWAY_INFRA = {
    "infra.config": "the settings file and the repository root",
    "infra.logs": "the log format", "infra.metrics": "the request counters", "infra.ops": "/healthz and /metrics",
    "infra.orgs": "the organisation directory the users and the role table are checked against",
    "infra.trust": "the gateway's signing key", "infra.ratelimit": "the limiter of sign-ins and lookups",
    "infra.db": "the session store's database",
}


def test_the_gateway_takes_only_plumbing_from_infra():
    used = {b for a, b in _checked_edges() if a.startswith("services.gateway") and _top(b) == "infra"}
    assert used <= set(GATEWAY_INFRA), "the gateway imports infra/ beyond its plumbing: " + ", ".join(
        sorted(used - set(GATEWAY_INFRA)))
    assert used == set(GATEWAY_INFRA), "no longer imported, remove from GATEWAY_INFRA: " + ", ".join(
        sorted(set(GATEWAY_INFRA) - used))


def _cycles(edges):
    """Strongly connected components with more than one module (Tarjan), each as a concrete loop."""
    graph: dict[str, list[str]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [_a_loop(c, graph) for c in out]


def _a_loop(component, graph):
    """One loop through the component's first module, to print (breadth-first back to the start)."""
    start, members = component[0], set(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph.get(v, ())):
            if w == start:
                return " -> ".join(paths[v] + [start]) + f"   (the knot: {', '.join(component)})"
            if w in members and w not in paths:
                paths[w] = paths[v] + [w]
                queue.append(w)
    return " <-> ".join(component)


def test_no_import_cycles():
    loops = _cycles(_checked_edges())
    assert not loops, "import cycles:\n" + "\n".join(f"  {loop}" for loop in loops)


def test_every_case_type_module_is_in_the_one_table():
    """A newcomer's service is registered in contracts/services.py or its case types are missing from
    migrations, docs and the supervision tables: every services/*/...casetype module must be named there."""
    table = (ROOT / "contracts" / "services.py").read_text(encoding="utf-8")
    named = {m.group(1) for m in re.finditer(r'"(services\.[\w.]+):\w+"', table)}
    modules = {m for m in MODULES if m.startswith("services.") and m.endswith("casetype")}
    assert modules and modules <= named, sorted(modules - named)


def test_a_late_import_and_a_module_path_in_a_string_count(tmp_path):
    """`importlib.import_module("services.x")` or an import inside a function would dodge the rules above."""
    fake = tmp_path / "fake.py"
    fake.write_text('CASE = "services.intake.casetype:INTAKE"\n\n\ndef late():\n    from infra import engine\n'
                    '    from . import clocks\n', encoding="utf-8")
    assert _imports_of("infra.fake", fake) == {"services.intake.casetype", "infra.engine", "infra.clocks"}


def test_the_cycle_finder_finds_a_long_loop():
    assert _cycles({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")})
    assert not _cycles({("a", "b"), ("b", "c"), ("a", "c")})


@pytest.mark.parametrize("edge", sorted(ALLOWED), ids=lambda e: f"{e[0]}->{e[1]}")
def test_the_allow_list_is_current(edge):
    assert edge in EDGES, f"{edge} is gone: remove it from ALLOWED"
