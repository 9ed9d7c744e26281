"""Operator commands: ``python -m infra.manage migrate | backup DIR | restore DIR | docs [--check] | dev-keys |
rabbitmq-definitions | rotate-key | reencrypt | anchor``."""
from __future__ import annotations

import argparse
import sys

from infra.config import ROOT, load_config
from infra.db import service_db_url, upgrade
# the services and their case types: one table, contracts/services.py (tests and tools import them from here too)
from infra.registry import CASE_SERVICES, READ_MODELS, all_case_types, case_types, load

DOCS = ROOT / "docs" / "casetypes"


def migrate() -> None:
    config = load_config()
    for service in CASE_SERVICES:
        url, schema = service_db_url(service, config)
        upgrade(url, schema)
        print(f"{service}: database at {url}{' schema ' + schema if schema else ''} is current")
    for service, ref in READ_MODELS.items():
        url, schema = load(ref)(config)
        print(f"{service}: database at {url}{' schema ' + schema if schema else ''} is current")


def _current_engines(config):
    """Each case service's database, brought to the newest schema first: (service, engine), disposed after."""
    from infra.db import make_engine
    for service in CASE_SERVICES:
        url, schema = service_db_url(service, config)
        upgrade(url, schema)
        engine = make_engine(url, schema)
        try:
            yield service, engine
        finally:
            engine.dispose()


def reencrypt() -> None:
    from infra import rekey
    for service, engine in _current_engines(load_config()):
        print(f"{service}: re-encrypted {rekey.reencrypt(engine)}; audit chains {rekey.reanchor(engine)}")


def anchor_now() -> None:
    """Write today's audit root of every service (the services' timers do this by themselves)."""
    from infra import anchor
    from infra.engine import Env
    config = load_config()
    for service, engine in _current_engines(config):
        env = Env(service, case_types(service)[0], engine, config, None, None)
        print(f"{service}: {anchor.export(env) or 'already written today'}")


def render(ct, config) -> str:
    d = ct.to_dict(config)
    labels = {s["code"]: s["label"] for s in d["states"]}
    out = [f"# {d['label']} (`{d['code']}`, service `{d['service']}`)", "",
           f"Legal basis: {d['basis']}. Generated from the `{ct.code}` case type of `services/{ct.service}/` by "
           "`make docs`; do not edit by hand.", "", "## States", "", "| Code | 名称 | Terminal | Basis |",
           "|---|---|---|---|"]
    out += [f"| `{s['code']}` | {s['label']} | {'yes' if s['terminal'] else ''} | {s['basis']} |" for s in d["states"]]
    out += ["", "## Events", "", "| Event | 名称 | From | To | Roles | Guards | Data | Basis |",
            "|---|---|---|---|---|---|---|---|"]
    for e in d["events"]:
        src = "—" if e["creates"] else ", ".join(f"`{s}`" for s in e["from"])
        to = "(same)" if e["self_loop"] else f"`{e['to']}` {labels[e['to']]}"
        guards = "<br>".join(g["message"] for g in e["guards"])
        data = ", ".join(f"{f['name']}{'*' if f['required'] else ''}" for f in e["data"])
        out.append(f"| `{e['id']}` | {e['label']} | {src} | {to} | {', '.join(e['roles'])} | {guards} | {data} | {e['basis']} |")
    out += ["", "## Clocks", "", "| Clock | 名称 | Starts in | Runs in | Period | On expiry | Extension | Basis |",
            "|---|---|---|---|---|---|---|---|"]
    for c in d["clocks"]:
        period = f"{c['period']['amount']} {c['period']['unit']}" if c["period"] else "per case"
        ext = (f"`{c['extension']['event']}` ≤ {c['extension']['max_total']}" if c["extension"] else "—")
        out.append(f"| `{c['kind']}` | {c['label']} | {', '.join(c['starts_in'])} | {', '.join(c['runs_in'])} | "
                   f"{period} | `{c['on_expiry']}` | {ext} | {c['basis']} |")
    out.append("")
    return "\n".join(out)


def docs(check: bool) -> int:
    config = load_config(profile="national")
    DOCS.mkdir(parents=True, exist_ok=True)
    stale = []
    for ct in all_case_types():
        path = DOCS / f"{ct.code}.md"
        text = render(ct, config)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("case type docs are out of date (run `make docs`): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.manage")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("migrate", help="create or upgrade every service database")
    b = sub.add_parser("backup", help="copy every service database into DIR (services may keep running)")
    b.add_argument("dir")
    r = sub.add_parser("restore", help="replace every service database by the copies in DIR (services stopped)")
    r.add_argument("dir")
    d = sub.add_parser("docs", help="write docs/casetypes/*.md from the case type definitions")
    d.add_argument("--check", action="store_true", help="fail if the checked-in docs are stale")
    sub.add_parser("dev-keys", help="generate the development keys config/clients.yaml marks dev_key (var/keys)")
    r = sub.add_parser("rabbitmq-definitions", help="a RabbitMQ definitions file: one user per service + gateway")
    r.add_argument("--out", default=str(ROOT / "var" / "rabbitmq" / "definitions.json"))
    r.add_argument("--env-file", default=str(ROOT / "var" / "rabbitmq" / "passwords.env"),
                   help="each user's password (made once, 0600; docker compose --env-file reads it)")
    r.add_argument("--vhost", default="jiefen")
    sub.add_parser("rotate-key", help="add a new newest personal-data key to the development key file (pii.keys_dir)")
    sub.add_parser("reencrypt", help="write every personal field again under the newest key")
    sub.add_parser("anchor", help="write today's audit root of every service now")
    args = parser.parse_args(argv)
    if args.cmd == "migrate":
        migrate()
        return 0
    if args.cmd == "dev-keys":
        from infra.trust import ensure_dev_keys, keys_dir
        config = load_config()
        made = ensure_dev_keys(config)
        print(f"keys in {keys_dir(config)}: " + (", ".join(made) + " generated" if made else "all present"))
        return 0
    if args.cmd == "rabbitmq-definitions":
        from pathlib import Path
        from infra.rabbitmq import USERS, write_definitions
        write_definitions(Path(args.out), Path(args.env_file), args.vhost)
        print(f"wrote {args.out} (users: {', '.join(USERS)}; vhost {args.vhost}) and passwords in {args.env_file}")
        return 0
    if args.cmd in ("backup", "restore"):
        from infra import backup
        manifest = getattr(backup, args.cmd)(args.dir)
        for service, entry in manifest["services"].items():
            print(f"{service}: {entry['cases']} cases at revision {entry['revision']} ({entry['backend']}, {entry['file']})")
        print(f"{args.cmd} {'to' if args.cmd == 'backup' else 'from'} {args.dir}: done")
        return 0
    if args.cmd == "rotate-key":
        from infra.pii import rotate_key
        print(f"new key {rotate_key()}: restart the services, then run reencrypt")
        return 0
    if args.cmd == "reencrypt":
        reencrypt()
        return 0
    if args.cmd == "anchor":
        anchor_now()
        return 0
    return docs(args.check)


if __name__ == "__main__":
    sys.exit(main())
