"""The simulator in a process of its own, for benchmarks whose measurements must not include it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
from pathlib import Path
import subprocess
import sys

ROOT = Path(__file__).resolve().parents[2]


@contextlib.asynccontextmanager
async def simulator_process() -> AsyncIterator[str]:
    """Run ``python -m tests.simulator`` on a free port of 127.0.0.1; yield its root URL.

    The process is stopped on exit, however the block ends.
    """
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.simulator",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    output = process.stdout
    if output is None:
        raise RuntimeError("the simulator's output is not piped")
    try:
        while not (line := (await output.readline()).decode()).startswith("Zadarma"):
            if not line:
                raise RuntimeError("the simulator did not start")
        yield line.split()[-1]
    finally:
        process.terminate()
        await process.wait()
