"""A real team server (`actorgraph serve-api`) in a subprocess, for the team-mode tests.

The server runs as its own process on 127.0.0.1 and a free port, with the
backing store's credentials in *its* environment only; the tests then talk to
it the way a team member's CLI does (`cli`, `team`, `sign_in`, `call`). TLS
material is made here with `cryptography`: a throwaway CA and a server
certificate for 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from typer.testing import CliRunner, Result

from ui.cli import app

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    url: str
    log: Path
    process: subprocess.Popen[bytes]


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path, ca: Path | None) -> None:
    context = ssl.create_default_context(cafile=str(ca)) if ca else None
    deadline = time.monotonic() + 120  # a wait for start-up, not a speed assertion
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"serve-api exited {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=5, context=context) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"serve-api did not come up:\n{log.read_text()}")


@contextmanager
def serving(
    store_url: str, tmp_path: Path, *extra: str, scheme: str = "http", ca: Path | None = None
) -> Iterator[Server]:
    """`actorgraph --store STORE_URL serve-api` on a free port until the block ends."""
    port = free_port()
    log = tmp_path / f"serve-api-{port}.log"
    command = [
        sys.executable,
        "-m",
        "ui.cli",
        "--store",
        store_url,
        "serve-api",
        "--port",
        str(port),
        *extra,
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"{scheme}://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log, ca)
        yield Server(url=url, log=log, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def make_tls(folder: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a certificate for 127.0.0.1 it signed: (ca, cert, key) files."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Fictional Team Test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, cert_file, key_file


# --------------------------------------------------------------------------- team members

ADMIN = ("ada", "admin passphrase 1")
VIEWER = ("field-1", "field passphrase 22")  # cleared to restricted
EDITOR = ("ed-1", "editor passphrase 333")  # cleared to confidential
# What a team member's CLI must not hold: the database's credentials.
NO_DB_SECRETS: dict[str, str | None] = {
    "ACTORGRAPH_NEO4J_PASSWORD": None,
    "NEO4J_PASSWORD": None,
    "ACTORGRAPH_NEO4J_USER": None,
    "NEO4J_USER": None,
}


def cli(
    runner: CliRunner,
    url: str,
    *args: str,
    who: tuple[str, str] | None = None,
    stdin: str | None = None,
) -> Result:
    """The CLI as `who`; against a team server, without the database's credentials."""
    env: dict[str, str | None] = {"ACTORGRAPH_USER": None, "ACTORGRAPH_PASSWORD": None}
    if who is not None:
        env = {"ACTORGRAPH_USER": who[0], "ACTORGRAPH_PASSWORD": who[1]}
    if url.startswith("http"):
        env |= NO_DB_SECRETS
    return runner.invoke(app, ["--store", url, *args], input=stdin, env=env)


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stderr
    return result


def add_user(runner: CliRunner, url: str, who: tuple[str, str], role: str, clearance: str) -> None:
    ok(
        cli(
            runner,
            url,
            "user",
            "add",
            who[0],
            "--role",
            role,
            "--clearance",
            clearance,
            "--password-stdin",
            who=ADMIN,
            stdin=who[1] + "\n",
        )
    )


def team(runner: CliRunner, url: str, data: Path | None) -> str:
    """The backing store with an admin, a restricted viewer, an editor and `data`."""
    ok(cli(runner, url, "init", "--admin", ADMIN[0], "--password-stdin", stdin=ADMIN[1] + "\n"))
    if data is not None:
        ok(cli(runner, url, "import", str(data), who=ADMIN))
    add_user(runner, url, VIEWER, "viewer", "restricted")
    add_user(runner, url, EDITOR, "editor", "confidential")
    return url


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


def sign_in(base: str, who: tuple[str, str]) -> str:
    """A session token for `who`, straight from the API (no CLI in between)."""
    req = urllib.request.Request(
        base + "/api/sign-in",
        data=json.dumps({"name": who[0], "password": who[1]}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=60) as r:
        token: str = json.loads(r.read())["token"]
        return token


def call(base: str, token: str, method: str, **args: Any) -> str:
    """One raw API call with a session token; the response body as text."""
    req = urllib.request.Request(
        base + "/api/call",
        data=json.dumps({"method": method, "args": args}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(req, timeout=60) as r:
        text: str = r.read().decode()
        return text
