"""Run a real Neo4j 5.26 Community server from Maven Central jars, without Docker.

The jars are fetched once with Maven into ``$MEDKG_CACHE_DIR/neo4j/<version>/lib`` (default
``~/.cache/medkg``); a server *home* directory holds ``conf/neo4j.conf``, data, logs and a pid file.
The same API backs ``scripts/neo4j/neo4j_server.py`` and the test fixtures in ``tests/neo4j``.

Examples
--------
>>> from medkg.store.neo4j_server import Neo4jServer, fetch, free_port
>>> fetch()  # downloads the Neo4j jars from Maven Central once  # doctest: +SKIP
>>> server = Neo4jServer("/tmp/kg-home", port=free_port(), password="secret-pw")  # doctest: +SKIP
>>> server.start()  # needs the jars; seconds until Bolt answers  # doctest: +SKIP
>>> server.uri, server.auth  # doctest: +SKIP
('bolt://127.0.0.1:40123', ('neo4j', 'secret-pw'))
>>> server.stop()  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from medkg.errors import ConfigError, ConnectionFailed, StoreError

log = logging.getLogger(__name__)

NEO4J_VERSION = "5.26.30"
"""Newest 5.26 LTS release on Maven Central when this was written; runs on Java 17 and 21."""
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1"
SERVER_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"  # neo4j-admin; its commands come with the same jars
USER = "neo4j"
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    # The distribution's launcher adds these; vector-index building needs java.nio open.
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)
_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>medkg.local</groupId>
  <artifactId>neo4j-server-jars</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.neo4j</groupId>
      <artifactId>neo4j</artifactId>
      <version>{version}</version>
    </dependency>
  </dependencies>
</project>
"""


def cache_dir(version: str = NEO4J_VERSION) -> Path:
    """Directory that caches one Neo4j version: ``$MEDKG_CACHE_DIR/neo4j/<version>``.

    Examples
    --------
    >>> cache_dir("5.26.30").parts[-2:]
    ('neo4j', '5.26.30')
    """
    root = os.environ.get("MEDKG_CACHE_DIR") or Path.home() / ".cache" / "medkg"
    return Path(root).expanduser() / "neo4j" / version


def java_executable() -> str | None:
    """The ``java`` to run: ``$JAVA_HOME/bin/java`` if set, else the one on ``PATH``."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


@dataclass(frozen=True, slots=True)
class FetchResult:
    """Where the jars are, how many, and how long :func:`fetch` took (0 when already cached)."""

    lib: Path
    jars: int
    seconds: float
    cached: bool


def fetch(version: str = NEO4J_VERSION, *, retries: int = 4, backoff: float = 10.0) -> FetchResult:
    """Fetch the Neo4j Community jars from Maven Central into :func:`cache_dir`, once.

    Runs ``mvn copy-dependencies`` on a one-dependency ``pom`` project; retries with growing
    waits when Maven fails (Maven Central answers HTTP 429 under bursts). A ``.complete`` marker
    makes later calls return at once.

    Examples
    --------
    >>> result = fetch()  # doctest: +SKIP
    >>> result.jars, result.cached  # doctest: +SKIP
    (213, True)
    """
    root = cache_dir(version)
    lib = root / "lib"
    marker = lib / ".complete"
    if marker.is_file():
        return FetchResult(lib, len(list(lib.glob("*.jar"))), 0.0, True)
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ConfigError(f"Maven (mvn) is not installed; it is needed once to fetch Neo4j {version} jars",
                          path=lib, hint="install it, e.g. `apt-get install maven`")
    root.mkdir(parents=True, exist_ok=True)
    (root / "pom.xml").write_text(_POM.format(version=version), encoding="utf-8")
    cmd = [mvn, "-B", "-q", f"{DEPENDENCY_PLUGIN}:copy-dependencies", f"-DoutputDirectory={lib}",
           "-DincludeScope=runtime", "-f", str(root / "pom.xml")]
    start = time.monotonic()
    for attempt in range(1, retries + 1):
        shutil.rmtree(lib, ignore_errors=True)
        proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
        if proc.returncode == 0:
            break
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        if attempt == retries:
            raise StoreError(f"Maven could not fetch org.neo4j:neo4j:{version} ({retries} tries):\n{tail}",
                             path=root / "pom.xml", hint="check that Maven Central is reachable, then retry")
        wait = backoff * 3 ** (attempt - 1)
        log.warning("mvn failed (try %d/%d, HTTP 429 is common); retrying in %.0f s:\n%s",
                    attempt, retries, wait, tail)
        time.sleep(wait)
    jars = len(list(lib.glob("*.jar")))
    marker.write_text(f"org.neo4j:neo4j:{version} {jars} jars\n", encoding="utf-8")
    return FetchResult(lib, jars, time.monotonic() - start, False)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now.

    Examples
    --------
    >>> 1024 < free_port() < 65536
    True
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port: int) -> bool:
    """True when something accepts TCP connections on ``127.0.0.1:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Neo4jServer:
    """One Neo4j Community server living in ``home`` and listening for Bolt on 127.0.0.1 only.

    Parameters
    ----------
    home:
        Server home; created if missing (``conf/``, ``data/``, ``logs/``, ``run/``, ...).
    port:
        Bolt port. ``None`` keeps the port of an existing ``conf/neo4j.conf`` (else 7687);
        ``0`` picks a free one.
    password:
        ``None`` runs with auth off; a password (8+ characters) turns auth on and is set as the
        initial password of user ``neo4j`` before the first start.
    version:
        Neo4j version whose cached jars to run (see :func:`fetch`).
    settings:
        Extra ``neo4j.conf`` settings (5.x names), e.g. ``{"server.memory.pagecache.size": "1g"}``.

    Examples
    --------
    >>> server = Neo4jServer("/tmp/kg-home", port=0)  # doctest: +SKIP
    >>> seconds = server.start()  # doctest: +SKIP
    >>> server.stop()  # doctest: +SKIP
    """

    def __init__(self, home: str | os.PathLike[str], port: int | None = None, password: str | None = None,
                 version: str = NEO4J_VERSION, settings: dict[str, str] | None = None) -> None:
        self.home = Path(home).resolve()
        self.conf = self.home / "conf" / "neo4j.conf"
        self.pid_file = self.home / "run" / "medkg-neo4j.pid"
        self.password = password
        self.version = version
        self.settings = dict(settings or {})
        self.lib = cache_dir(version) / "lib"
        self.port = free_port() if port == 0 else port or self._configured_port() or 7687
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        """Bolt URI of this server, e.g. ``bolt://127.0.0.1:7687``."""
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def auth(self) -> tuple[str, str] | None:
        """``(user, password)`` for the driver, or ``None`` when auth is off."""
        return None if self.password is None else (USER, self.password)

    def _configured_port(self) -> int | None:
        if not self.conf.is_file():
            return None
        found = re.search(r"^server\.bolt\.listen_address=.*:(\d+)$", self.conf.read_text(), re.M)
        return int(found.group(1)) if found else None

    def configure(self) -> None:
        """Write ``conf/neo4j.conf`` and the directories; set the initial password if auth is on."""
        dirs = {name: self.home / name for name in ("data", "logs", "run", "import", "plugins")}
        for path in (self.conf.parent, *dirs.values()):
            path.mkdir(parents=True, exist_ok=True)
        config = {
            "server.default_listen_address": "127.0.0.1",
            "server.bolt.enabled": "true",
            "server.bolt.listen_address": f"127.0.0.1:{self.port}",
            "server.bolt.advertised_address": f"127.0.0.1:{self.port}",
            "server.http.enabled": "false",
            "server.https.enabled": "false",
            "dbms.security.auth_enabled": "false" if self.password is None else "true",
            **{f"server.directories.{name}": str(path) for name, path in dirs.items()},
            "server.memory.pagecache.size": "256m",
            "db.tx_log.preallocate": "false",
            "dbms.usage_report.enabled": "false",
            # Bolt waits 5 s twice on shutdown for work in flight by default; stop in ~1 s instead.
            "internal.server.bolt.thread_pool_shutdown_wait_time": "1s",
            "internal.server.bolt.connection_shutdown_wait_time": "1s",
        }
        config.update(self.settings)  # a setting given replaces the default (Neo4j refuses duplicates)
        lines = ["# Written by medkg.store.neo4j_server; rewritten on every start."]
        lines += [f"{key}={value}" for key, value in config.items()]
        self.conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
        if self.password is not None and not (dirs["data"] / "dbms" / "auth.ini").is_file():
            if len(self.password) < 8:
                raise ConfigError("Neo4j 5 passwords need at least 8 characters", path=self.conf,
                                  hint="choose a longer password")
            self.admin("dbms", "set-initial-password", self.password)

    def admin(self, *args: str, heap: str = "1g") -> str:
        """Run a ``neo4j-admin`` command (e.g. ``"database", "import", "full", ...``) on this home.

        Returns its output; raises :class:`~medkg.errors.StoreError` with that output when it fails.
        """
        cmd = [self._java(), f"-Xmx{heap}", "-cp", f"{self.lib}/*", ADMIN_CLASS, *args]
        env = {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.conf.parent)}
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=self.home)
        if proc.returncode != 0:
            output = (proc.stdout + proc.stderr)[-3000:]
            raise StoreError(f"neo4j-admin {' '.join(args[:3])} failed:\n{output}",
                             path=self.home, hint="read the message above; the server must be stopped")
        return proc.stdout

    def import_full(self, nodes: Sequence[str], relationships: Sequence[str] = (), database: str = "neo4j",
                    options: Sequence[str] = ()) -> str:
        """Bulk-load CSV files with ``neo4j-admin database import full`` into a stopped server.

        ``nodes``/``relationships`` are ``neo4j-admin`` file specs (``[Label=]file1,file2``);
        ``options`` are passed on (e.g. ``"--overwrite-destination"``).
        """
        if self.pid is not None:
            raise StoreError("cannot import into a running server", path=self.home, hint="stop it first")
        self.configure()
        args = [f"--nodes={spec}" for spec in nodes] + [f"--relationships={spec}" for spec in relationships]
        return self.admin("database", "import", "full", database, *options, *args)

    def _java(self) -> str:
        java = java_executable()
        if java is None:
            raise ConfigError("Java is not installed; Neo4j 5.26 needs Java 17 or 21",
                              hint="install it, e.g. `apt-get install openjdk-17-jre-headless`")
        if not (self.lib / ".complete").is_file():
            raise ConfigError(f"Neo4j {self.version} jars are not fetched", path=self.lib,
                              hint="run `python scripts/neo4j/neo4j_server.py fetch` first")
        return java

    @property
    def pid(self) -> int | None:
        """Pid of this home's running server, or ``None`` (stale pid files are ignored)."""
        if self._proc is not None and self._proc.poll() is None:
            return self._proc.pid
        try:
            pid = int(self.pid_file.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, ValueError, IndexError):
            return None
        mine = f"--home-dir={self.home}".encode() in cmdline and SERVER_CLASS.encode() in cmdline
        return pid if mine and state != "Z" else None

    def start(self, timeout: float = 120.0) -> float:
        """Start the server in the background and wait until Bolt answers; return the seconds taken.

        Raises :class:`~medkg.errors.ConnectionFailed` with the tail of the log when the server
        dies or does not answer within ``timeout`` seconds.
        """
        if self.pid is not None:
            raise StoreError(f"a server already runs in this home (pid {self.pid})", path=self.home,
                             hint="stop it first")
        if port_in_use(self.port):
            raise StoreError(f"port {self.port} on 127.0.0.1 is already in use", path=self.conf,
                             hint="choose another port, or port 0 for a free one")
        java = self._java()
        self.configure()
        cmd = [java, "-Xms512m", "-Xmx1g", *JVM_FLAGS, "-cp", f"{self.home}/plugins/*:{self.lib}/*",
               SERVER_CLASS, f"--home-dir={self.home}", f"--config-dir={self.conf.parent}"]
        began = time.monotonic()
        with open(self.home / "logs" / "console.log", "ab") as console:
            self._proc = subprocess.Popen(cmd, cwd=self.home, stdin=subprocess.DEVNULL, stdout=console,
                                          stderr=subprocess.STDOUT, start_new_session=True)
        self.pid_file.write_text(f"{self._proc.pid}\n")
        log.info("started Neo4j %s (pid %d) in %s", self.version, self._proc.pid, self.home)
        self._wait_for_bolt(began + timeout)
        return time.monotonic() - began

    def _wait_for_bolt(self, deadline: float) -> None:
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError

        with GraphDatabase.driver(self.uri, auth=self.auth, connection_timeout=2.0) as driver:
            while True:
                if self._proc is not None and self._proc.poll() is not None:
                    self.pid_file.unlink(missing_ok=True)
                    raise ConnectionFailed(f"Neo4j exited with code {self._proc.returncode} during start-up; "
                                           f"log tail:\n{self.log_tail()}", path=self.home / "logs",
                                           hint="fix the cause shown in the log and start again")
                try:
                    driver.verify_connectivity()
                    return
                except AuthError as err:
                    self.stop()
                    raise ConnectionFailed(f"Neo4j at {self.uri} refused the password: {err}", path=self.home,
                                           hint="the initial password is set only before the first start; "
                                                "use the old one or a fresh home") from err
                except Exception:  # noqa: BLE001 - not listening yet
                    if time.monotonic() > deadline:
                        self.stop()
                        raise ConnectionFailed(f"Neo4j did not answer on {self.uri} in time; log tail:\n"
                                               f"{self.log_tail()}", path=self.home / "logs",
                                               hint="a slow machine may need a longer timeout") from None
                    time.sleep(0.5)

    def stop(self, timeout: float = 60.0, *, kill: bool = False) -> bool:
        """Stop the server: SIGTERM, then SIGKILL after ``timeout`` s (``kill=True``: SIGKILL at once).

        Returns ``False`` when no server was running.
        """
        pid = self.pid
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGKILL if kill else signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self.pid is not None:
            if time.monotonic() > deadline:
                log.warning("Neo4j pid %d ignored SIGTERM for %.0f s; sending SIGKILL", pid, timeout)
                os.kill(pid, signal.SIGKILL)
                deadline = float("inf")
            time.sleep(0.2)
        if self._proc is not None:
            self._proc.wait()
            self._proc = None
        self.pid_file.unlink(missing_ok=True)
        return True

    def rss_bytes(self) -> int | None:
        """Resident memory of the running server in bytes, or ``None`` when it is not running."""
        pid = self.pid
        if pid is None:
            return None
        found = re.search(r"^VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
        return int(found.group(1)) * 1024 if found else None

    def log_tail(self, lines: int = 30) -> str:
        """The last ``lines`` lines of ``logs/neo4j.log`` and ``logs/console.log``."""
        parts = []
        for name in ("neo4j.log", "console.log"):
            path = self.home / "logs" / name
            if path.is_file() and path.stat().st_size:
                text = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- {path} ---\n" + "\n".join(text))
        return "\n".join(parts) or f"(no log in {self.home / 'logs'})"
