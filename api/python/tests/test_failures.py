"""Responses that break part-way: a server killed, a database stopped, a member of a group killed."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import arrowhttp
from conftest import CI, PARTS, Server, free_port, write_parts


def test_a_server_killed_mid_stream_is_a_stream_error_with_the_rows_received(tmp_path):
    server = Server(tmp_path)
    try:
        client = arrowhttp.connect(server.await_listening())
        reader = client.read("tickers", params={"rows": 500_000_000})
        rows = 0
        with pytest.raises(arrowhttp.StreamError) as raised:
            for batch in reader:
                rows += batch.num_rows
                if rows >= 10 * 6144 and server.process.poll() is None:
                    server.kill()
        assert raised.value.code == "UNAVAILABLE"
        assert "cut short" in raised.value.message
        assert raised.value.rows == rows >= 10 * 6144
        assert raised.value.request_id
    finally:
        server.stop()


def test_partitions_finish_from_the_other_member_when_one_is_killed_part_way(tmp_path):
    write_parts(tmp_path / "parts", PARTS, 200_000)
    ports = [free_port(), free_port()]
    group = ",".join(f"http://127.0.0.1:{port}/" for port in ports)
    members = []
    try:
        for index, port in enumerate(ports):
            home = tmp_path / f"member-{index}"
            home.mkdir()
            catalog = home / "catalog.yaml"
            catalog.write_text(f"duckdb:\n  batch_rows: 8192\ndatasets:\n  - name: ids\n    file: {tmp_path}/parts/*.parquet\n")
            members.append(Server(home, "--config", str(catalog), port=port, env={"ARROWHTTP_GROUP": group}))
        for member in members:
            member.await_listening()
        client = arrowhttp.connect(members[0].url)
        info = client.info("ids")
        assert [e.locations[0].split("/datasets")[0] + "/" for e in info.endpoints[:2]] == group.split(",")
        expected = 0
        batches_of_one = 0
        for batch in client.read_partitions("ids", parallel=PARTS):
            ids = batch.column("id").to_pylist()
            assert ids == list(range(expected, expected + len(ids))), "each row once, in order"
            expected += len(ids)
            if ids[0] >= 200_000 and ids[0] < 400_000:  # endpoint 1, which begins at member 1
                batches_of_one += 1
                if batches_of_one == 3:
                    members[1].kill()
        assert expected == PARTS * 200_000
        assert members[1].process.poll() is not None
        assert "/datasets/ids?partition=1&" in members[0].log_text() and "start_batch=" in members[0].log_text(), (
            "endpoint 1 resumed at member 0 where member 1 broke off"
        )
        unordered = client.read_partitions("ids", parallel=2, ordered=False).read_all()
        assert sorted(unordered.column("id").to_pylist()) == list(range(PARTS * 200_000))
        assert unordered.num_rows == PARTS * 200_000
    finally:
        for member in members:
            member.stop()


def test_partitions_of_a_group_whose_every_location_fails_raise_naming_the_endpoint(tmp_path):
    client = arrowhttp.Client("http://127.0.0.1:1/")
    from arrowhttp._partitions import fetch_partitions

    dead = f"http://127.0.0.1:{free_port()}/datasets/ids?partition=0"
    with pytest.raises(arrowhttp.StreamError, match="Endpoint 0 failed at every location"):
        fetch_partitions(client, [[dead, dead]], parallel=1, ordered=True, query={}, compression=None, deadline=None)


def _postgres_bin():
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")) if Path("/usr/lib/postgresql").exists() else []
    return found[-1].parent if found else None


class Postgres:
    """A throwaway PostgreSQL cluster (Debian's package): initdb, pg_ctl on 127.0.0.1; as root, run as postgres."""

    USER = "arrowhttp"

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.root = os.geteuid() == 0
        self.folder = Path(tempfile.mkdtemp(prefix="arrowhttp-postgres"))
        self.port = free_port()
        self.password = os.urandom(12).hex()
        (self.folder / "password").write_text(self.password)
        if self.root:
            os.chmod(self.folder, 0o755)
            subprocess.run(["chown", "-R", "postgres:postgres", str(self.folder)], check=True)
        self._run("initdb", "-D", str(self.folder / "data"), "-U", self.USER, "--auth=scram-sha-256",
                  f"--pwfile={self.folder / 'password'}", "-E", "UTF8", "--locale=C")
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-l", str(self.folder / "postgres.log"), "-w", "-t", "60",
                  "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off", "start")

    def _run(self, tool: str, *args: str) -> str:
        command = [str(self.bin / tool), *args]
        if self.root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {done.stdout}{done.stderr}")
        return done.stdout

    def psql(self, sql: str) -> str:
        env = dict(os.environ, PGPASSWORD=self.password)
        done = subprocess.run([str(self.bin / "psql"), "-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                               "-p", str(self.port), "-U", self.USER, "-d", "postgres", "-c", sql],
                              capture_output=True, text=True, env=env, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(done.stdout + done.stderr)
        return done.stdout

    def stop(self) -> None:
        if (self.folder / "data" / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")

    def close(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres():
    bin_dir = _postgres_bin()
    if bin_dir is None:
        message = "PostgreSQL's server is not installed: apt-get install postgresql (.ci/run does)"
        if CI:
            pytest.fail(message)
        pytest.skip(message)
    cluster = Postgres(bin_dir)
    try:
        cluster.psql("CREATE TABLE trades AS SELECT g AS id, md5(g::text) AS note FROM generate_series(1, 1000000) g")
        yield cluster
    finally:
        cluster.close()


def test_a_value_that_fails_the_first_batch_raises_the_servers_code_and_message(tmp_path, postgres):
    postgres.psql("CREATE TABLE odd (id int NOT NULL, amount numeric(10, 2));"
                  " INSERT INTO odd VALUES (1, 'NaN'), (2, 1.5)")
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(f"""datasets:
  - name: odd
    jdbc:
      url: jdbc:postgresql://127.0.0.1:{postgres.port}/postgres
      user: {Postgres.USER}
      password: ${{env:PG_PASSWORD}}
    sql: "SELECT id, amount FROM odd ORDER BY id"
""")
    server = Server(tmp_path, "--config", str(catalog), env={"PG_PASSWORD": postgres.password})
    try:
        client = arrowhttp.connect(server.await_listening())
        with pytest.raises(arrowhttp.StreamError) as raised:
            client.read_table("odd")
        assert raised.value.code == "UNAVAILABLE", raised.value
        assert "cannot serve column 'amount', row 1: numeric NaN" in str(raised.value), raised.value
        assert raised.value.rows == 0
        assert client.read_table("odd", limit=0).num_rows == 0, "the dataset still answers"
    finally:
        server.stop()


def test_a_database_stopped_mid_stream_is_a_stream_error_with_the_servers_code(tmp_path, postgres):
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(f"""datasets:
  - name: trades
    jdbc:
      url: jdbc:postgresql://127.0.0.1:{postgres.port}/postgres
      user: {Postgres.USER}
      password: ${{env:PG_PASSWORD}}
    sql: "SELECT id, note FROM trades WHERE id >= :from ORDER BY id"
    parameters:
      from: {{type: long, default: 1}}
    batch_rows: 2048
""")
    server = Server(tmp_path, "--config", str(catalog), env={"PG_PASSWORD": postgres.password})
    try:
        client = arrowhttp.connect(server.await_listening())
        first = client.read_table("trades", params={"from": 999_001})
        assert first.column("id").to_pylist() == list(range(999_001, 1_000_001)), "the parameter is bound"
        reader = client.read("trades")
        rows = 0
        with pytest.raises(arrowhttp.StreamError) as raised:
            for batch in reader:
                rows += batch.num_rows
                if rows == 2048:
                    postgres.stop()
        # The server answers a source that fails with the failure marker and its status part
        # (INTERNAL or UNAVAILABLE with an error id) or, when the database's connection breaks
        # while a batch is on its way, by dropping the connection: a StreamError either way.
        assert raised.value.code in ("UNAVAILABLE", "INTERNAL"), raised.value
        if raised.value.stream_status is not None:
            assert raised.value.error_id
        assert raised.value.rows == rows < 1_000_000
    finally:
        server.stop()
