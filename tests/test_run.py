"""`make run`'s supervisor (bin/run): a child that dies is started again, and Ctrl-C stops
all three processes and their children."""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_dead_child_is_started_again_and_ctrl_c_stops_everything(tmp_path):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "EPAPHRAS_REQUIRE_POSTGRES"}
    }
    # The stack as `make run` starts it, without the code reloader and the demo data.
    env.update(
        EPAPHRAS_VAR_DIR=str(tmp_path), EPAPHRAS_ADDR=f"127.0.0.1:{port}", EPAPHRAS_RELOAD="0"
    )
    run = subprocess.Popen(
        [sys.executable, str(ROOT / "bin" / "run")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(run.stderr), daemon=True)
    reader.start()

    def started(name: str) -> list[int]:
        return [
            int(m.group(1))
            for m in re.finditer(rf"\[run\] {name} started \(pid (\d+)\)", "".join(lines))
        ]

    def wait_for(condition, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.2)
        raise AssertionError(f"{what}; the supervisor said:\n" + "".join(lines)[-3000:])

    def answers() -> bool:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
        except urllib.error.HTTPError:
            return True  # it answered, even if something it checks is not ready
        except OSError:
            return False
        return True

    try:
        wait_for(answers, 60, "the web server never answered")
        wait_for(lambda: " ready." in "".join(lines) or started("worker"), 60, "no worker")
        (first_worker,) = started("worker")
        os.killpg(first_worker, signal.SIGKILL)  # as the out-of-memory killer would
        wait_for(lambda: len(started("worker")) == 2, 30, "the worker was not started again")
        assert answers(), "the web server went down with the worker"
        children = [pid for name in ("worker", "beat", "web") for pid in started(name)]

        stopped_at = time.monotonic()
        os.kill(run.pid, signal.SIGINT)  # Ctrl-C
        run.wait(timeout=30)
        took = time.monotonic() - stopped_at
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        for name in ("worker", "beat", "web"):  # each in its own process group
            for pid in started(name):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
    print(f"\nCtrl-C: the supervisor and its children stopped in {took:.1f} s")
    assert run.returncode == 0
    assert [pid for pid in children if alive(pid)] == []


def test_children_stop_when_the_supervisor_is_killed(tmp_path):
    """SIGKILL cannot be caught: the children, told at start to stop with their parent
    (Linux's parent-death signal), do not outlive it."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    env.update(
        EPAPHRAS_VAR_DIR=str(tmp_path), EPAPHRAS_ADDR=f"127.0.0.1:{port}", EPAPHRAS_RELOAD="0"
    )
    run = subprocess.Popen(
        [sys.executable, str(ROOT / "bin" / "run")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(run.stderr), daemon=True).start()
    deadline = time.monotonic() + 30
    pids: list[int] = []
    while time.monotonic() < deadline and len(pids) < 3:
        pids = [int(p) for p in re.findall(r"started \(pid (\d+)\)", "".join(lines))]
        time.sleep(0.2)
    assert len(pids) == 3, "".join(lines)
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=10)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.2)
    left = [pid for pid in pids if alive(pid)]
    for pid in left:
        os.killpg(pid, signal.SIGKILL)
    assert left == []
