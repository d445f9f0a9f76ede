"""Output paths: every command turns an OS error into one line (engine/cli.py), and files are written
through a private temporary file in their own folder, then renamed (engine/files.py): no predictable
`.part` name to plant a link on, nothing half-written left behind."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from engine.cli import main


def _one_line(capsys, command: str) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"segroi {command}: error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def demo():
    assert main(["demo"]) == 0


def test_report_into_proc_is_one_line(capsys):
    assert main(["report", "--out", "/proc/x.pdf"]) == 2
    assert "/proc/x.pdf" in _one_line(capsys, "report")


def test_report_onto_a_folder_is_one_line(capsys, tmp_path, monkeypatch):
    (tmp_path / "x.pdf").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--out", "x.pdf"]) == 2
    assert "is a folder" in _one_line(capsys, "report")
    assert (tmp_path / "x.pdf").is_dir() and os.listdir(tmp_path / "x.pdf") == []


def test_phantom_into_proc_is_one_line(capsys):
    assert main(["phantom", "--out", "/proc/x", "--studies", "1", "--size", "64"]) == 2
    assert "/proc/x" in _one_line(capsys, "phantom")


@pytest.mark.slow
def test_train_ssl_refuses_an_unwritable_output_before_training(capsys, tmp_path, monkeypatch):
    from engine.models.ssl import train

    monkeypatch.setattr(train, "train_ssl", lambda *a, **k: pytest.fail("trained before checking --out"))
    assert main(["phantom", "--out", str(tmp_path / "ph"), "--studies", "1", "--size", "64"]) == 0
    capsys.readouterr()
    assert main(["train-ssl", "--data", str(tmp_path / "ph"), "--out", "/proc/w.pt", "--quick"]) == 2
    assert "/proc/w.pt" in _one_line(capsys, "train-ssl")


@pytest.mark.parametrize(
    "exc",
    [
        PermissionError(errno.EACCES, "Permission denied", "/srv/out/a.png"),
        OSError(errno.ENOSPC, "No space left on device", "/srv/out/a.png"),
        OSError(errno.EXDEV, "Invalid cross-device link", "/a", "/b"),
        BrokenPipeError(errno.EPIPE, "Broken pipe"),
    ],
)
def test_any_os_error_of_any_command_is_one_line(capsys, monkeypatch, exc):
    from engine.commands import phantom

    def failing(args):
        raise exc

    monkeypatch.setattr(phantom, "run", failing)
    assert main(["phantom", "--out", "x"]) == 2
    line = _one_line(capsys, "phantom")
    assert exc.strerror in line and (exc.filename is None or exc.filename in line)


@pytest.mark.slow
def test_the_pdf_does_not_follow_a_link_planted_at_the_old_temporary_name(demo, tmp_path, capsys):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    out = tmp_path / "meeting.pdf"
    (tmp_path / "meeting.pdf.part").symlink_to(victim)
    assert main(["report", "--out", str(out)]) == 0
    assert victim.read_text() == "keep me"
    assert out.read_bytes().startswith(b"%PDF") and not out.is_symlink()
    assert (tmp_path / "meeting.pdf.part").is_symlink()  # left alone, not written through
    assert sorted(p.name for p in tmp_path.iterdir()) == ["meeting.pdf", "meeting.pdf.part", "victim.txt"]


@pytest.mark.slow
def test_a_failed_pdf_write_leaves_nothing_behind(demo, tmp_path, capsys, monkeypatch):
    def refused(src, dst, *a, **k):
        raise OSError(errno.EXDEV, "Invalid cross-device link", str(src), str(dst))

    monkeypatch.setattr(os, "replace", refused)
    out = tmp_path / "meeting.pdf"
    assert main(["report", "--out", str(out)]) == 2
    _one_line(capsys, "report")
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_keeps_the_old_file_on_failure_and_gives_a_plain_mode(tmp_path):
    from engine.files import atomic_write

    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)

    def half(fh):
        fh.write(b"half")
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        atomic_write(target, half)
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["out.bin"]
    atomic_write(target, lambda fh: fh.write(b"new"))
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = atomic_write(tmp_path / "fresh.bin", lambda fh: fh.write(b"x"))
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask


@pytest.mark.slow
def test_ssl_weights_are_written_the_same_way(tmp_path):
    from engine.models.ssl_net import SslSegmenter
    from engine.models.unet import UNet

    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "w.pt.partial").symlink_to(victim)
    SslSegmenter(UNet(width=4, levels=2), input_size=32).save(tmp_path / "w.pt")
    assert victim.read_text() == "keep me" and SslSegmenter.load(tmp_path / "w.pt").input_size == 32
