"""Operator commands on the centre's read model, through the running supervision service:

    python -m services.supervision rebuild [service ...]   # empty the model, refill it from the services
    python -m services.supervision check [service ...]     # recount from the services, list differences

Acts as JIEFEN_USER / JIEFEN_ROLE / JIEFEN_ORG (role supv at the county centre); exit status 1 when the
check finds a difference."""
from __future__ import annotations

import argparse
import json
import os
import sys

from contracts.client import JiefenClient
from contracts.errors import JiefenError
from infra.config import load_config


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.supervision")
    parser.add_argument("command", choices=("rebuild", "check"))
    parser.add_argument("services", nargs="*", help="case services (default: all)")
    args = parser.parse_args(argv)
    config = load_config()
    actor = {"user_id": os.environ.get("JIEFEN_USER", "supv-cli"), "role": os.environ.get("JIEFEN_ROLE", "supv"),
             "org_id": os.environ.get("JIEFEN_ORG", config["supervision"]["actor"]["org_id"])}
    try:
        with JiefenClient(config["amqp_uri"], actor=actor, timeout=600) as client:
            result = getattr(client.service("supervision"), args.command)(services=args.services or None)
    except JiefenError as err:
        print(f"{err.code}: {err.message}", file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result.get("consistent", True) else 1


if __name__ == "__main__":
    sys.exit(main())
