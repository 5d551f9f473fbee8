"""Fixtures: the standalone server jar on 127.0.0.1, as a user starts it, and data files for it.

The jar comes from ``ARROWHTTP_SERVER_JAR`` or ``standalone/target/arrowhttp-server.jar`` of this
repository (``mvn package`` makes it). Without it the suite is skipped, unless ``CI=true``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Dict, List, Optional

import pyarrow as pa
import pyarrow.compute  # noqa: F401
import pyarrow.parquet as pq
import pytest

import arrowhttp

REPOSITORY = Path(__file__).resolve().parents[3]
JAR = Path(os.environ.get("ARROWHTTP_SERVER_JAR", REPOSITORY / "standalone" / "target" / "arrowhttp-server.jar"))
CI = os.environ.get("CI") == "true"
LISTENING = re.compile(r"arrowhttp listening on (https?://127\.0\.0\.1:\d+/)")

PASSWORDS = {"alice": "alice-password-of-the-tests", "bob": "bob-password-of-the-tests"}
API_TOKEN = "etl-api-token-" + "x" * 40


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java") or "java"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One server jar process; its output goes to a file, read for its address."""

    def __init__(self, home: Path, *args: str, port: int = 0, env: Optional[Dict[str, str]] = None) -> None:
        self.home = home
        self.log = home / "server.log"
        environment = dict(os.environ)
        environment.update(env or {})
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                # A cache folder of the test's own: never the user's, which their own server locks.
                [_java(), "-Xmx256m", f"-Darrowhttp.cache.directory={home / 'arrow-cache'}", "-jar", str(JAR),
                 "--port", str(port), *args],
                cwd=home,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=environment,
            )
        self.url: Optional[str] = None

    def await_listening(self, seconds: float = 90) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.process.poll() is None:
            found = LISTENING.search(self.log.read_text(errors="replace"))
            if found:
                self.url = found.group(1)
                return self.url
            time.sleep(0.1)
        raise AssertionError("the jar did not print its address:\n" + self.log.read_text(errors="replace"))

    def kill(self) -> None:
        """SIGKILL: the process dies at once, mid-response."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def password_hash(password: str, iterations: int = 600_000) -> str:
    """A line's hash for the users file, in the server's format (PBKDF2-HMAC-SHA256)."""
    salt = secrets.token_bytes(16)
    derived = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations, 32)
    return f"pbkdf2-sha256${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(derived).decode()}"


def ids_table(first: int, rows: int) -> pa.Table:
    ids = pa.array(range(first, first + rows), pa.int64())
    return pa.table({"id": ids, "label": pa.compute.cast(ids, pa.string())})


PARTS = 4
ROWS_PER_PART = 50_000


def write_parts(folder: Path, parts: int = PARTS, rows: int = ROWS_PER_PART) -> None:
    """``parts`` Parquet files of consecutive ids, a partitioned dataset when globbed."""
    folder.mkdir(parents=True, exist_ok=True)
    for part in range(parts):
        pq.write_table(ids_table(part * rows, rows), folder / f"part-{part}.parquet")


@pytest.fixture(scope="session", autouse=True)
def _jar() -> None:
    if not JAR.exists():
        message = f"The server jar {JAR} is not built: mvn package -pl standalone -am"
        if CI:
            pytest.fail(message)
        pytest.skip(message, allow_module_level=True)


@pytest.fixture(scope="session")
def data_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    write_parts(folder / "parts")
    pq.write_table(ids_table(0, 1000), folder / "small.parquet")
    return folder


def _catalog(folder: Path, uploads: str, data: Path) -> Path:
    catalog = folder / "catalog.yaml"
    catalog.write_text(
        f"""duckdb:
  batch_rows: 8192
uploads:
  directory: uploads
{uploads}
datasets:
  - name: parts
    description: "Four Parquet files of consecutive ids"
    file: {data}/parts/*.parquet
    metadata: {{source: tests}}
  - name: small
    file: {data}/small.parquet
"""
    )
    return catalog


@pytest.fixture(scope="session")
def _servers(tmp_path_factory: pytest.TempPathFactory, data_folder: Path):
    """The two session servers, started side by side: without and with authentication."""
    open_home = tmp_path_factory.mktemp("open-server")
    auth_home = tmp_path_factory.mktemp("auth-server")
    users = auth_home / "users.properties"
    users.write_text("".join(f"{user}={password_hash(password)}\n" for user, password in PASSWORDS.items()))
    servers = [
        Server(open_home, "--config", str(_catalog(open_home, "  writable: true", data_folder))),
        Server(
            auth_home,
            "--config",
            str(_catalog(auth_home, "  writers: [alice, etl]", data_folder)),
            env={
                "ARROWHTTP_AUTH_USERS": str(users),
                "ARROWHTTP_AUTH_API_TOKENS": f"etl={API_TOKEN}",
                "ARROWHTTP_AUTH_ALLOW_INSECURE_HTTP": "true",
            },
        ),
    ]
    try:
        for server in servers:
            server.await_listening()
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture(scope="session")
def server(_servers) -> Server:
    """A server without authentication, whose uploads anyone may write."""
    return _servers[0]


@pytest.fixture(scope="session")
def auth_server(_servers) -> Server:
    """A server with users alice (a writer) and bob (a reader), and an API token for etl (a writer)."""
    return _servers[1]


@pytest.fixture
def client(server: Server) -> arrowhttp.Client:
    with arrowhttp.connect(server.url) as c:
        yield c


def status(client: arrowhttp.Client) -> dict:
    """The server's ``/status``: its Arrow memory and streams by outcome."""
    return client._json("GET", client._url("status"))


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def all_ids(tables: List[pa.Table]) -> List[int]:
    return [i for t in tables for i in t.column("id").to_pylist()]
