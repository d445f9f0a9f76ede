"""`segroi profile`: measure SAM and the SSL U-Net (time, energy, memory, FLOPs) into the store.

All settings of one invocation are one run. The store writes a run's rows in one transaction
when it ends, so a run is either ok with every row or failed with its reason and no rows: if one
model fails, the models measured before it are not kept (re-run without the failing model).
A setting that runs out of GPU memory is skipped with a warning and the run goes on.

--ray ADDRESS profiles every node of a Ray cluster (or one node per GPU model, --ray-per
gpu-model), one run per node, each row tagged with the host it was measured on
(engine/scale/nodes.py).
"""

from __future__ import annotations

import json
import sys

from engine.errors import SegroiError

EPILOG = """examples:
  segroi profile --models ssl_unet --device cpu --seconds 2 --format json
  segroi profile --models sam_vit_b,sam_vit_h,ssl_unet --device cuda
  segroi profile --models sam_vit_b --device cpu --image-size 256   (smoke run, labelled as such)
  segroi profile --models sam_vit_b,ssl_unet --device cuda --ray auto --ray-per gpu-model
modes: plain, channels_last, tuned, compile, cuda_graphs, max_autotune, autotune (see docs/profiling.md)"""


def register(sub) -> None:
    import argparse

    p = sub.add_parser(
        "profile",
        help="measure time, energy and memory of SAM and the SSL U-Net",
        description="Measure SAM (encoder per image, decoder per prompt) and the SSL U-Net over a "
        "sweep of settings; one run with every row goes to the store.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--models", required=True, help="comma list of ssl_unet, sam_vit_b, sam_vit_l, sam_vit_h")
    p.add_argument(
        "--device", default="auto", choices=["auto", "cpu", "cuda"], help="auto = cuda when a GPU is visible, else cpu"
    )
    p.add_argument("--dtypes", help="comma list of fp32, bf16 (default: fp32 on cpu, both on cuda)")
    p.add_argument(
        "--batch-sizes", help="images per call, comma list (default: cpu 1; cuda U-Net 1,64,256 and SAM encoder 1,8)"
    )
    p.add_argument("--prompt-batches", help="box prompts per SAM decoder call (default 1)")
    p.add_argument("--modes", help="comma list of recipes (default: cpu plain; cuda plain,tuned,compile)")
    p.add_argument("--seconds", type=float, help="steady-state window per setting, at least (default 3)")
    p.add_argument("--warmup", type=float, help="warm-up seconds per setting (default cpu 1, cuda 2)")
    p.add_argument(
        "--idle-seconds", type=float, default=2.0, help="idle power is measured this long before the run (0: skip)"
    )
    p.add_argument(
        "--sam-checkpoint",
        action="append",
        default=[],
        metavar="PATH",
        help="SAM or MedSAM-style checkpoint; matched to its variant; repeatable",
    )
    p.add_argument("--ssl-weights", metavar="PATH", help="SSL U-Net weights (segroi train-ssl)")
    p.add_argument(
        "--image-size", type=int, default=1024, help="SAM input side; below 1024 is a smoke run and every row says so"
    )
    p.add_argument("--threads", type=int, help="CPU threads for torch")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    from engine.scale.cluster import ADDRESS_HELP

    g = p.add_argument_group("Ray (more than one machine)")
    g.add_argument("--ray", metavar="ADDRESS", help=ADDRESS_HELP + "; one profile run per node")
    g.add_argument(
        "--ray-per",
        choices=["node", "gpu-model"],
        default="node",
        help="profile every node (default), or one node per distinct GPU model",
    )
    p.set_defaults(func=run)


def _list(text: str | None, kind=str, what: str = "") -> list | None:
    if text is None:
        return None
    try:
        items = [kind(x.strip()) for x in text.split(",") if x.strip()]
    except ValueError as exc:
        raise SegroiError(f"{what}: {exc}") from exc
    if not items:
        raise SegroiError(f"{what}: give at least one value")
    return list(dict.fromkeys(items))


def build_options(args, device_type: str):
    from engine.profiling import settings as st
    from engine.profiling.profiler import default_options

    opts = default_options(device_type)
    dtypes = _list(args.dtypes, str, "--dtypes")
    if dtypes is not None:
        bad = [d for d in dtypes if d not in st.DTYPES]
        if bad:
            raise SegroiError(f"--dtypes: unknown {', '.join(bad)}; use {', '.join(st.DTYPES)}")
        opts.dtypes = dtypes
    modes = _list(args.modes, str, "--modes")
    if modes is not None:
        bad = [m for m in modes if m not in st.MODES]
        if bad:
            raise SegroiError(f"--modes: unknown {', '.join(bad)}; use {', '.join(st.MODES)}")
        gpu_only = [m for m in modes if m in st.GPU_ONLY]
        if gpu_only and device_type != "cuda":
            raise SegroiError(f"--modes {', '.join(gpu_only)} need --device cuda")
        opts.modes = modes
    for attr, flag in (("batch_sizes", "--batch-sizes"), ("prompt_batches", "--prompt-batches")):
        values = _list(getattr(args, attr), int, flag)
        if values is not None:
            if any(v < 1 or v > 65536 for v in values):
                raise SegroiError(f"{flag}: each must be between 1 and 65536")
            setattr(opts, attr, values)
    if args.seconds is not None:
        if not 0 < args.seconds <= 3600:
            raise SegroiError("--seconds must be above 0 and at most 3600")
        opts.seconds = args.seconds
    if args.warmup is not None:
        if not 0 <= args.warmup <= 600:
            raise SegroiError("--warmup must be between 0 and 600 seconds")
        opts.warmup_seconds = args.warmup
    if not 0 <= args.idle_seconds <= 600:
        raise SegroiError("--idle-seconds must be between 0 and 600")
    opts.idle_seconds = args.idle_seconds
    if args.image_size < 64 or args.image_size > 1024 or args.image_size % 16:
        raise SegroiError("--image-size must be a multiple of 16 between 64 and 1024")
    opts.sam_image_size = args.image_size
    opts.sam_checkpoints = list(args.sam_checkpoint)
    opts.ssl_weights = args.ssl_weights
    return opts


def _device_type(requested: str) -> str:
    if requested != "auto":
        return requested
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _jsonable(row: dict) -> dict:
    out = {}
    for k, v in row.items():
        if hasattr(v, "isoformat"):
            v = v.isoformat()
        elif isinstance(v, str) and k == "clocks":
            v = json.loads(v)
        out[k] = v
    return out


def _table(rows: list[dict]) -> str:
    head = (
        f"{'model':10} {'part':7} {'dtype':12} {'batch':>5} {'recipe':13} {'per s':>10} "
        f"{'J/item':>9} {'J-idle':>9} {'peak MB':>8}  energy"
    )
    lines = [head]
    for r in rows:
        per_s = r["images_per_second"] if r["images_per_second"] is not None else r["prompts_per_second"]
        j = r["joules_per_image"] if r["component"] != "decoder" else r["joules_per_prompt"]
        jn = (
            r["joules_per_image_idle_subtracted"]
            if r["component"] != "decoder"
            else r["joules_per_prompt_idle_subtracted"]
        )
        dtype = r["dtype"] + ("-weights" if r.get("dtype_mode") == "weights" else "")
        peak = f"{r['peak_memory_bytes'] / 2**20:.0f}" if r["peak_memory_bytes"] else "-"
        fmt = lambda x: f"{x:9.4g}" if x is not None else f"{'-':>9}"  # noqa: E731
        lines.append(
            f"{r['model']:10} {r['component']:7} {dtype:12} {r['batch']:5d} "
            f"{r['recipe'] or '':13} {per_s:10.4g} {fmt(j)} {fmt(jn)} {peak:>8}  "
            f"{r['energy_method']}"
        )
    return "\n".join(lines)


def _print_run(run_id: str, hardware: dict, device_type: str, stored: list[dict]) -> None:
    idle = hardware["idle_power_watts"]
    idle_text = f"{idle:.1f} W" if idle is not None else "not measured"
    where = f" on host {hardware['host']}" if hardware.get("host") else ""
    print(f"run {run_id} on {hardware['device_name']} ({device_type}){where}; idle power {idle_text}")
    print(
        "per s: images/s (decoder: prompts/s); J/item: joules per image or prompt, raw and with idle power subtracted"
    )
    print(_table(stored))


def _check_models(models, opts) -> None:
    from engine.profiling.profiler import match_checkpoints

    match_checkpoints(models, opts.sam_checkpoints, opts.sam_image_size)
    if opts.ssl_weights:
        from engine.models.ssl_net import SslSegmenter

        if "ssl_unet" not in models:
            raise SegroiError("--ssl-weights given but ssl_unet is not in --models")
        SslSegmenter.load(opts.ssl_weights)


def _settings(models, device_type, opts, threads) -> dict:
    from engine.profiling.profiler import batches_for

    return {
        "models": models,
        "device": device_type,
        "dtypes": opts.dtypes,
        "batch_sizes": {m: batches_for(opts, device_type, m) for m in models},
        "prompt_batches": opts.prompt_batches,
        "modes": opts.modes,
        "seconds": opts.seconds,
        "warmup_seconds": opts.warmup_seconds,
        "idle_seconds": opts.idle_seconds,
        "sam_image_size": opts.sam_image_size,
        "sam_checkpoints": [str(c) for c in opts.sam_checkpoints],
        "ssl_weights": opts.ssl_weights,
        "threads": threads,
    }


def _run_ray(args, models) -> int:
    from engine.scale import nodes
    from engine.scale.cluster import connect
    from engine.store import RunKind, open_store, results

    if args.threads is not None and args.threads < 1:
        raise SegroiError("--threads must be at least 1")
    store = open_store()
    with connect(args.ray) as cluster:
        print(cluster.line(), file=sys.stderr)
        jobs = nodes.plan_jobs(cluster, args.device, args.ray_per)
        options = {}
        for kind in sorted({j.device_type for j in jobs}):
            options[kind] = build_options(args, kind)
            _check_models(models, options[kind])
        import ray

        runs, refs = {}, {}
        for i, job in enumerate(jobs):
            opts = options[job.device_type]
            settings = {
                **_settings(models, job.device_type, opts, args.threads),
                "ray": {**cluster.settings(), "job": job.settings()},
            }
            runs[i] = store.start_run(RunKind.PROFILE, settings=settings)
            refs[i] = nodes.launch(ray, job, models, opts, args.threads)
            print(f"profiling {job.label()}: run {runs[i].id}", file=sys.stderr)
        done: dict[int, tuple] = {}
        failed: list[str] = []

        def finished(i, result):
            from engine.scale.inference import job_error

            run_, job = runs[i], jobs[i]
            if isinstance(result, BaseException):
                reason = str(job_error(result))
                store.fail_run(run_, reason)
                failed.append(f"{job.label()}: {reason}")
                print(f"failed {job.label()}: {reason}", file=sys.stderr)
                return
            hardware, rows, warnings = result
            for warning in warnings:
                print(f"segroi profile: {job.label()}: {warning}", file=sys.stderr)
            if not rows:
                reason = "no setting could be measured (every one ran out of memory)"
                store.fail_run(run_, reason)
                failed.append(f"{job.label()}: {reason}")
                return
            for row in rows:
                row["source"] = run_.id
                row["host"] = hardware["host"]
            run_.add("hardware", hardware)
            run_.add("profiles", rows)
            store.finish_run(run_)
            done[i] = (hardware, rows)
            print(f"done {job.label()}: {len(rows)} settings", file=sys.stderr)

        try:
            nodes.wait_all(ray, refs, finished)
        except BaseException as exc:  # interrupted: no run stays `running`
            for i, run_ in runs.items():
                if i not in done and not any(f.startswith(jobs[i].label()) for f in failed):
                    store.fail_run(run_, exc)
            raise
    stored = {i: results.run_profiles(store, runs[i].id) for i in sorted(done)}
    if args.format == "json":
        print(json.dumps([_jsonable(r) for i in sorted(stored) for r in stored[i]], indent=1))
    else:
        for i in sorted(stored):
            _print_run(runs[i].id, done[i][0], jobs[i].device_type, stored[i])
    if failed:
        raise SegroiError(
            f"{len(failed)} of {len(jobs)} node job(s) failed and were stored as failed runs: " + "; ".join(failed)
        )
    return 0


def run(args) -> int:
    if args.ray is not None:
        from engine.profiling import workloads as wl
        from engine.scale.cluster import check_address

        check_address(args.ray)
        return _run_ray(args, wl.parse_models(args.models))
    if args.ray_per != "node":
        raise SegroiError("--ray-per needs --ray ADDRESS")
    import torch

    from engine.profiling import workloads as wl
    from engine.profiling.device import open_device
    from engine.profiling.profiler import profile_models
    from engine.store import RunKind, open_store, results

    models = wl.parse_models(args.models)
    device_type = _device_type(args.device)
    opts = build_options(args, device_type)
    if args.threads is not None:
        if args.threads < 1:
            raise SegroiError("--threads must be at least 1")
        torch.set_num_threads(args.threads)
    # Everything a user can get wrong is checked before a run is opened.
    _check_models(models, opts)
    progress = None
    if not args.no_progress:
        from engine.commands.progress import progress_bar

        progress = lambda total: progress_bar(total=total, unit="setting", leave=True)  # noqa: E731
    settings = _settings(models, device_type, opts, torch.get_num_threads())
    store = open_store()
    with open_device(device_type) as device:
        with store.run(RunKind.PROFILE, settings=settings) as run_:
            hardware, rows = profile_models(models, device, opts, progress=progress)
            if not rows:
                raise SegroiError("no setting could be measured (every one ran out of memory)")
            for row in rows:
                row["source"] = run_.id
                row["host"] = hardware["host"]
            run_.add("hardware", hardware)
            run_.add("profiles", rows)
    stored = results.run_profiles(store, run_.id)
    if args.format == "json":
        print(json.dumps([_jsonable(r) for r in stored], indent=1))
    else:
        _print_run(run_.id, hardware, device_type, stored)
    return 0
