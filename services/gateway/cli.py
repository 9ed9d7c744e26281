"""``jiefen``: the terminal CLI for window terminals and operators, on the pika client
(contracts/client.py) — no nameko needed on the terminal.

    jiefen register claim.json                       # intake.register_case; prints case no. + query code
    jiefen show CASE_ID [--service intake] [--history]
    jiefen overdue [--service intake] [--page 1 --size 20]
    jiefen fire CASE_ID EVENT [--service intake] [--data '{"k": "v"}' | --data @file.json] [--version N]
    jiefen hash-password                             # a scrypt hash for config/users.yaml
    jiefen keys new CLIENT_ID [--dir var/keys]       # a key pair for an integrating system (clients.yaml)
    jiefen keys show KEY_FILE                        # the key id (fingerprint) of a key file

Who acts: --user/--role/--org, or JIEFEN_USER / JIEFEN_ROLE / JIEFEN_ORG, signed with the client's key:
--client/--key-file, or JIEFEN_CLIENT_ID / JIEFEN_KEY_FILE (config/clients.yaml must list the client's
public key and grant it that organisation and role). The broker: --amqp-uri or AMQP_URI. Exit status: 0 done; 1 refused (the error contract is printed on stderr); 2 bad usage;
3 a service did not answer (SERVICE_UNAVAILABLE).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from typing import Any

from contracts.client import JiefenClient
from contracts.errors import JiefenError
from infra.config import DEFAULT_AMQP_URI


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def _json_arg(text: str | None) -> Any:
    if not text:
        return {}
    if text.startswith("@"):
        with open(text[1:], encoding="utf-8") as f:
            return json.load(f)
    return json.loads(text)


def _actor(args) -> dict:
    actor = {"user_id": args.user or os.environ.get("JIEFEN_USER"), "role": args.role or os.environ.get("JIEFEN_ROLE"),
             "org_id": args.org or os.environ.get("JIEFEN_ORG")}
    missing = [k for k, v in actor.items() if not v]
    if missing:
        raise SystemExit(f"jiefen: who acts? give --user, --role and --org (or JIEFEN_USER, JIEFEN_ROLE, "
                         f"JIEFEN_ORG); missing: {', '.join(missing)}")
    return actor


def _deadlines(case: dict) -> str:
    parts = []
    for d in case.get("deadlines") or []:
        state = "OVERDUE" if d.get("overdue") else f"{d.get('days_left')} left"
        parts.append(f"{d.get('label')} due {d.get('due_date')} ({state})")
    return "; ".join(parts) or "-"


def cmd_register(client: JiefenClient, args) -> int:
    claim = _json_arg("@" + args.file)
    case = client.call("intake", "register_case", case=claim, idempotency_key=args.key or uuid.uuid4().hex)
    if args.json:
        print(_dump(case))
    else:
        print(f"案件编号 case no.:   {case['case_no']}\n查询码 query code:  {case.get('query_code', '-')}\n"
              f"案件ID case id:     {case['case_id']}\n状态 status:        {case['status_label']} ({case['status']})\n"
              f"期限 deadlines:     {_deadlines(case)}")
    return 0


def cmd_show(client: JiefenClient, args) -> int:
    case = client.call(args.service, "get_case", case_id=args.case_id)
    history = client.call(args.service, "case_history", case_id=args.case_id) if args.history else None
    if args.json:
        print(_dump({**case, "history": history} if history is not None else case))
        return 0
    print(f"{case['case_no']}  {case['status_label']} ({case['status']})  version {case['version']}\n"
          f"org {case['org_id']}  category {case.get('category')}  channel {case.get('channel')}\n"
          f"summary: {case.get('summary') or '-'}\ndeadlines: {_deadlines(case)}")
    for link in case.get("links") or []:
        print(f"link: {link['link_type']} {link['service']} {link.get('case_no') or link.get('case_id') or '(awaiting)'}"
              f" {link.get('status')}")
    for e in history or []:
        print(f"  {e['seq']:>3} {e['at']}  {e['event']:<24} {e.get('from') or '':<20} -> {e['to']:<20} "
              f"{e['user_id']} ({e['role']}, {e['org_id']})")
    return 0


def cmd_overdue(client: JiefenClient, args) -> int:
    listed = client.call(args.service, "overdue_cases", page={"number": args.page, "size": args.size})
    if args.json:
        print(_dump(listed))
        return 0
    print(f"{listed['total']} overdue case(s) in {args.service}, page {listed['page']}")
    for c in listed["items"]:
        k = c.get("overdue_clock") or {}
        print(f"{c['case_no']:<24} {c['status_label']:<10} {k.get('label', '')} due {k.get('due_date', '')}  "
              f"org {c['org_id']}  {c.get('summary') or ''}")
    return 0


def cmd_fire(client: JiefenClient, args) -> int:
    version = args.version
    if version is None:      # read it now; give --version to be sure nobody changed the case meanwhile
        version = client.call(args.service, "get_case", case_id=args.case_id)["version"]
    case = client.call(args.service, "fire", case_id=args.case_id, event=args.event, data=_json_arg(args.data),
                       expected_version=version, idempotency_key=args.key or uuid.uuid4().hex)
    if args.json:
        print(_dump(case))
    else:
        print(f"{case['case_no']}  now {case['status_label']} ({case['status']})  version {case['version']}")
    return 0


def cmd_hash_password(args) -> int:
    from services.gateway.passwords import main as hash_main
    return hash_main([])


def cmd_keys(args) -> int:
    from contracts.signing import generate_key, key_id, load_private_key
    if args.keys_command == "new":
        priv, pub = generate_key(args.dir, args.client_id)
        kid = key_id(load_private_key(priv).public_key())
        print(f"private key (keep it on the calling system, mode 0600): {priv}\npublic key: {pub}\nkey id: {kid}\n"
              f"add to config/clients.yaml:\n  {args.client_id}: {{kind: integration, orgs: [<org code>], "
              f"roles: [<role>], keys: [{pub.name}]}}")
    else:
        print(key_id(load_private_key(args.file).public_key()))
    return 0


def _signer(args):
    from contracts.signing import Signer
    client_id = args.client or os.environ.get("JIEFEN_CLIENT_ID")
    key_file = args.key_file or os.environ.get("JIEFEN_KEY_FILE")
    if not (client_id and key_file):
        raise SystemExit("jiefen: every call is signed: give --client and --key-file (or JIEFEN_CLIENT_ID, "
                         "JIEFEN_KEY_FILE); `jiefen keys new <client-id>` makes a key")
    return Signer.from_file(client_id, key_file)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="jiefen", description="解纷 (jiefen) terminal client over RabbitMQ")
    p.add_argument("--amqp-uri", default=None, help="broker (default: $AMQP_URI or %(default)s)")
    p.add_argument("--user", help="acting user id (or $JIEFEN_USER)")
    p.add_argument("--role", help="acting role, a SPEC §1 code (or $JIEFEN_ROLE)")
    p.add_argument("--org", help="acting organisation code (or $JIEFEN_ORG)")
    p.add_argument("--client", help="the calling client's id in config/clients.yaml (or $JIEFEN_CLIENT_ID)")
    p.add_argument("--key-file", help="its Ed25519 private key, PEM (or $JIEFEN_KEY_FILE)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each answer")
    p.add_argument("--json", action="store_true", help="print the whole answer as JSON")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("register", help="register a claim from a JSON file (RegisterCaseSchema)")
    r.add_argument("file")
    r.add_argument("--key", help="idempotency key (resend with the same key to register once)")
    r.set_defaults(run=cmd_register)

    s = sub.add_parser("show", help="show a case")
    s.add_argument("case_id")
    s.add_argument("--service", default="intake")
    s.add_argument("--history", action="store_true", help="with its timeline")
    s.set_defaults(run=cmd_show)

    o = sub.add_parser("overdue", help="list overdue cases (督办)")
    o.add_argument("--service", default="intake")
    o.add_argument("--page", type=int, default=1)
    o.add_argument("--size", type=int, default=20)
    o.set_defaults(run=cmd_overdue)

    f = sub.add_parser("fire", help="fire an event on a case")
    f.add_argument("case_id")
    f.add_argument("event")
    f.add_argument("--service", default="intake")
    f.add_argument("--data", help="the event's data: JSON, or @file.json")
    f.add_argument("--version", type=int, help="expected version (default: the current one)")
    f.add_argument("--key", help="idempotency key")
    f.set_defaults(run=cmd_fire)

    h = sub.add_parser("hash-password", help="print a scrypt hash for config/users.yaml")
    h.set_defaults(run=None)

    k = sub.add_parser("keys", help="signing keys for clients (config/clients.yaml)")
    ksub = k.add_subparsers(dest="keys_command", required=True)
    kn = ksub.add_parser("new", help="generate <dir>/<client-id>.key (0600) and .pub")
    kn.add_argument("client_id")
    kn.add_argument("--dir", default="var/keys")
    ks = ksub.add_parser("show", help="print the key id of a private key file")
    ks.add_argument("file")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "hash-password":
        return cmd_hash_password(args)
    if args.command == "keys":
        return cmd_keys(args)
    try:
        actor = _actor(args)
        signer = _signer(args)
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 2
    except (OSError, ValueError) as err:       # no such key file, not a key
        print(f"jiefen: key file: {err}", file=sys.stderr)
        return 2
    uri = args.amqp_uri or os.environ.get("AMQP_URI") or DEFAULT_AMQP_URI
    try:
        with JiefenClient(uri, actor=actor, timeout=args.timeout, retries=1, signer=signer) as client:
            return args.run(client, args)
    except JiefenError as err:
        print(json.dumps(err.to_dict(), ensure_ascii=False), file=sys.stderr)
        return 3 if err.code == "SERVICE_UNAVAILABLE" else 1
    except (OSError, ValueError) as err:       # unreadable file, bad JSON
        print(f"jiefen: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
