"""The learners' work on the server's disk, each run under an unguessable token: written
atomically, read back only while fresh, and bounded by a time-to-live and a total size (the
oldest removed first). Pure Python: no Streamlit here.

The folder is ``$NN_DIGITS_STORE``, else ``runs/`` in the app's cache folder (``$NN_DIGITS_CACHE``
or the user's cache directory). Several app processes on one machine, or on machines sharing
that folder, see the same runs, so a reload that reaches another process finds its network.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import time
from pathlib import Path

STORE_ENV_VAR = "NN_DIGITS_STORE"
DAYS_ENV_VAR = "NN_DIGITS_STORE_DAYS"
MEGABYTES_ENV_VAR = "NN_DIGITS_STORE_MB"
DEFAULT_DAYS = 7.0
DEFAULT_MEGABYTES = 2000.0
TOKEN_BYTES = 24  # 192 random bits
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")  # what secrets.token_urlsafe(24) gives
PART = re.compile(r"^[a-z0-9]{1,24}$")  # a run's other files: "<token>.<part>.npz"
SUFFIX = ".npz"


def new_token() -> str:
    """An unguessable name for a run (192 random bits, URL-safe)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_token(text: object) -> bool:
    return isinstance(text, str) and bool(TOKEN.match(text))


def default_folder() -> Path:
    from nn_core.download import cache_dir

    configured = os.environ.get(STORE_ENV_VAR)
    return Path(configured).expanduser() if configured else cache_dir() / "runs"


def _env_number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


class RunStore:
    """Runs as files ``<token>.npz`` in ``folder``; ``ttl`` seconds old at most, ``max_bytes`` in all.

    A run may have parts besides, ``<token>.<part>.npz`` (its snapshots, each written once, and its
    session's ledger): a run and its parts are one group, as old as its newest file, and are
    pruned together."""

    def __init__(self, folder: Path | None = None, ttl: float | None = None, max_bytes: int | None = None):
        self.folder = Path(folder) if folder is not None else default_folder()
        self.ttl = ttl if ttl is not None else _env_number(DAYS_ENV_VAR, DEFAULT_DAYS) * 86400
        self.max_bytes = (
            max_bytes if max_bytes is not None else int(_env_number(MEGABYTES_ENV_VAR, DEFAULT_MEGABYTES) * 2**20)
        )

    def _path(self, token: str, part: str | None = None) -> Path:
        if not is_token(token):
            raise ValueError("not a run token")  # never echo it: a token is a key
        if part is not None and not PART.match(part):
            raise ValueError(f"not a part name: {part!r}")
        return self.folder / (f"{token}{SUFFIX}" if part is None else f"{token}.{part}{SUFFIX}")

    def parts(self, token: str) -> set[str]:
        """The names of the parts saved with ``token``."""
        if not is_token(token):
            return set()
        try:
            return {p.name[len(token) + 1 : -len(SUFFIX)] for p in self.folder.glob(f"{token}.*{SUFFIX}")}
        except OSError:
            return set()

    def remove(self, token: str, part: str) -> None:
        self._path(token, part).unlink(missing_ok=True)

    def save(self, token: str, data: bytes, part: str | None = None) -> None:
        """Write atomically: a reader sees the previous copy or this one, never half of one (a
        temporary file in the same folder, flushed to disk, then renamed over). Raises OSError."""
        path = self._path(token, part)
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".writing-", suffix=SUFFIX)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def load(self, token: str, part: str | None = None) -> bytes | None:
        """The run saved under ``token`` (or its ``part``), or None if there is none or the run
        has expired (and is removed). A part is as fresh as its run."""
        if not is_token(token) or (part is not None and not PART.match(part)):
            return None
        try:
            if time.time() - self._path(token).stat().st_mtime > self.ttl:
                self._path(token).unlink(missing_ok=True)
                return None
            return self._path(token, part).read_bytes()
        except OSError:
            return None

    def prune(self) -> int:
        """Remove expired runs, then the oldest until all fit in ``max_bytes``; returns how many went."""
        try:
            entries = [(p, p.stat()) for p in self.folder.glob(f"*{SUFFIX}")]
        except OSError:
            return 0
        now, removed = time.time(), 0
        groups: dict[str, list] = {}
        for path, info in entries:
            if path.name.startswith("."):
                if now - info.st_mtime > 3600:  # a write that never finished
                    path.unlink(missing_ok=True)
                    removed += 1
                continue
            groups.setdefault(path.name.split(".")[0], []).append((path, info))
        newest = {token: max(info.st_mtime for _, info in files) for token, files in groups.items()}
        total = sum(info.st_size for files in groups.values() for _, info in files)
        for token in sorted(groups, key=newest.get):  # oldest first
            if now - newest[token] <= self.ttl and total <= self.max_bytes:
                break
            for path, info in groups[token]:
                path.unlink(missing_ok=True)
                total -= info.st_size
                removed += 1
        return removed
