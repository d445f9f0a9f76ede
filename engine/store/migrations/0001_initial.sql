-- segroi store, schema version 1.
-- Every numeric result row says where it came from: provenance is one of
-- measured / published / simulated / assumed, and source says which run, paper or person.

CREATE TABLE runs (
    id              VARCHAR PRIMARY KEY,
    kind            VARCHAR NOT NULL,          -- profile, evaluate, train-ssl, annotate-sim, demo, ...
    status          VARCHAR NOT NULL,          -- running, ok, failed, abandoned
    started_at      TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP,
    host            VARCHAR NOT NULL,
    pid             INTEGER NOT NULL,
    command         VARCHAR,
    settings        JSON,
    reason          VARCHAR,                   -- why it failed or was abandoned
    segroi_version  VARCHAR NOT NULL
);

CREATE TABLE hardware (
    run_id            VARCHAR NOT NULL,
    device_type       VARCHAR NOT NULL,        -- cuda or cpu
    device_name       VARCHAR,
    driver_version    VARCHAR,
    cuda_version      VARCHAR,
    torch_version     VARCHAR,
    cpu_name          VARCHAR,
    cpu_cores         INTEGER,
    memory_bytes      BIGINT,
    idle_power_watts  DOUBLE,
    clocks            JSON
);

CREATE TABLE profiles (
    run_id                            VARCHAR NOT NULL,
    model                             VARCHAR NOT NULL,   -- sam_vit_b, sam_vit_h, ssl_unet, ...
    component                         VARCHAR NOT NULL,   -- encoder, decoder, full
    weights                           VARCHAR NOT NULL,   -- random, or the checkpoint's file name
    device                            VARCHAR NOT NULL,   -- cuda or cpu
    device_name                       VARCHAR,
    dtype                             VARCHAR NOT NULL,
    batch                             INTEGER NOT NULL,
    input_size                        VARCHAR NOT NULL,   -- CxHxW
    compiled                          BOOLEAN NOT NULL DEFAULT FALSE,
    channels_last                     BOOLEAN NOT NULL DEFAULT FALSE,
    cuda_graphs                       BOOLEAN NOT NULL DEFAULT FALSE,
    torch_version                     VARCHAR,
    window_seconds                    DOUBLE,
    iterations                        INTEGER,
    images_per_second                 DOUBLE,
    seconds_per_image                 DOUBLE,
    seconds_per_prompt                DOUBLE,
    joules_per_image                  DOUBLE,
    joules_per_image_idle_subtracted  DOUBLE,
    joules_per_prompt                 DOUBLE,
    energy_method                     VARCHAR,            -- nvml_energy_counter, nvml_power_sampling, rapl, not_measured, published
    average_power_watts               DOUBLE,
    idle_power_watts                  DOUBLE,
    peak_memory_bytes                 BIGINT,
    flops_per_image                   DOUBLE,
    provenance                        VARCHAR NOT NULL,
    source                            VARCHAR,
    measured_at                       TIMESTAMP
);

CREATE TABLE annotation_sessions (
    id                      VARCHAR PRIMARY KEY,
    annotator               VARCHAR NOT NULL,   -- pseudonymous id
    task                    VARCHAR NOT NULL,   -- manual, sam, ssl
    dataset                 VARCHAR,
    frames_planned          INTEGER,
    idle_threshold_seconds  DOUBLE NOT NULL,
    simulated               BOOLEAN NOT NULL,
    settings                JSON,
    created_at              TIMESTAMP NOT NULL,
    status                  VARCHAR NOT NULL    -- open, done
);

CREATE TABLE annotation_items (
    session_id      VARCHAR NOT NULL,
    frame           VARCHAR NOT NULL,           -- Frame.name
    study           VARCHAR,                    -- hashed
    structure       VARCHAR NOT NULL,
    task            VARCHAR NOT NULL,
    active_seconds  DOUBLE NOT NULL,
    idle_seconds    DOUBLE,
    clicks          INTEGER,
    vertices        INTEGER,
    corrections     INTEGER,
    accepted        BOOLEAN NOT NULL,
    dice            DOUBLE,
    simulated       BOOLEAN NOT NULL,
    completed_at    TIMESTAMP NOT NULL
);

CREATE TABLE evaluations (
    run_id           VARCHAR NOT NULL,
    model            VARCHAR NOT NULL,
    weights          VARCHAR,
    frame            VARCHAR NOT NULL,
    study            VARCHAR,
    view             VARCHAR,
    phase            VARCHAR,
    structure        VARCHAR NOT NULL,
    dice             DOUBLE,
    iou              DOUBLE,
    hd95_mm          DOUBLE,
    prompts          VARCHAR,                   -- none, or how simulated prompts were made
    provenance       VARCHAR NOT NULL
);

CREATE TABLE measurements (
    run_id      VARCHAR NOT NULL,
    model       VARCHAR NOT NULL,
    study       VARCHAR,
    view        VARCHAR,
    phase       VARCHAR,
    name        VARCHAR NOT NULL,               -- lv_area_cm2, lv_edv_ml, ef_percent, ...
    value       DOUBLE,
    reference   DOUBLE,
    unit        VARCHAR,
    provenance  VARCHAR NOT NULL
);

CREATE TABLE training_runs (
    run_id           VARCHAR NOT NULL,
    images           INTEGER,
    epochs           INTEGER,
    rounds           INTEGER,
    image_size       INTEGER,
    width            INTEGER,
    device           VARCHAR,
    device_name      VARCHAR,
    seconds          DOUBLE,
    energy_joules    DOUBLE,
    energy_method    VARCHAR,
    qc_pass_rates    JSON,                       -- one per round
    final_loss       DOUBLE,
    weights_path     VARCHAR
);

CREATE TABLE scenarios (
    name         VARCHAR PRIMARY KEY,
    assumptions  JSON NOT NULL,
    provenance   JSON,                           -- dotted field -> {kind, source}
    note         VARCHAR,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
