"""A data folder on a network file system is refused: SQLite is not safe there.

SQLite's own documentation warns that its file locks are unreliable on network
file systems and that WAL mode (which zebkb uses) does not work across hosts at
all: the readers and the writer share memory through the ``-shm`` file, which
only one machine can map. A ward that puts the data folder on its file server
so that several PCs share it would, sooner or later, lose or corrupt records.
Team mode (one database on the ward's PostgreSQL server) is the way to share.

How a folder is told to be on the network:

- Linux: the file system type of the mount the folder lives on, from
  ``/proc/self/mountinfo`` (the mount with the longest mount point that holds
  the folder's real path). The types in `NETWORK_FS_TYPES` keep their files on
  another machine (or, for 9p, drvfs, vboxsf and VMware's shared folders, on
  the host of a virtual machine or WSL, whose programs do not see the locks
  taken here: SQLite over WSL's ``/mnt/c`` is a known source of "database is
  locked" and lost locks).
- Windows: a UNC path (``\\\\server\\share``, ``\\\\?\\UNC\\server\\share``,
  ``\\\\wsl$\\…``), or a drive letter Windows reports as a network drive
  (``GetDriveTypeW`` returns ``DRIVE_REMOTE``: a mapped share).

The mount table and the drive type are passed in by tests, so the Linux and
Windows rules run on any CI machine.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath, PureWindowsPath

from zebkb.errors import InputError

# Linux file system types whose files live elsewhere (see the module docstring).
NETWORK_FS_TYPES = frozenset(
    {
        "cifs",
        "smb3",
        "smbfs",
        "smb",
        "nfs",
        "nfs4",
        "ncpfs",
        "afs",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "ocfs2",
        "gfs2",
        "coda",
        "9p",
        "drvfs",
        "vboxsf",
        "vmhgfs",
        "davfs",
        "fuse.sshfs",
        "fuse.glusterfs",
        "fuse.cephfs",
        "fuse.ceph-fuse",
        "fuse.s3fs",
        "fuse.rclone",
        "fuse.davfs",
        "fuse.gvfsd-fuse",
        "fuse.vmhgfs-fuse",
        "fuse.smbnetfs",
        "fuse.curlftpfs",
    }
)
DRIVE_REMOTE = 4  # GetDriveTypeW's answer for a network drive
MOUNTINFO = Path("/proc/self/mountinfo")


@dataclass(frozen=True, slots=True)
class NetworkLocation:
    """Where a folder is on the network: the file system (or 'UNC path', 'network drive')."""

    kind: str
    where: str
    kind_ja: str = ""


class NetworkFolderError(InputError):
    """A data folder on a network file system (exit 3: the folder given is refused)."""


def _unescape_mount(text: str) -> str:
    # mountinfo writes space, tab, newline and backslash as octal escapes (\040 …).
    out = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and text[i + 1 : i + 4].isdigit() and len(text[i + 1 : i + 4]) == 3:
            out.append(chr(int(text[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def parse_mountinfo(text: str) -> list[tuple[str, str, str]]:
    """(mount point, file system type, source) of every line of a ``mountinfo`` text."""
    mounts = []
    for line in text.splitlines():
        fields = line.split(" ")
        try:
            sep = fields.index("-", 6)
            point = _unescape_mount(fields[4])
            fstype = fields[sep + 1]
            source = _unescape_mount(fields[sep + 2]) if len(fields) > sep + 2 else ""
        except (ValueError, IndexError):
            continue  # a line this reader does not understand says nothing about the folder
        mounts.append((point, fstype, source))
    return mounts


def _existing(path: Path) -> Path:
    """The real path of ``path``, or of its nearest existing parent (a folder not yet made)."""
    path = Path(os.path.abspath(path))
    tail: list[str] = []
    while not path.exists() and path.parent != path:
        tail.append(path.name)
        path = path.parent
    real = Path(os.path.realpath(path))
    for name in reversed(tail):
        real = real / name
    return real


def linux_location(path: Path, mountinfo: str) -> NetworkLocation | None:
    """The network mount ``path`` lives on (by ``mountinfo``), or None."""
    target = _existing(path)
    best: tuple[str, str, str] | None = None
    for point, fstype, source in parse_mountinfo(mountinfo):
        mount = PurePath(point)
        if (target == mount or mount in target.parents) and (
            best is None or len(point) >= len(best[0])
        ):
            best = (point, fstype, source)
    if best is None or best[1].lower() not in NETWORK_FS_TYPES:
        return None
    return NetworkLocation(best[1], f"{best[2]} on {best[0]}" if best[2] else best[0])


def windows_location(
    path: str | PurePath, drive_type: Callable[[str], int]
) -> NetworkLocation | None:
    """A UNC path, or a path on a drive Windows calls remote (a mapped network drive)."""
    text = str(path).replace("/", "\\")
    upper = text.upper()
    if upper.startswith("\\\\?\\UNC\\"):
        return NetworkLocation("UNC path", "\\\\" + "\\".join(text[8:].split("\\")[:2]), "UNC パス")
    if upper.startswith(("\\\\?\\", "\\\\.\\")):
        text = text[4:]  # an extended-length local path: \\?\C:\…
    elif text.startswith("\\\\"):
        parts = text[2:].split("\\")
        share = "\\\\" + "\\".join(parts[:2])
        return NetworkLocation("UNC path", share, "UNC パス")
    drive = PureWindowsPath(text).drive
    if len(drive) == 2 and drive[1] == ":":
        root = drive.upper() + "\\"
        if drive_type(root) == DRIVE_REMOTE:
            return NetworkLocation("network drive", drive.upper(), "ネットワークドライブ")
    return None


def _read_mountinfo() -> str:
    try:
        return MOUNTINFO.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return ""  # no /proc (a container without it): nothing known, nothing refused


def _windows_drive_type(root: str) -> int:
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(root))  # type: ignore[attr-defined]


def _windows_real_path(path: Path) -> str:
    # realpath follows links and junctions, so a local link to a share is caught too.
    try:
        return os.path.realpath(path)
    except OSError:
        return os.path.abspath(path)


def network_location(
    path: Path,
    *,
    platform: str | None = None,
    mountinfo: str | None = None,
    drive_type: Callable[[str], int] | None = None,
) -> NetworkLocation | None:
    """Whether ``path`` (a folder, or one to be made) is on a network file system, and which."""
    platform = platform or sys.platform
    if platform == "win32":
        real = _windows_real_path(path) if drive_type is None else str(path)
        return windows_location(real, drive_type or _windows_drive_type)
    if platform.startswith("linux"):
        return linux_location(path, _read_mountinfo() if mountinfo is None else mountinfo)
    return None  # elsewhere not checked


def network_folder_error(path: Path, found: NetworkLocation) -> NetworkFolderError:
    return NetworkFolderError(
        f"the knowledge base folder {path} is on a network file system ({found.kind}: "
        f"{found.where}); SQLite cannot keep a database safe there and several PCs writing "
        "to it would lose records. Keep the folder on this PC's own disk, and share one "
        "knowledge base through team mode on the ward's PostgreSQL server "
        "(zebkb init --database postgresql://…, or zebkb migrate --to postgresql://… "
        'from a folder on this PC; see the README\'s "Team mode")',
        message_ja=(
            f"データフォルダ {path} はネットワーク上のフォルダです（{found.kind_ja or found.kind}: {found.where}）。"
            "SQLite のデータベースはネットワーク上では安全に保てず、複数の PC から書き込むと"
            "記録が失われます。データフォルダはこの PC のディスクに置き、区内での共有には"
            "PostgreSQL サーバーを使うチームモードをお使いください"
            "（zebkb init --database postgresql://… 、または PC 上のフォルダから "
            "zebkb migrate --to postgresql://… 。README の「Team mode」を参照）"
        ),
    )


def refuse_network_folder(
    path: Path,
    *,
    platform: str | None = None,
    mountinfo: str | None = None,
    drive_type: Callable[[str], int] | None = None,
) -> None:
    """Raise `NetworkFolderError` when ``path`` is on a network file system."""
    found = network_location(path, platform=platform, mountinfo=mountinfo, drive_type=drive_type)
    if found is not None:
        raise network_folder_error(path, found)
