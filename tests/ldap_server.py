"""A throwaway OpenLDAP server (Debian's slapd) for the directory sign-in tests.

Each run writes a slapd.conf with the mdb backend into a temporary directory, loads an LDIF
with slapadd, starts `slapd -d 0` (in the foreground, so it can be killed) on 127.0.0.1 and
a random free port, waits until it accepts connections, and kills it at the end. Missing
slapd: the tests are skipped with the reason, or fail when DXPLAN_REQUIRE_REAL_PARTS is set.
"""

import base64
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REQUIRED = bool(os.environ.get("DXPLAN_REQUIRE_REAL_PARTS"))
SUFFIX = "dc=city,dc=example"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "root-secret-for-tests"
SCHEMAS = ("core", "cosine", "inetorgperson")


def _slapd_binaries() -> tuple[str, str] | None:
    search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
    slapd, slapadd = shutil.which("slapd", path=search), shutil.which("slapadd", path=search)
    return (slapd, slapadd) if slapd and slapadd else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ldif_value(name: str, value: str) -> str:
    """An LDIF line; non-ASCII values (観光課) base64-encoded as the LDIF format asks."""
    if value.isascii():
        return f"{name}: {value}"
    return f"{name}:: {base64.b64encode(value.encode()).decode()}"


def ldif_entry(dn: str, **attributes) -> str:
    lines = [ldif_value("dn", dn)]
    for name, values in attributes.items():
        for value in values if isinstance(values, (list, tuple)) else [values]:
            lines.append(ldif_value(name, value))
    return "\n".join(lines) + "\n"


@dataclass
class Slapd:
    url: str
    process: subprocess.Popen
    directory: Path


def start(ldif: str) -> Slapd:
    binaries = _slapd_binaries()
    if binaries is None:
        reason = "slapd and slapadd are not installed (Debian packages slapd, ldap-utils; .ci/run installs them)"
        if REQUIRED:
            pytest.fail(f"DXPLAN_REQUIRE_REAL_PARTS is set but {reason}")
        pytest.skip(reason)
    slapd, slapadd = binaries
    directory = Path(tempfile.mkdtemp(prefix="dxplan-slapd-"))
    (directory / "data").mkdir()
    schema_dir = Path("/etc/ldap/schema")
    includes = "\n".join(f"include {schema_dir / name}.schema" for name in SCHEMAS)
    module_path = next((p for p in ("/usr/lib/ldap", "/usr/lib/openldap") if Path(p).is_dir()), "/usr/lib/ldap")
    conf = directory / "slapd.conf"
    conf.write_text(
        f"{includes}\n"
        f"modulepath {module_path}\nmoduleload back_mdb\n"
        f"pidfile {directory / 'slapd.pid'}\n"
        f"database mdb\nmaxsize 10485760\nsuffix \"{SUFFIX}\"\n"
        f"rootdn \"{ROOT_DN}\"\nrootpw {ROOT_PASSWORD}\n"
        f"directory {directory / 'data'}\n"
        "index objectClass eq\nindex member eq\n"
    )
    (directory / "data.ldif").write_text(ldif, encoding="utf-8")
    subprocess.run([slapadd, "-f", str(conf), "-l", str(directory / "data.ldif")], check=True,
                   capture_output=True, timeout=60)
    port = free_port()
    url = f"ldap://127.0.0.1:{port}/"
    process = subprocess.Popen([slapd, "-d", "0", "-h", url, "-f", str(conf)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"slapd exited: {process.stderr.read().decode(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return Slapd(url=f"ldap://127.0.0.1:{port}", process=process, directory=directory)
        except OSError:
            time.sleep(0.1)
    stop(Slapd(url=url, process=process, directory=directory))
    raise RuntimeError("slapd did not start listening within 20 seconds")


def stop(server: Slapd) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)
    shutil.rmtree(server.directory, ignore_errors=True)
