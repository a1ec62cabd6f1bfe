"""A data folder on a network file system is refused, pointing to team mode.

The mount table (Linux) and the drive type (Windows) are injected, so both
rules run on any CI machine; the folder itself is a real temporary folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from zebkb.cli.main import main
from zebkb.store import netfs
from zebkb.store.netfs import (
    DRIVE_REMOTE,
    NetworkFolderError,
    linux_location,
    network_location,
    parse_mountinfo,
    refuse_network_folder,
    windows_location,
)

DRIVE_FIXED = 3


def mountinfo(*mounts: tuple[str, str, str]) -> str:
    """A /proc/self/mountinfo text: the root on ext4, then (mount point, type, source)."""
    lines = ["21 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw"]
    for n, (point, fstype, source) in enumerate(mounts, start=30):
        escaped = point.replace("\\", "\\134").replace(" ", "\\040")
        lines.append(f"{n} 21 0:{n} / {escaped} rw,relatime shared:{n} - {fstype} {source} rw")
    return "\n".join(lines) + "\n"


def test_mountinfo_lines_are_read_with_their_escapes() -> None:
    text = mountinfo(("/mnt/区 共有", "cifs", "//filesv/zeb")) + "garbage line\n"
    assert parse_mountinfo(text) == [
        ("/", "ext4", "/dev/sda1"),
        ("/mnt/区 共有", "cifs", "//filesv/zeb"),
    ]


@pytest.mark.parametrize(
    "fstype",
    ["cifs", "smb3", "smbfs", "nfs", "nfs4", "9p", "fuse.sshfs", "fuse.gvfsd-fuse", "vboxsf"],
)
def test_network_mounts_are_found(tmp_path: Path, fstype: str) -> None:
    share = tmp_path / "share"
    table = mountinfo((str(share), fstype, "filesv:/zeb"))
    found = linux_location(share / "zebkb" / "not-yet-made", table)
    assert found is not None
    assert found.kind == fstype
    assert str(share) in found.where


@pytest.mark.parametrize("fstype", ["ext4", "xfs", "btrfs", "tmpfs", "overlay", "fuse.portal"])
def test_local_mounts_pass(tmp_path: Path, fstype: str) -> None:
    table = mountinfo((str(tmp_path), fstype, "none"))
    assert linux_location(tmp_path / "kb", table) is None


def test_the_nearest_mount_decides(tmp_path: Path) -> None:
    # A local disk mounted inside a share, and a share inside a local disk.
    share = tmp_path / "share"
    local = share / "local"
    table = mountinfo((str(share), "nfs4", "filesv:/"), (str(local), "ext4", "/dev/sdb1"))
    assert linux_location(local / "kb", table) is None
    assert linux_location(share / "kb", table) is not None
    # A prefix of the name is not a parent: /…/share-old is not inside /…/share.
    assert linux_location(tmp_path / "share-old" / "kb", table) is None


def test_a_link_into_a_share_is_followed(tmp_path: Path) -> None:
    share = tmp_path / "share"
    (share / "kb").mkdir(parents=True)
    link = tmp_path / "looks-local"
    link.symlink_to(share / "kb")
    table = mountinfo((str(share), "cifs", "//filesv/zeb"))
    assert linux_location(link, table) is not None


@pytest.mark.parametrize(
    ("path", "where"),
    [
        (r"\\filesv\zeb\zebkb", r"\\filesv\zeb"),
        ("//filesv/zeb/zebkb", r"\\filesv\zeb"),
        (r"\\?\UNC\filesv\zeb\zebkb", r"\\filesv\zeb"),
        (r"\\wsl$\Ubuntu\home\kb", r"\\wsl$\Ubuntu"),
    ],
)
def test_unc_paths_are_network(path: str, where: str) -> None:
    found = windows_location(path, lambda _root: DRIVE_FIXED)
    assert found is not None
    assert (found.kind, found.where) == ("UNC path", where)


def test_mapped_network_drives_are_network() -> None:
    asked: list[str] = []

    def drive_type(root: str) -> int:
        asked.append(root)
        return DRIVE_REMOTE if root == "Z:\\" else DRIVE_FIXED

    found = windows_location(r"z:\zebkb", drive_type)
    assert found is not None
    assert (found.kind, found.where) == ("network drive", "Z:")
    assert windows_location(r"C:\Users\区職員\AppData\Local\zebkb", drive_type) is None
    assert windows_location(r"\\?\C:\Users\kb", drive_type) is None
    assert asked == ["Z:\\", "C:\\", "C:\\"]


def test_the_refusal_names_the_place_and_team_mode_in_both_languages(tmp_path: Path) -> None:
    share = tmp_path / "share"
    with pytest.raises(NetworkFolderError) as caught:
        refuse_network_folder(
            share / "kb", platform="linux", mountinfo=mountinfo((str(share), "cifs", "//fs/zeb"))
        )
    exc = caught.value
    assert exc.exit_code == 3
    assert "cifs" in str(exc)
    assert "//fs/zeb" in str(exc)
    assert "team mode" in str(exc)
    assert "ネットワーク" in exc.message("ja")
    assert "チームモード" in exc.message("ja")
    assert "\n" not in exc.message("ja") + exc.message("en")
    with pytest.raises(NetworkFolderError) as caught:
        refuse_network_folder(Path(r"Z:\kb"), platform="win32", drive_type=lambda _r: 4)
    assert "ネットワークドライブ" in caught.value.message("ja")
    assert "network drive" in str(caught.value)
    # Elsewhere (macOS) nothing is claimed.
    assert network_location(share, platform="darwin") is None


@pytest.fixture
def on_a_share(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder this process's mount table says is on an SMB share."""
    share = tmp_path / "share"
    share.mkdir()
    table = mountinfo((str(share), "cifs", "//filesv/zeb"))
    monkeypatch.setattr(netfs, "_read_mountinfo", lambda: table)
    monkeypatch.setattr(netfs.sys, "platform", "linux")
    return share


def test_init_on_a_share_is_refused_with_exit_3_and_nothing_made(
    on_a_share: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = on_a_share / "zebkb"
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "network file system (cifs" in err
    assert "postgresql://" in err
    assert not data.exists()


def test_an_existing_knowledge_base_on_a_share_is_refused_for_every_command(
    on_a_share: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    # Made while the folder was local (say, before the share was mounted there).
    data = on_a_share / "zebkb"
    monkeypatch.setattr(netfs, "_read_mountinfo", mountinfo)
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
    monkeypatch.setattr(netfs, "_read_mountinfo", lambda: mountinfo((str(on_a_share), "nfs4", "")))
    capsys.readouterr()
    before = sorted(p.name for p in data.iterdir())
    for args in (["list"], ["demo"], ["search", "ZEB"]):
        assert main(["--data-dir", str(data), *args]) == 3
        assert "nfs4" in capsys.readouterr().err
    assert sorted(p.name for p in data.iterdir()) == before


def test_a_local_folder_still_opens(tmp_path: Path, monkeypatch) -> None:
    from zebkb.service import KnowledgeBase

    monkeypatch.setattr(netfs, "_read_mountinfo", mountinfo)
    with KnowledgeBase.open(tmp_path / "kb") as kb:
        assert kb.count() == 0


def test_a_knowledge_base_on_a_share_can_be_moved_out(
    on_a_share: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    data = on_a_share / "zebkb"
    monkeypatch.setattr(netfs, "_read_mountinfo", mountinfo)
    assert main(["--data-dir", str(data), "init", "--ward", "131229"]) == 0
    monkeypatch.setattr(netfs, "_read_mountinfo", lambda: mountinfo((str(on_a_share), "cifs", "")))
    local = tmp_path / "local"
    assert main(["--data-dir", str(data), "migrate", "--to-sqlite", str(local)]) == 0
    assert "check ok" in capsys.readouterr().out
    assert main(["--data-dir", str(local), "check"]) == 0
    # The target is checked too: moving onto another share is refused.
    assert main(["--data-dir", str(local), "migrate", "--to-sqlite", str(on_a_share / "b")]) == 3
    assert "network file system" in capsys.readouterr().err
