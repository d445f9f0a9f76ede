"""Run by test_cluster: join a cluster, plan GPU workers, run segment with one GPU per actor while
torch computes on the CPU (the GPUs are logical), and print what each actor was given as JSON."""

import json
import sys
import tempfile

from engine.data import plan
from engine.measure.segmenters import LabellerSpec
from engine.scale import inference
from engine.scale.cluster import connect

address, data, weights = sys.argv[1:4]
with connect(address) as cluster:
    workers, gpus = inference.workers_for(cluster, "cuda", None)
    spec = LabellerSpec("ssl", weights=weights, device="cpu")
    w, prompts = spec.check()
    with tempfile.TemporaryDirectory() as staging:
        job = inference.Job("segment", spec, w, prompts, workers=workers, gpus_per_worker=gpus, staging=staging)
        outcome = inference.run(list(plan(data, read_masks=False)), job)
    print(
        json.dumps(
            {
                "workers": workers,
                "gpus_per_worker": gpus,
                "cluster_gpus": cluster.gpus,
                "frames": len(outcome.frames),
                "where": [f.where for f in outcome.frames],
            }
        )
    )
