"""Start-up of `fristad run` until GET /readyz answers 200, with the embedded Redis
(REDIS_URL unset) and a fresh data folder each time, as on a first `scripts/run`.

    python bench/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

from bench.common import FRISTAD, ROOT, clean_environ
from bench.figures import Figure
from bot.adapters.redis_server import free_port

TARGET_SECONDS = 2.0


def once() -> float:
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = {**clean_environ(), "FRISTAD_DATA_DIR": folder, "FRISTAD_LOG_LEVEL": "WARNING"}
        began = time.perf_counter()
        log = Path(folder) / "stderr.log"
        with log.open("wb") as errors:  # the loud warning about development keys
            process = subprocess.Popen(
                [*FRISTAD, "run", "--port", str(port)],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
        try:
            while process.poll() is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as response:
                        if response.status == 200:
                            return time.perf_counter() - began
                except OSError:
                    time.sleep(0.01)
                if time.perf_counter() - began > 30:
                    break
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"fristad run did not become ready (exit code {process.poll()}): {tail}")
        finally:
            process.terminate()  # it stops its embedded Redis on the way out
            process.wait(timeout=15)


def measure(runs: int = 5) -> list[Figure]:
    seconds = [once() for _ in range(runs)]
    median = statistics.median(seconds)
    return [
        Figure(
            "startup",
            "start-up of fristad run to ready (embedded Redis)",
            f"< {TARGET_SECONDS:g} s",
            median,
            "s",
            ratio=median / TARGET_SECONDS,
            met=median < TARGET_SECONDS,
            note=f"median of {runs}, fresh data folder each (dev keys made); "
            + ", ".join(f"{s:.2f}" for s in seconds)
            + " s",
            group="startup",
            detail={"seconds": seconds},
        )
    ]


if __name__ == "__main__":
    from bench.report import print_table

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    print_table(measure(parser.parse_args().runs))
