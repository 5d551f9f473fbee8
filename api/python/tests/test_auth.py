import datetime

import pytest

import arrowhttp
from conftest import API_TOKEN, PASSWORDS, ids_table, unique


def test_without_credentials_every_call_is_unauthenticated(auth_server):
    client = arrowhttp.connect(auth_server.url)
    with pytest.raises(arrowhttp.Unauthenticated) as raised:
        client.datasets()
    assert raised.value.status == 401 and raised.value.request_id
    with pytest.raises(arrowhttp.Unauthenticated):
        client.read("tickers", params={"rows": 10})


def test_a_wrong_password_fails_the_handshake(auth_server):
    with pytest.raises(arrowhttp.Unauthenticated):
        arrowhttp.connect(auth_server.url, user="alice", password="not-her-password").datasets()


def test_a_user_signs_in_once_and_reads_and_writes_with_the_token(auth_server):
    client = arrowhttp.connect(auth_server.url, user="alice", password=PASSWORDS["alice"])
    handshakes = []
    original = client._handshake
    client._handshake = lambda basic: handshakes.append(1) or original(basic)
    assert client.read_table("tickers", params={"rows": 1000}).num_rows == 1000
    name = unique("alices")
    client.put(name, ids_table(0, 10))
    assert client.read_table(name).num_rows == 10
    client.delete(name)
    assert len(handshakes) == 1, "one handshake, then the token"


def test_the_token_is_renewed_before_it_expires(auth_server):
    client = arrowhttp.connect(auth_server.url, user="alice", password=PASSWORDS["alice"])
    handshakes = []
    original = client._handshake
    client._handshake = lambda basic: handshakes.append(1) or original(basic)
    client.datasets()
    client.datasets()
    assert len(handshakes) == 1
    # As if the token were 10 s from its expiry: the next call signs in again first.
    client._auth._expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=10)
    client.datasets()
    assert len(handshakes) == 2
    assert client._auth._expires > datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=5), (
        "the new token's expiry, from the server's answer"
    )


def test_a_reader_may_not_write(auth_server):
    client = arrowhttp.connect(auth_server.url, user="bob", password=PASSWORDS["bob"])
    assert client.read_table("small").num_rows == 1000
    with pytest.raises(arrowhttp.PermissionDenied) as raised:
        client.put(unique("bobs"), ids_table(0, 10))
    assert raised.value.status == 403 and raised.value.code == "UNAUTHORIZED"


def test_an_api_token_needs_no_handshake(auth_server):
    client = arrowhttp.connect(auth_server.url, token=API_TOKEN)
    name = unique("etl")
    assert client.put(name, ids_table(0, 5)).rows == 5
    client.delete(name)
    with pytest.raises(arrowhttp.Unauthenticated):
        arrowhttp.connect(auth_server.url, token=API_TOKEN[:-1] + "y").datasets()


def test_over_tls_a_user_signs_in_and_reads_trusting_the_servers_ca(tmp_path):
    import shutil
    import ssl
    import subprocess

    from conftest import Server, password_hash

    if shutil.which("openssl") is None:
        pytest.skip("openssl makes the test certificate")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem"), "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    (tmp_path / "users.properties").write_text(f"alice={password_hash(PASSWORDS['alice'])}\n")
    # No allow-insecure-http: the server takes credentials over HTTPS only.
    server = Server(tmp_path, "--tls-cert", str(tmp_path / "cert.pem"), "--tls-key", str(tmp_path / "key.pem"),
                    env={"ARROWHTTP_AUTH_USERS": str(tmp_path / "users.properties")})
    try:
        url = server.await_listening()
        assert url.startswith("https://")
        client = arrowhttp.connect(url, user="alice", password=PASSWORDS["alice"], tls=str(tmp_path / "cert.pem"))
        assert client.read_table("tickers", params={"rows": 10_000}).num_rows == 10_000
        context = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
        assert arrowhttp.connect(url, token=None, user="alice", password=PASSWORDS["alice"], tls=context).datasets()
        with pytest.raises(arrowhttp.Unavailable, match="CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
            arrowhttp.connect(url, user="alice", password=PASSWORDS["alice"]).datasets()
    finally:
        server.stop()
