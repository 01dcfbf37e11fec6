"""`make run`'s supervisor (bin/run): a child that dies is started again, Ctrl-C stops all
three processes and their children, and the children do not outlive a killed supervisor."""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILDREN = ("worker", "beat", "web")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class Stack:
    """bin/run as `make run` starts it, on the embedded defaults (SQLite, the filesystem
    broker) in a folder of its own, without the code reloader and the demo data."""

    def __init__(self, var_dir: Path):
        with socket.socket() as probe:  # a free port on loopback
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "EPAPHRAS_REQUIRE_POSTGRES"}
        }
        env.update(
            EPAPHRAS_VAR_DIR=str(var_dir),
            EPAPHRAS_ADDR=f"127.0.0.1:{self.port}",
            EPAPHRAS_RELOAD="0",
        )
        self.run = subprocess.Popen(
            [sys.executable, str(ROOT / "bin" / "run")],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        assert self.run.stderr is not None
        stderr = self.run.stderr
        threading.Thread(target=lambda: self.lines.extend(stderr), daemon=True).start()

    def said(self) -> str:
        return "".join(self.lines)

    def started(self, name: str) -> list[int]:
        """The pids the supervisor reported for ``name``, in order."""
        pattern = rf"\[run\] {name} started \(pid (\d+)\)"
        return [int(pid) for pid in re.findall(pattern, self.said())]

    def children(self) -> list[int]:
        return [pid for name in CHILDREN for pid in self.started(name)]

    def wait_for(self, condition, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.2)
        raise AssertionError(f"{what}; the supervisor said:\n{self.said()[-3000:]}")

    def answers(self) -> bool:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
        except urllib.error.HTTPError:
            return True  # it answered, even if something it checks is not ready
        except OSError:
            return False
        return True

    def kill_everything(self) -> None:
        """Whatever a failed test left running: the supervisor and each child's group."""
        for pid in [self.run.pid, *self.children()]:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)


def test_a_dead_child_is_started_again_and_ctrl_c_stops_everything(tmp_path):
    stack = Stack(tmp_path)
    try:
        stack.wait_for(stack.answers, 60, "the web server never answered")
        stack.wait_for(lambda: stack.started("worker"), 60, "no worker")
        (first_worker,) = stack.started("worker")
        os.killpg(first_worker, signal.SIGKILL)  # as the out-of-memory killer would
        stack.wait_for(
            lambda: len(stack.started("worker")) == 2, 30, "the worker was not started again"
        )
        assert stack.answers(), "the web server went down with the worker"
        children = stack.children()

        stopped_at = time.monotonic()
        os.kill(stack.run.pid, signal.SIGINT)  # Ctrl-C
        stack.run.wait(timeout=30)
        took = time.monotonic() - stopped_at
    finally:
        stack.kill_everything()
    print(f"\nCtrl-C: the supervisor and its children stopped in {took:.1f} s")
    assert stack.run.returncode == 0
    assert [pid for pid in children if alive(pid)] == []


def test_children_stop_when_the_supervisor_is_killed(tmp_path):
    """SIGKILL cannot be caught: the children, told at start to stop with their parent
    (Linux's parent-death signal), do not outlive it."""
    stack = Stack(tmp_path)
    try:
        stack.wait_for(lambda: len(stack.children()) == 3, 30, "not all three started")
        children = stack.children()
        os.kill(stack.run.pid, signal.SIGKILL)
        stack.run.wait(timeout=10)
        stack.wait_for(
            lambda: not any(alive(pid) for pid in children), 20, "a child outlived the supervisor"
        )
    finally:
        stack.kill_everything()
