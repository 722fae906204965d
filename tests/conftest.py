"""Shared fixtures: demo configs in temp folders, literal messages, a real PostgreSQL.

The PostgreSQL server is started once per session by the suite itself (initdb +
pg_ctl on a loopback port, as root through runuser), so storage tests run against a
real server next to SQLite. Each test gets its own database.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import uuid
from pathlib import Path
from types import ModuleType
from typing import Callable, Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo"
PG_BIN = Path(os.environ.get("MQ_PG_BIN", "/usr/lib/postgresql/15/bin"))


def load_script(name: str) -> ModuleType:
    """A script from ``scripts/`` (not a package) as a module, registered in sys.modules
    under its name: its dataclasses look their module up there, and another script may
    import it by that name."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- configs ----------------------------------------------------------------------
def write_config(folder: Path, *, mode: str = "draft", storage_url: str | None = None, extra: str = "", mailbox_section: str | None = None, on_first_start: str = "process") -> Path:
    """A config like config.example.toml, pointing at rosters and a Maildir in ``folder``."""
    shutil.copy(DEMO / "members.csv", folder / "members.csv")
    shutil.copy(DEMO / "officers.csv", folder / "officers.csv")
    maildir = folder / "mailbox"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    url = storage_url or f"sqlite:///{folder / 'mq.db'}"
    mailbox = mailbox_section or textwrap.dedent(f"""
        [mailbox]
        address = "memberqueries@brackenford.gov.uk"
        backend = "maildir"
        path = "mailbox"
        on_first_start = "{on_first_start}"
    """)
    text = textwrap.dedent(f"""
        [council]
        name = "Brackenford Borough Council"
        domains = ["brackenford.gov.uk"]
        timezone = "Europe/London"
        holiday_region = "ENG"
        closure_days = []
        working_day_cutoff = "17:00"
        {mailbox}
        [members]
        roster = "members.csv"
        [officers]
        roster = "officers.csv"
        [deadlines]
        profile = "section17"
        response_working_days = 5
        [storage]
        url = "{url}"
        [bot]
        mode = "{mode}"
        max_attempts = 3
        [health]
        enabled = false
    """) + textwrap.dedent(extra)
    path = folder / "config.toml"
    path.write_text(text)
    return path


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "council"
    folder.mkdir()
    return folder


@pytest.fixture
def demo_config(config_dir: Path) -> Path:
    """A config whose Maildir holds a fresh copy of the demo mailbox."""
    path = write_config(config_dir)
    shutil.rmtree(config_dir / "mailbox")
    shutil.copytree(DEMO / "mailbox", config_dir / "mailbox")
    return path


def eml(text: str) -> bytes:
    """Literal RFC 5322 text in a test → bytes with CRLF-free LF line ends, dedented."""
    return textwrap.dedent(text).lstrip("\n").encode("utf-8")


def deliver(maildir: Path, raw: bytes, name: str | None = None) -> str:
    """Drop a message into Maildir ``new/`` the way an MTA does (tmp then rename)."""
    name = name or f"{uuid.uuid4().hex}.test"
    tmp = maildir / "tmp" / name
    tmp.write_bytes(raw)
    os.replace(tmp, maildir / "new" / name)
    return name


def member_enquiry(n: int, *, cc: str = "", sender: str = "cllr.jean.thirkettle@brackenford.gov.uk", date: str = "Mon, 16 Nov 2026 10:00:00 +0000") -> bytes:
    """A plain, unmistakable enquiry from a member (a fixture, not corpus material)."""
    headers = [
        f"From: Cllr Jean Thirkettle <{sender}>",
        "To: memberqueries@brackenford.gov.uk",
        *([f"Cc: {cc}"] if cc else []),
        f"Subject: Streetlight out on Orchard Way ({n})",
        f"Date: {date}",
        f"Message-ID: <enquiry-{n}@brackenford.gov.uk>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
    ]
    body = (
        f"Hello,\n\nA resident tells me the streetlight outside number {n} Orchard Way has been out\n"
        "for a week. Could you please arrange for it to be repaired and let me know when?\n\nThanks,\nJean\n"
    )
    return ("\n".join(headers) + "\n\n" + body).encode("utf-8")


# --- PostgreSQL ----------------------------------------------------------------------
@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL binaries not found in {PG_BIN} (.ci/run installs them)")
    # Not under pytest's tmp root: that is 0700 under root and the postgres user
    # must be able to reach its data directory.
    base = Path(tempfile.mkdtemp(prefix="mq-pg-"))
    base.chmod(0o755)
    data = base / "data"
    port = free_port()
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(base, "postgres", "postgres")
    subprocess.run(prefix + [str(PG_BIN / "initdb"), "-D", str(data), "-U", "test", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                   check=True, capture_output=True)
    subprocess.run(prefix + [str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-w", "-o",
                             f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off -c max_connections=200", "start"], check=True, capture_output=True)
    info = {"port": port, "base": base, "data": data, "prefix": prefix}
    try:
        yield info
    finally:
        subprocess.run(prefix + [str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: dict[str, object]) -> str:
    name = f"t{uuid.uuid4().hex[:12]}"
    subprocess.run([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(pg_server["port"]), "-U", "test", name], check=True, capture_output=True)
    return f"postgresql+psycopg://test@127.0.0.1:{pg_server['port']}/{name}"


@pytest.fixture(params=["sqlite", "postgres"])
def storage_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="session")
def blank_detectors_factory() -> Callable[..., object]:
    """Detectors on a blank pipeline (rules only, no trained weights), built once."""
    from classifiers.nlp import blank_pipeline
    from classifiers.pipeline import Detectors

    nlp = blank_pipeline()

    def make(directory: object) -> object:
        return Detectors(nlp=nlp, directory=directory)  # type: ignore[arg-type]

    return make
