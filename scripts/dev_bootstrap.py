"""Prepare a fresh development Home Assistant (used by scripts/develop).

Waits for Home Assistant, finishes onboarding with the user ``dev`` / ``dev`` if it
has not been done, and adds a config entry for each simulator demo account that is
not configured yet, through the integration's own config flow (REST flow API).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
from pathlib import Path
from typing import Any

import aiohttp

CLIENT_ID = "http://127.0.0.1/"
DEV_USER = {"name": "Developer", "username": "dev", "password": "dev", "language": "en"}
ACCOUNTS: dict[str, dict[str, Any]] = {
    "odorik": {"username": "1234567", "password": "odorik-demo", "path": "/api/v1"},
    "zadarma": {
        "api_key": "1c64dee7ee7638e3a507",
        "api_secret": "d78f2a12cc1fc5effe71",
        "path": "",
    },
}


def write_http_store(config: Path, port: int) -> None:
    """Make Home Assistant listen on 127.0.0.1:``port`` only, from its first start.

    Home Assistant 2026.11 keeps this in storage: from YAML it would be staged as a trial
    that reverts to all interfaces unless confirmed in the UI within five minutes.
    """
    stable = {
        "server_port": port,
        "server_host": ["127.0.0.1"],
        "cors_allowed_origins": ["https://cast.home-assistant.io"],
        "login_attempts_threshold": -1,
        "ip_ban_enabled": True,
        "ssl_profile": "intermediate_v6",
        "use_x_frame_options": True,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "error": None,
        "error_message": None,
    }
    store = {
        "version": 3,
        "minor_version": 1,
        "key": "http",
        "data": {"stable": stable, "pending": None, "yaml_migration_done": True},
    }
    (config / ".storage").mkdir(parents=True, exist_ok=True)
    (config / ".storage" / "http").write_text(json.dumps(store, indent=2), encoding="utf-8")


async def wait_until_up(session: aiohttp.ClientSession, url: str) -> None:
    """Poll until Home Assistant answers HTTP (it takes a while on first start)."""
    for _ in range(600):
        try:
            async with session.get(f"{url}/api/onboarding") as response:
                if response.status in (200, 401, 404):
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.5)
    raise SystemExit("Home Assistant did not start within 5 minutes")


async def access_token(session: aiohttp.ClientSession, url: str) -> str:
    """Onboard with the dev user if needed, then log in and return a token."""
    async with session.get(f"{url}/api/onboarding") as response:
        steps = await response.json() if response.status == 200 else []
    pending = {step["step"] for step in steps if not step["done"]}
    if "user" in pending:
        async with session.post(
            f"{url}/api/onboarding/users", json={**DEV_USER, "client_id": CLIENT_ID}
        ) as response:
            response.raise_for_status()
            code = (await response.json())["auth_code"]
    else:
        code = await login_code(session, url)
    async with session.post(
        f"{url}/auth/token",
        data={"grant_type": "authorization_code", "code": code, "client_id": CLIENT_ID},
    ) as response:
        response.raise_for_status()
        token: str = (await response.json())["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    for step, body in (
        ("core_config", {}),
        ("analytics", {}),
        ("integration", {"client_id": CLIENT_ID, "redirect_uri": CLIENT_ID}),
    ):
        if step in pending:
            async with session.post(
                f"{url}/api/onboarding/{step}", json=body, headers=headers
            ) as response:
                response.raise_for_status()
    return token


async def login_code(session: aiohttp.ClientSession, url: str) -> str:
    """Log the dev user in through the login flow and return the authorization code."""
    async with session.post(
        f"{url}/auth/login_flow",
        json={
            "client_id": CLIENT_ID,
            "handler": ["homeassistant", None],
            "redirect_uri": CLIENT_ID,
        },
    ) as response:
        flow_id = (await response.json())["flow_id"]
    async with session.post(
        f"{url}/auth/login_flow/{flow_id}",
        json={"client_id": CLIENT_ID, "username": "dev", "password": "dev"},
    ) as response:
        result = await response.json()
    if "result" not in result:
        raise SystemExit(f"cannot log in as dev: {result}")
    code: str = result["result"]
    return code


async def add_entries(session: aiohttp.ClientSession, url: str, token: str, sim: str) -> None:
    """Run the telco config flow once per demo account not configured yet."""
    headers = {"Authorization": f"Bearer {token}"}
    async with session.get(
        f"{url}/api/config/config_entries/entry", params={"domain": "telco"}, headers=headers
    ) as response:
        existing = {entry["title"] for entry in await response.json()}
    for operator, account in ACCOUNTS.items():
        if any(title.lower().startswith(operator) for title in existing):
            continue
        async with session.post(
            f"{url}/api/config/config_entries/flow", json={"handler": "telco"}, headers=headers
        ) as response:
            flow = await response.json()
        if operator not in flow.get("menu_options", []):
            print(f"telco: operator {operator} is not offered by the config flow yet")
            continue
        flow_url = f"{url}/api/config/config_entries/flow/{flow['flow_id']}"
        async with session.post(
            flow_url, json={"next_step_id": operator}, headers=headers
        ) as response:
            await response.json()
        fields = {key: value for key, value in account.items() if key != "path"}
        body = {**fields, "advanced": {"url": sim + account["path"]}}
        async with session.post(flow_url, json=body, headers=headers) as response:
            result = await response.json()
        print(f"telco: {operator} config flow -> {result.get('type')} {result.get('title', '')}")


async def main() -> None:
    """Bring the development instance to a usable state."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ha", default="http://127.0.0.1:8123")
    parser.add_argument("--simulator", default="http://127.0.0.1:8300")
    parser.add_argument(
        "--write-http-store",
        nargs=2,
        metavar=("CONFIG", "PORT"),
        help="only write the HTTP settings of a new configuration folder, then stop",
    )
    args = parser.parse_args()
    if args.write_http_store:
        write_http_store(Path(args.write_http_store[0]), int(args.write_http_store[1]))
        return
    async with aiohttp.ClientSession() as session:
        await wait_until_up(session, args.ha)
        token = await access_token(session, args.ha)
        await add_entries(session, args.ha, token, args.simulator)


if __name__ == "__main__":
    asyncio.run(main())
