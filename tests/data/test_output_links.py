"""Folders of outputs (`segroi phantom --out`, `segroi segment --out`, engine.data.save_frames) are
written without following a link planted at a predictable name: the frame list used to go through
frames.json.tmp and each image straight to <frame>.png, so someone who can write in the folder could
make segroi overwrite any file the user can write. Each file now goes through a private temporary file
and a rename (engine.files), which replaces a planted link instead of writing through it."""

from __future__ import annotations

from engine.cli import main

FRAME = "phantom-a-0-0000_A4C_ED_000.png"


def _plant(tmp_path):
    out = tmp_path / "out"
    (out / "truth").mkdir(parents=True)
    victims = {}
    for name in ("frames.json.tmp", "frames.json", FRAME, f"truth/{FRAME}"):
        victim = tmp_path / f"victim-{name.replace('/', '-')}"
        victim.write_text("precious\n")
        (out / name).symlink_to(victim)
        victims[name] = victim
    return out, victims


def test_phantom_does_not_write_through_planted_links(tmp_path, capsys):
    out, victims = _plant(tmp_path)
    assert main(["phantom", "--out", str(out), "--studies", "1", "--size", "64"]) == 0
    for name, victim in victims.items():
        assert victim.read_text() == "precious\n", name
    for name in ("frames.json", FRAME, f"truth/{FRAME}"):
        assert (out / name).is_file() and not (out / name).is_symlink(), name
    assert main(["inspect", str(out)]) == 0  # the written set reads back
