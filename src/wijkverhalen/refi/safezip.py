"""Reading a .qdpx archive from outside without trusting it.

A .qdpx is a zip with ``project.qde`` and the source files. We never extract it to
disk: members are read into memory by name, so no member can write outside a target
(zip slip). Names are still checked, and a member whose normalised name is absolute
(``/etc/passwd``, ``C:\\x``) or climbs (``../x``) is never opened; the importer
reports it. Zip bombs are stopped by caps on the number of members, each member's
size and the total: the sizes the zip declares are checked before anything is read
or parsed (:meth:`SafeArchive.check_declared`), and the caps are enforced again while
decompressing (declared sizes can lie). The caps are sized to real projects: tens of
MB of text a source (a 1000-page transcript is about 3 MB), a few hundred MB in all;
members that are never read (audio, video, PDF) do not count. Encrypted members are
refused with one line.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import ExchangeError
from .reader import clip

MAX_MEMBERS = 100_000
MAX_MEMBER_BYTES = 32 * 1024 * 1024  # one source or note file (ten times a 1000-page transcript)
MAX_QDE_BYTES = 256 * 1024 * 1024  # project.qde (NVivo projects with inline texts and many selections)
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # everything read from one archive
_CHUNK = 1 << 16  # zipfile builds each read from pieces: small reads, small copies
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Limits:
    members: int = MAX_MEMBERS
    member_bytes: int = MAX_MEMBER_BYTES
    total_bytes: int = MAX_TOTAL_BYTES
    qde_bytes: int = MAX_QDE_BYTES


def safe_member_name(name: str) -> str | None:
    """The member's name normalised to ``a/b.txt``, or None if it is absolute or escapes."""
    cleaned = name.replace("\\", "/")
    if not cleaned or cleaned.startswith("/") or _DRIVE.match(cleaned) or "\x00" in cleaned:
        return None
    normal = posixpath.normpath(cleaned)
    if normal in (".", "") or normal.startswith("../") or normal == ".." or PurePosixPath(normal).is_absolute():
        return None
    return normal


@dataclass
class SafeArchive:
    """A zip opened for reading members by (case-insensitive) name, with caps."""

    path: Path
    limits: Limits = field(default_factory=Limits)
    unsafe: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        try:
            self.zip = zipfile.ZipFile(self.path)
        except zipfile.BadZipFile as exc:
            raise ExchangeError("not a zip archive (a .qdpx is a zip file)", path=self.path) from exc
        except OSError as exc:
            raise ExchangeError(f"cannot read ({exc.strerror or exc})", path=self.path) from exc
        infos = [i for i in self.zip.infolist() if not i.is_dir()]
        if len(infos) > self.limits.members:
            raise ExchangeError(f"archive has {len(infos)} files, more than the limit of "
                                f"{self.limits.members}", path=self.path)
        self.members: dict[str, zipfile.ZipInfo] = {}
        self.folded: dict[str, str] = {}
        for info in infos:
            name = safe_member_name(info.filename)
            if name is None:
                self.unsafe.append(info.filename)
                continue
            self.members[name] = info
            self.folded.setdefault(name.casefold(), name)
        self.read_bytes = 0

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> SafeArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def names(self) -> list[str]:
        return list(self.members)

    def find(self, name: str) -> str | None:
        """A member by exact or case-insensitive name (``Sources/`` vs ``sources/``)."""
        normal = safe_member_name(name)
        if normal is None:
            return None
        if normal in self.members:
            return normal
        return self.folded.get(normal.casefold())

    def check_declared(self, names: list[str], cap: int | None = None) -> None:
        """Refuse, before reading any of them, members whose declared sizes pass the caps."""
        total = 0
        for name in dict.fromkeys(names):
            info = self.members[name]
            self._check_member(name, info, cap or self.limits.member_bytes)
            total += info.file_size
        if total + self.read_bytes > self.limits.total_bytes:
            raise ExchangeError(f"the files to import unpack to {total + self.read_bytes} bytes, over the limit of "
                                f"{self.limits.total_bytes} (zip bomb?); refused", path=self.path)

    def _check_member(self, name: str, info: zipfile.ZipInfo, cap: int) -> None:
        if info.flag_bits & 0x1:
            raise ExchangeError(f"'{clip(name)}' is encrypted; export the project again without a password",
                                path=self.path)
        if info.file_size > cap:
            raise ExchangeError(f"'{clip(name)}' is {info.file_size} bytes unpacked, over the limit of "
                                f"{cap} (zip bomb?); refused", path=self.path)

    def read(self, name: str, cap: int | None = None) -> bytearray:
        """Read a member, stopping at the per-member (or ``cap``) and total caps.

        Read into one buffer of the declared size (checked against the caps before),
        not into pieces joined at the end, which would hold the member twice.
        """
        info = self.members[name]
        cap = cap or self.limits.member_bytes
        self._check_member(name, info, cap)
        data = bytearray(min(max(info.file_size, 0), cap))
        size = 0
        try:
            with self.zip.open(info) as fh:
                while True:
                    chunk = fh.read(_CHUNK)
                    if not chunk:
                        break
                    end = size + len(chunk)
                    self.read_bytes += len(chunk)
                    if end > cap:
                        raise ExchangeError(f"'{clip(name)}' unpacks to more than {cap} "
                                            "bytes (zip bomb?); refused", path=self.path)
                    if self.read_bytes > self.limits.total_bytes:
                        raise ExchangeError(f"archive unpacks to more than {self.limits.total_bytes} "
                                            "bytes (zip bomb?); refused", path=self.path)
                    data[size:end] = chunk  # in place; grows the buffer only past the declared size
                    size = end
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError,
                RuntimeError) as exc:  # RuntimeError: zipfile's "encrypted, password required"
            raise ExchangeError(f"cannot unpack '{clip(name)}': {clip(exc, 120)}", path=self.path) from exc
        del data[size:]  # less than declared
        return data
