"""`make up` / `make down`: the one-machine deployment, Airflow standalone with our DAGs.

`up` prepares Airflow's SQLite metadata DB, the pools and the state DB (deploy/airflow-init.sh,
the script the compose file's airflow-init runs), optionally starts the Compliance API
simulator and registers its key, starts `airflow standalone` (api-server, scheduler,
dag-processor, triggerer; LocalExecutor) and the dashboard, each in its own process group,
waits until Airflow reports every component healthy, and returns. `down` stops every group
and checks that no process of the launch is left.

    python -m deploy.local up [--simulator] [--port 8080]    # what `make up` runs
    python -m deploy.local status
    python -m deploy.local down                             # what `make down` runs
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from deploy import processes
from deploy.airflow_api import is_healthy
from deploy.compose import REPO

INIT_SCRIPT = REPO / "deploy" / "airflow-init.sh"
SIMULATOR_KEY_NAME = "Simulator (make up)"
# Standalone stops its components in order on SIGINT (its Ctrl-C path) while it still reads
# their output. SIGTERM kills it outright: its components then log into a closed pipe, and
# on a loaded CI machine two of them outlived a 60 s grace and had to be killed.
STOP_SIGNALS = {"airflow-standalone": signal.SIGINT}


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a local deployment keeps its state: `var/local` unless told otherwise."""

    state_dir: Path

    @property
    def airflow_home(self) -> Path:
        return self.state_dir / "airflow"

    @property
    def run_dir(self) -> Path:
        return self.state_dir / "run"

    @property
    def log_dir(self) -> Path:
        return self.state_dir / "logs"

    @property
    def password_file(self) -> Path:
        """Where Airflow's SimpleAuthManager writes the generated `admin` password."""
        return self.airflow_home / "simple_auth_manager_passwords.json.generated"


def bin_dir() -> Path:
    """The folder of this interpreter's console scripts (`airflow`, `claude-compliance`)."""
    return Path(sys.executable).parent


def airflow_env(
    layout: Layout, home: Path, port: int, base: Mapping[str, str], api_url: str | None
) -> dict[str, str]:
    """The environment of every process of the local deployment."""
    url = f"http://127.0.0.1:{port}"
    env = dict(base)
    env.update(
        {
            "PATH": f"{bin_dir()}{os.pathsep}{base.get('PATH', '')}",
            "AIRFLOW_HOME": str(layout.airflow_home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            # Two cores: more parallel tasks only queue for the CPU (ARCHITECTURE §6).
            "AIRFLOW__CORE__PARALLELISM": "4",
            # `timeout`: wait up to 30 s for the scheduler's writes, not 5 s, before "database
            # is locked" (a CLI `backfill create` lost that race on the loaded 2-core machine).
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": (
                f"sqlite:///{layout.airflow_home}/airflow.db?timeout=30"
            ),
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(layout.airflow_home / "logs"),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(port),
            # A port other than 8080 needs the base URL too, or every task fails to reach the
            # execution API (ARCHITECTURE §6).
            "AIRFLOW__API__BASE_URL": url,
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{url}/execution/",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
            "CLAUDE_COMPLIANCE_HOME": str(home),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        }
    )
    if api_url:
        env["CLAUDE_COMPLIANCE_API_URL"] = api_url
    return env


def run_init(env: Mapping[str, str], log_dir: Path, *, timeout_s: float = 600.0) -> None:
    """deploy/airflow-init.sh: migrations and pools; raises with the log's tail on failure."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / "airflow-init.log"
    with open(log_path, "ab") as log:
        try:
            proc = subprocess.run(  # noqa: S603 - our script
                [shutil.which("bash") or "/bin/bash", str(INIT_SCRIPT)],
                env=dict(env),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                timeout=timeout_s,
                check=False,
                start_new_session=True,
            )
        except subprocess.TimeoutExpired:
            raise processes.LaunchError(f"airflow-init took over {timeout_s:.0f}s") from None
    if proc.returncode != 0:
        raise processes.LaunchError(
            f"airflow-init failed (exit {proc.returncode}):\n{processes.tail(log_path)}"
        )


def answers_http(url: str) -> bool:
    """Any HTTP answer at all (a 404 or a login redirect included) means the server is up."""
    try:
        httpx.get(url, timeout=3.0)
    except httpx.HTTPError:
        return False
    return True


def register_simulator_key(env: Mapping[str, str], keys_file: Path, log_dir: Path) -> None:
    """`claude-compliance keys add` with the simulator's key on stdin (already there: fine)."""
    key = json.loads(keys_file.read_text())["compliance"]
    proc = subprocess.run(  # noqa: S603 - our console script; the key goes on stdin
        [str(bin_dir() / "claude-compliance"), "keys", "add", "--name", SIMULATOR_KEY_NAME],
        env=dict(env),
        input=key + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = proc.stdout + proc.stderr
    with open(log_dir / "keys-add.log", "a") as log:
        log.write(output.replace(key, "[key]"))
    if proc.returncode != 0 and "already registered" not in output:
        raise processes.LaunchError(f"keys add failed: {output.replace(key, '[key]').strip()}")


def up(args: argparse.Namespace) -> int:
    layout = Layout(args.state_dir.resolve())
    home = Path(os.environ.get("CLAUDE_COMPLIANCE_HOME") or REPO / "var").resolve()
    live = {name: pids for name, pids in processes.running(layout.run_dir).items() if pids}
    if live:
        print(f"already up ({', '.join(live)}); `make down` first", file=sys.stderr)
        return 1
    started_at = time.monotonic()
    api_url = f"http://127.0.0.1:{args.simulator_port}" if args.simulator else None
    env = airflow_env(layout, home, args.port, os.environ, api_url)
    try:
        print(f"airflow-init (migrations, pools) → {layout.log_dir / 'airflow-init.log'}")
        run_init(env, layout.log_dir)
        if args.simulator:
            start_simulator(args, layout, env, home)
        processes.start(
            "airflow-standalone",
            [str(bin_dir() / "airflow"), "standalone"],
            env,
            layout.run_dir,
            layout.log_dir,
        )
        dashboard = None
        if not args.no_dashboard:
            dashboard = f"http://127.0.0.1:{args.dashboard_port}"
            serve = [
                str(bin_dir() / "claude-compliance"),
                "serve",
                "--port",
                str(args.dashboard_port),
            ]
            processes.start("dashboard", serve, env, layout.run_dir, layout.log_dir)
        base_url = f"http://127.0.0.1:{args.port}"
        processes.wait_until(
            lambda: is_healthy(base_url),
            timeout_s=args.timeout,
            what=f"Airflow at {base_url} to report every component healthy",
            interval_s=2.0,
            servers=layout.run_dir,
        )
        if dashboard:
            processes.wait_until(
                lambda: answers_http(dashboard),
                timeout_s=60,
                what=f"the dashboard at {dashboard}",
                servers=layout.run_dir,
            )
    except (processes.LaunchError, OSError) as exc:
        shown = processes.stop_after_failure(
            layout.run_dir, layout.log_dir, leader_signals=STOP_SIGNALS
        )
        print(f"error: {exc}\n{shown}", file=sys.stderr)
        return 1
    print(f"Airflow      {base_url}  (user admin, password in {layout.password_file})")
    if dashboard:
        print(f"Dashboard    {dashboard}")
    else:
        print("Dashboard    not started (--no-dashboard)")
    if args.simulator:
        print(f"Simulator    {api_url}  (its key is registered as {SIMULATOR_KEY_NAME!r})")
    print(f"Warehouse    {home / 'warehouse' / 'compliance.duckdb'}")
    print(f"Logs         {layout.log_dir}")
    print(
        f"Up in {time.monotonic() - started_at:.0f}s. Unpause compliance_sync in the UI; "
        "`make down` stops it all."
    )
    return 0


def start_simulator(
    args: argparse.Namespace, layout: Layout, env: Mapping[str, str], home: Path
) -> None:
    keys_file = layout.state_dir / "simulator-keys.json"
    argv = [
        str(bin_dir() / "claude-compliance"),
        "simulator",
        "--port",
        str(args.simulator_port),
        "--seed",
        str(args.simulator_seed),
        "--users",
        str(args.simulator_users),
        "--days",
        str(args.simulator_days),
        "--keys-out",
        str(keys_file),
        "--truth",
        str(home / "simulator-truth.jsonl"),
    ]
    keys_file.unlink(missing_ok=True)
    processes.start("simulator", argv, env, layout.run_dir, layout.log_dir)
    url = f"http://127.0.0.1:{args.simulator_port}"
    processes.wait_until(
        lambda: keys_file.exists() and answers_http(url),
        timeout_s=120,
        what=f"the simulator at {url}",
        interval_s=0.5,
        servers=layout.run_dir,
    )
    register_simulator_key(env, keys_file, layout.log_dir)


def down(args: argparse.Namespace) -> int:
    layout = Layout(args.state_dir.resolve())
    report = processes.stop_all(layout.run_dir, grace_s=args.grace, leader_signals=STOP_SIGNALS)
    for line in report or ["nothing was running"]:
        print(line)
    return 0


def status(args: argparse.Namespace) -> int:
    layout = Layout(args.state_dir.resolve())
    servers = processes.running(layout.run_dir)
    for name, pids in servers.items():
        print(f"{name}: {'up, ' + str(len(pids)) + ' process(es)' if pids else 'exited'}")
    if not servers:
        print("down")
    return 0 if servers and all(servers.values()) else 1


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(prog="python -m deploy.local", description=__doc__.split("\n")[0])
    cli.add_argument(
        "--state-dir", type=Path, default=REPO / "var" / "local", help="default: var/local"
    )
    commands = cli.add_subparsers(dest="command", required=True)
    start = commands.add_parser("up", help="start Airflow standalone (and the dashboard)")
    start.add_argument("--port", type=int, default=8080, help="Airflow's port (default 8080)")
    start.add_argument("--dashboard-port", type=int, default=8050)
    start.add_argument("--no-dashboard", action="store_true")
    start.add_argument("--simulator", action="store_true", help="use the built-in simulator")
    start.add_argument("--simulator-port", type=int, default=8765)
    start.add_argument("--simulator-seed", type=int, default=7)
    start.add_argument("--simulator-users", type=int, default=12)
    start.add_argument("--simulator-days", type=int, default=7)
    start.add_argument(
        "--timeout", type=float, default=300.0, help="seconds to wait for health (default 300)"
    )
    start.set_defaults(handler=up)
    stop = commands.add_parser("down", help="stop everything `up` started")
    # Airflow standalone stops its scheduler, triggerer and api-server in turn; on a loaded
    # 2-core machine that has been seen to take over 30 s.
    stop.add_argument("--grace", type=float, default=60.0, help="seconds before SIGKILL")
    stop.set_defaults(handler=down)
    commands.add_parser("status", help="what is running").set_defaults(handler=status)
    return cli


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    result: int = args.handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
