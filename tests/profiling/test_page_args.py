"""What the Benchmarks page may ask `segroi profile` to do (engine.profiling.page_args): listed
options only, values clamped; and the page refuses the rest before anything starts."""

from __future__ import annotations

import pytest

from engine.errors import SegroiError
from engine.profiling.page_args import parse_extra, profile_args


def test_listed_options_pass_with_their_values_clamped():
    args, notes = parse_extra(
        "--dtypes fp32,bf16 --batch-sizes 1,8,100000 --warmup=999 --image-size 1000 "
        "--threads 0 --idle-seconds 1.5 --modes plain --prompt-batches 0,4"
    )
    assert args == [
        "--dtypes",
        "fp32,bf16",
        "--batch-sizes",
        "1,8,256",
        "--warmup",
        "60",
        "--image-size",
        "992",
        "--threads",
        "1",
        "--idle-seconds",
        "1.5",
        "--modes",
        "plain",
        "--prompt-batches",
        "1,4",
    ]
    assert any("100000" in n for n in notes) and any("999" in n for n in notes) and any("992" in n for n in notes)


@pytest.mark.parametrize(
    "text, why",
    [
        ("--seconds 3600", "'--seconds' is not allowed"),
        ("--seconds=3600", "'--seconds' is not allowed"),
        ("--sam-checkpoint /etc/passwd", "not allowed"),
        ("--ssl-weights /root/x.pt", "not allowed"),
        ("--models sam_vit_h", "not allowed"),
        ("--format json", "not allowed"),
        ("--device cuda", "not allowed"),
        ("/etc/passwd", "argument '/etc/passwd' is not allowed"),
        ("--dtypes fp64", "unknown fp64"),
        ("--modes rm", "unknown rm"),
        ("--batch-sizes a", "not a whole number"),
        ("--batch-sizes 1,2,3,4,5,6,7", "at most 6"),
        ("--warmup nan", "not a number"),
        ("--warmup inf", "not a number"),
        ("--warmup", "needs a value"),
        ("--warmup --threads 2", "needs a value"),
        ("--threads 1 --threads 2", "given twice"),
        ("--dtypes 'fp32", "more arguments"),
    ],
)
def test_everything_else_is_refused(text, why):
    with pytest.raises(SegroiError, match=why):
        parse_extra(text)


def test_the_form_values_are_checked_too():
    args, notes = profile_args(["ssl_unet", "ssl_unet"], "cpu", 3600, "")
    assert args == ["profile", "--models", "ssl_unet", "--device", "cpu", "--seconds", "600"] and notes
    for models, device, seconds in (
        (["rm -rf"], "cpu", 1),
        (["ssl_unet"], "tpu", 1),
        ([], "cpu", 1),
        (["ssl_unet"], "cpu", "x"),
        (["ssl_unet"], "cpu", float("nan")),
    ):
        with pytest.raises(SegroiError):
            profile_args(models, device, seconds)
