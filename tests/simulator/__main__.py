"""Run the simulator: ``python -m tests.simulator --port 8300``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .app import SimulatorServer


async def _serve(args: argparse.Namespace) -> None:
    async with SimulatorServer(
        host=args.host, port=args.port, latency_ms=args.latency_ms, seed=not args.empty
    ) as server:
        print(f"Odorik simulator:  {server.odorik_url}", flush=True)
        print(f"Zadarma simulator: {server.zadarma_url}", flush=True)
        print(f"Control:           {server.url}/_control/requests", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    """Parse the command line and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m tests.simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8300, help="TCP port (0 = any free port)")
    parser.add_argument("--latency-ms", type=int, default=0, help="delay added to every answer")
    parser.add_argument("--empty", action="store_true", help="start without the demo accounts")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
