"""Run N dashboard replicas behind nginx on this machine: the tested scaling example.

Each replica is ``streamlit run serve.py`` (the app with its frame policy) on its own
loopback port; nginx (Debian's ``nginx-light``) listens on one address and sends every
browser to one replica for the whole session (cookie + consistent hash, see
``deploy/nginx.conf.template``). On several machines the same config lists their
addresses instead of loopback ports; docs/scaling.md says what else changes.

Usage::

    .venv/bin/python scripts/replicas.py --replicas 2 --port 8080   # Ctrl-C stops all

Everything listens on 127.0.0.1 only and stops with the script.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Self

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "deploy" / "nginx.conf.template"


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def nginx_exe() -> str | None:
    """Path of nginx (``/usr/sbin`` is often not on a user's PATH)."""
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )


def render_config(listen_port: int, replica_ports: list[int], run_dir: Path) -> str:
    """``deploy/nginx.conf.template`` with the ports and the run folder filled in."""
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in replica_ports)
    text = TEMPLATE.read_text(encoding="utf-8")
    return (text.replace("@@SERVERS@@", servers).replace("@@LISTEN@@", f"127.0.0.1:{listen_port}")
            .replace("@@RUN@@", str(run_dir)))


def _wait_http(url: str, proc: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout_s:.0f} s")


class Replicas:
    """``n`` replicas and nginx in front of them, as a context manager.

    Parameters
    ----------
    n : int
        Number of replicas (1–8).
    port : int, optional
        nginx's port on 127.0.0.1 (default: a free one).
    env : dict, optional
        Extra environment for the replicas (e.g. ``FEF_DATA_DIR``).
    """

    def __init__(self, n: int = 2, port: int | None = None, env: dict[str, str] | None = None) -> None:
        if not 1 <= n <= 8:
            raise ValueError(f"replicas must be 1–8, not {n}")
        exe = nginx_exe()
        if exe is None:
            raise FileNotFoundError("nginx is not installed (Debian: apt-get install nginx-light)")
        self.nginx = exe
        self.n, self.port = n, port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.replica_ports = [free_port() for _ in range(n)]
        self.env = {**os.environ, **(env or {})}
        self.run_dir = Path(tempfile.mkdtemp(prefix="fef-replicas-"))
        self.procs: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Self:
        try:
            for i, p in enumerate(self.replica_ports):
                log = (self.run_dir / f"replica{i}.log").open("ab")
                self.procs.append(subprocess.Popen(
                    [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(p),
                     "--server.address", "127.0.0.1", "--server.headless", "true",
                     "--browser.gatherUsageStats", "false"],
                    cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
                log.close()
            for proc, p in zip(self.procs, self.replica_ports, strict=True):
                _wait_http(f"http://127.0.0.1:{p}/_stcore/health", proc, 90)
            conf = self.run_dir / "nginx.conf"
            conf.write_text(render_config(self.port, self.replica_ports, self.run_dir), encoding="utf-8")
            log = (self.run_dir / "nginx.out").open("ab")
            self.procs.append(subprocess.Popen([self.nginx, "-c", str(conf), "-p", str(self.run_dir)],
                                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
            log.close()
            _wait_http(f"{self.url}/_stcore/health", self.procs[-1], 30)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop nginx and the replicas (SIGTERM, then SIGKILL after 10 s)."""
        for proc in reversed(self.procs):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        self.procs = []

    def log(self, name: str) -> str:
        """Text of one log in the run folder (``replica0.log``, ``error.log``, ``access.log``…)."""
        path = self.run_dir / name
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--replicas", type=int, default=2, help="number of replicas (1–8)")
    ap.add_argument("--port", type=int, default=8080, help="nginx port on 127.0.0.1")
    args = ap.parse_args(argv)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # `kill` stops the replicas and nginx too, as Ctrl-C does

    signal.signal(signal.SIGTERM, stop)
    try:
        with Replicas(args.replicas, args.port) as r:
            print(f"{r.n} replicas on ports {r.replica_ports}; open {r.url} (Ctrl-C stops)", flush=True)
            while all(p.poll() is None for p in r.procs):
                time.sleep(1)
            print("a process stopped; see the logs in", r.run_dir, file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        return 0
    except (OSError, ValueError, RuntimeError) as exc:
        print(f"replicas: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
