"""Reading echo images into `Frame`s. No patient identifier leaves this package.

Every command and the dashboard read images through ONE entry point, `load` (or its
streaming form `iter_load`), so a file behaves the same everywhere.

    from engine.data import load
    result = load(["scans/", "extra.dcm"], truth="labels/")   # str | Path | list of them
    result.frames      # list[Frame], in path order (sorted within folders)
    result.problems    # list[FileProblem(path, reason)] -- files that could not be read
    result.skipped     # list[FileProblem] -- files that are not images (README, DICOMDIR, labels)
    result.require_frames()   # raises SegroiError naming the problems when no frame loaded

Keyword arguments of `load` / `iter_load`:
    truth       folder of label PNGs (values 0 bg, 1 LV, 2 LA, 3 RV, 4 RA). For a frame
                named `<source>_<idx 3 digits>` the label is `truth/<source>_<idx>.png`,
                else `truth/<file stem>.png`. Files inside `truth` are never read as images.
                Without it, a dataset's own ground truth is used (CAMUS `_gt`, EchoNet
                tracings, a `truth/` folder beside a `frames.json`).
    salt        salt for the study hash (default: see `study_hash`).
    read_masks  False = read NO ground truth at all (no `truth`, no CAMUS `_gt`, no EchoNet
                tracings, no `truth/` folder): what label-free training MUST use.
    frames      "all" (default) or "labelled" (only frames that carry a mask, e.g. the
                two traced frames of each EchoNet video).

    limit       bytes of pixels one file may declare (default 2 GiB or SEGROI_MAX_FILE_BYTES);
                larger files are refused from their header, before anything is allocated.

`iter_load(...)` yields one `FileResult(path, status, reason, frames, info)` per input file
(frames of one file are kept together; a file that fails mid-way yields no frames),
for folders too big to hold in memory. `inspect(paths)` returns one dict per file for
`segroi inspect` (status ok|error|skipped, reason, frames, rows, columns, photometric,
transfer_syntax, spacing_mm as [x, y] = [column mm, row mm] or None with spacing_reason,
spacing_source, warnings). NOTE the order: `Frame.spacing_mm` is (row_mm, col_mm).

What is read (dispatch by content, then by name; folders are walked recursively):
    DICOM       `.dcm`/`.dicom`, or any file with the DICM marker (or a raw DICOM header).
                Single/multi-frame; MONOCHROME1/2, PALETTE COLOR, RGB, YBR_FULL(_422),
                YBR_RCT/ICT; native, RLE, JPEG baseline/extended, JPEG 2000.
                Spacing from the Sequence of Ultrasound Regions (largest region with
                RegionSpatialFormat 1 and PhysicalUnits 3 = cm), else a valid PixelSpacing,
                else None ("no calibration"). Frame time from FrameTime or CineRate.
    EchoNet     a folder with FileList.csv + VolumeTracings.csv + Videos/*.avi; LV mask
                (label 1) at each traced frame, phase ED/ES by traced area. No spacing.
    CAMUS       `patientXXXX_{2CH,4CH}_{ED,ES}.nii.gz` (+ `_gt`) and `_half_sequence`;
                CAMUS labels 1 LV -> 1, 3 LA -> 2, 2 myocardium -> 0. Spacing from the header.
    Images      PNG/JPEG/BMP/TIFF, converted to grey. A `frames.json` beside them (written
                by `save_frames` and the phantom) adds spacing, study, view, phase, frame time;
                a `truth/` folder beside it holds label PNGs (never read as images; used as
                masks unless read_masks=False). A file named `<source>_<idx 3 digits>.png`
                becomes frame `idx` of `source`.
    Videos      a loose `.avi`/`.mp4` outside an EchoNet folder: frames, no mask/spacing.

`plan(paths, ...)` (same keyword arguments) walks without decoding and yields FileResults,
`ReadTask`s and `EchoNetSummary`s; `read(task)` decodes one file and `finish(summary, results)`
gives an EchoNet folder's table entries: the same reader split so that `--ray` lists files on the
driver and decodes them on the cluster (see reader.py).

`require_unique_names(frames, advice)` raises SegroiError naming both source files when two
frames share `Frame.name` (same file stem in two folders): `segment` and `evaluate` call it
before writing or scoring anything, since output names and --truth lookups go by that name.

`save_frames(frames, images_dir, truth_dir=None)` writes frames as 8-bit PNGs named
`Frame.name + ".png"` plus `frames.json`, and masks as label PNGs in `truth_dir`;
`load(images_dir, truth=truth_dir)` gives the same frames back (pixels to 1/255).

Privacy: patient name, id, birth date and other patient tags are never copied. The
study id (StudyInstanceUID, else the file path) is kept only as `study_hash(...)`, an
HMAC-SHA256 with a salt from `SEGROI_SALT`, else a random salt created once and kept in
the user data dir (`salt` file beside the default store). `Frame.meta` holds only
technical fields (format, path, transfer syntax, photometric, spacing source, warnings,
manufacturer). File names are the user's own and are not scrubbed.
"""

from engine.data.frame import STRUCTURES, Frame
from engine.data.images import save_frames
from engine.data.privacy import study_hash
from engine.data.problems import FileProblem, FileResult, LoadResult, require_unique_names
from engine.data.reader import EchoNetSummary, ReadTask, finish, inspect, iter_load, load, plan, read

__all__ = [
    "Frame",
    "STRUCTURES",
    "FileProblem",
    "FileResult",
    "LoadResult",
    "load",
    "iter_load",
    "inspect",
    "save_frames",
    "study_hash",
    "require_unique_names",
    "plan",
    "read",
    "finish",
    "ReadTask",
    "EchoNetSummary",
]
