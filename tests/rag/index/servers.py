"""Real servers for store tests: `chroma run` on 127.0.0.1 (pausable, killable, restartable) and the
nginx gate of deploy/chroma-gate.conf.template (TLS + token) in front of it."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from rag.config import PROJECT_ROOT

CHROMA = Path(shutil.which("chroma") or Path(sys.executable).parent / "chroma")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
GATE_TEMPLATE = PROJECT_ROOT / "deploy" / "chroma-gate.conf.template"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_port(port: int, process: subprocess.Popen, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {timeout:.0f} s")


class ChromaServer:
    """`chroma run --path DIR` on a fixed loopback port, so a restart comes back at the same address."""

    def __init__(self, path: Path, port: int | None = None):
        self.path, self.port = path, port or free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> ChromaServer:
        self.process = subprocess.Popen(
            [str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        _wait_port(self.port, self.process, "chroma run")
        for _ in range(100):  # the port opens a little before the API answers
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("chroma run does not answer its heartbeat")

    def pause(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)

    def kill(self) -> None:
        """SIGKILL: what a crash or an OOM kill does (no shutdown, no flush beyond what is committed)."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=20)
        self.process = None

    def restart(self) -> None:
        self.kill()
        self.start()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
        self.process = None


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (the certificate is also the CA file clients trust)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "chroma-gate test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "gate.crt", folder / "gate.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Gate:
    """nginx with deploy/chroma-gate.conf.template: TLS on `port`, a token on every request, then Chroma."""

    def __init__(self, folder: Path, upstream_port: int, token: str):
        self.folder, self.port, self.token = folder, free_port(), token
        folder.mkdir(parents=True, exist_ok=True)
        self.cert, self.key = self_signed(folder)
        gate = string.Template(GATE_TEMPLATE.read_text(encoding="utf-8")).safe_substitute(
            CHROMA_TOKEN=token, CHROMA_GATE_LISTEN=f"127.0.0.1:{self.port}", CHROMA_GATE_CERT=str(self.cert),
            CHROMA_GATE_KEY=str(self.key), CHROMA_UPSTREAM=f"127.0.0.1:{upstream_port}")
        (folder / "gate.conf").write_text(gate, encoding="utf-8")
        temp = folder / "temp"
        temp.mkdir(exist_ok=True)
        temp.chmod(0o777)  # workers drop to an unprivileged user when nginx starts as root
        (folder / "nginx.conf").write_text(
            f"daemon off;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\n"
            "worker_processes 1;\nevents { worker_connections 64; }\n"
            f"http {{\n  access_log off;\n  client_body_temp_path {temp}/body;\n  proxy_temp_path {temp}/proxy;\n"
            f"  fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n  scgi_temp_path {temp}/scgi;\n"
            f"  include {folder / 'gate.conf'};\n}}\n", encoding="utf-8")
        self.process: subprocess.Popen | None = None

    def start(self) -> Gate:
        self.process = subprocess.Popen([NGINX, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf")],
                                        stdout=subprocess.DEVNULL, stderr=(self.folder / "stderr.log").open("w"))
        _wait_port(self.port, self.process, "nginx")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None
