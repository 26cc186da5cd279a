"""The organisation can pin the server's certificate to its own CA by policy
(``server_ca_file``): a server whose certificate comes from anyone else gets no password."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import threading

import pytest
from capture_listener import http_reply, request_complete
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from workwell_desktop.sync import engine
from workwell_desktop.sync.server_address import ConnectionPolicy

PASSWORD = "the coach's secret password 7"
DAY = datetime.timedelta(days=1)


def _name(text: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])


def make_ca(folder, label: str):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(label))
        .issuer_name(_name(label))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - DAY)
        .not_valid_after(now + 30 * DAY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = folder / f"{label}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert, path


def make_server_cert(folder, ca_key, ca_cert):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - DAY)
        .not_valid_after(now + 30 * DAY)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server.pem", folder / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


class TlsServer:
    """Answers every HTTPS request with 401 and keeps what it decrypted."""

    def __init__(self, cert_path, key_path):
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert_path, key_path)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                raw, _ = self.sock.accept()
            except OSError:
                continue
            try:
                raw.settimeout(2)
                with self.context.wrap_socket(raw, server_side=True) as conn:
                    data = bytearray()
                    while not request_complete(data):  # read it all: closing on unread data resets
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                    self.received += data
                    conn.sendall(http_reply(401, b'{"detail":"no"}'))
            except (OSError, ssl.SSLError):
                raw.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def pki(tmp_path):
    ours_key, ours_cert, ours = make_ca(tmp_path, "organisation-ca")
    _other_key, _other_cert, other = make_ca(tmp_path, "someone-else-ca")
    server = TlsServer(*make_server_cert(tmp_path, ours_key, ours_cert))
    yield server, ours, other
    server.close()


def test_the_pinned_ca_lets_the_sign_in_through(store, pki):
    server, ours, _other = pki
    with pytest.raises(engine.SyncError, match="did not accept that username"):
        engine.register(
            store,
            f"https://127.0.0.1:{server.port}",
            "ann",
            PASSWORD,
            "laptop",
            policy=ConnectionPolicy(server_ca_file=str(ours)),
        )
    assert PASSWORD.encode() in server.received  # it arrived, inside TLS


@pytest.mark.parametrize("which", ["other", "system"])
def test_a_certificate_from_another_ca_gets_nothing(store, pki, which):
    server, _ours, other = pki
    policy = ConnectionPolicy(server_ca_file=str(other)) if which == "other" else ConnectionPolicy()
    with pytest.raises(engine.SyncError, match="did not prove it is your WorkWell service"):
        engine.register(store, f"https://127.0.0.1:{server.port}", "ann", PASSWORD, "laptop", policy=policy)
    assert not server.received


def test_an_unreadable_ca_file_is_refused_before_connecting(store, pki, tmp_path):
    server, _ours, _other = pki
    with pytest.raises(engine.SyncError, match="could not be read"):
        engine.register(
            store,
            f"https://127.0.0.1:{server.port}",
            "ann",
            PASSWORD,
            "laptop",
            policy=ConnectionPolicy(server_ca_file=str(tmp_path / "missing.pem")),
        )
    assert not server.received


@pytest.mark.parametrize("which", ["ours", "other"])
def test_an_early_connection_gets_the_same_certificate_check(store, pki, which, monkeypatch):
    """``workwell-admin sync`` may hand httpcore a connection opened before the unlock
    (sync.early_connect); TLS and the pinned CA are checked on it as on any other."""
    import httpcore

    from workwell_desktop.store import replica
    from workwell_desktop.sync import early_connect

    server, ours, other = pki
    replica.set_settings(store, sync_token="device-token-7", server_url=f"https://127.0.0.1:{server.port}")
    asked = []

    def refuse(self, host, port, *args, **kwargs):
        asked.append((host, port))
        raise httpcore.ConnectError("only the early connection may be used in this test")

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", refuse)
    early = early_connect.EarlyConnection("127.0.0.1", server.port)
    policy = ConnectionPolicy(server_ca_file=str(ours if which == "ours" else other))
    if which == "ours":
        with pytest.raises(engine.SyncError, match="no longer accepts"):
            engine.sync(store, policy=policy, early=early)
        assert b"device-token-7" in server.received  # it arrived, inside TLS
    else:
        with pytest.raises(engine.SyncError, match="did not prove it is your WorkWell service"):
            engine.sync(store, policy=policy, early=early)
        assert not server.received
    assert asked == []  # the early connection was the one used
