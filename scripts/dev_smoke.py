"""Exercise a running development Home Assistant and check its log (used after scripts/develop).

Logs in as ``dev``, polls every telco coordinator through ``homeassistant.update_entity``
on one entity of each, turns a SIM card's *Mobile data* switch off and on again, and
then reads Home Assistant's log. Prints what it did and every deprecation report or
error of the integration it finds; exits 1 if there is any.

    cd scripts && python dev_smoke.py --log ../config/ha-2026.11.0/home-assistant.log
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
import sys
from typing import Any

import aiohttp
from dev_bootstrap import access_token

# One entity per coordinator: Odorik account, active calls, mobile data, routing; Zadarma account.
POLLED = {
    "Odorik account": "sensor.odorik_1234567_balance",
    "Odorik active calls": "sensor.odorik_1234567_active_calls",
    "Odorik mobile data": "sensor.sim_420_799_799_081_data_used_this_month",
    "Odorik routing": "sensor.420_910_110_910_routing_rules",
    "Zadarma account": "sensor.zadarma_453101_balance",
}
SWITCH = "switch.sim_420_799_799_081_mobile_data"
REPORTS = ("Detected that custom integration 'telco'", "Detected code that")


async def call(
    session: aiohttp.ClientSession, url: str, token: str, service: str, entity_id: str
) -> None:
    """Call a service on one entity and wait for it to finish."""
    domain, name = service.split(".")
    async with session.post(
        f"{url}/api/services/{domain}/{name}",
        json={"entity_id": entity_id},
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        response.raise_for_status()


async def state(session: aiohttp.ClientSession, url: str, token: str, entity_id: str) -> Any:
    """Return an entity's state, or None if Home Assistant does not know it."""
    async with session.get(
        f"{url}/api/states/{entity_id}", headers={"Authorization": f"Bearer {token}"}
    ) as response:
        return (await response.json())["state"] if response.status == 200 else None


async def exercise(url: str) -> list[str]:
    """Poll each coordinator and write a switch; return what went wrong."""
    problems: list[str] = []
    async with aiohttp.ClientSession() as session:
        token = await access_token(session, url)
        for coordinator, entity_id in POLLED.items():
            before = await state(session, url, token, entity_id)
            if before is None:
                problems.append(f"{coordinator}: {entity_id} does not exist")
                continue
            await call(session, url, token, "homeassistant.update_entity", entity_id)
            after = await state(session, url, token, entity_id)
            print(f"polled {coordinator}: {entity_id} = {after}")
        for service in ("switch.turn_off", "switch.turn_on"):
            await call(session, url, token, service, SWITCH)
            print(f"{service} {SWITCH} -> {await state(session, url, token, SWITCH)}")
    return problems


def log_problems(log: Path) -> list[str]:
    """Return the deprecation reports and telco errors in Home Assistant's log."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return [
        line
        for line in lines
        if any(report in line for report in REPORTS) or (" ERROR " in line and "telco" in line)
    ]


def main() -> int:
    """Run the checks and print a report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ha", default="http://127.0.0.1:8123")
    parser.add_argument("--log", type=Path, required=True)
    args = parser.parse_args()
    problems = asyncio.run(exercise(args.ha))
    # Start-up is part of the check: the log holds this run of Home Assistant from its start.
    problems += log_problems(args.log)
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print("no deprecation report, no telco error" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
