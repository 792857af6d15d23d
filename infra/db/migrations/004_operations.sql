-- The records of the long-running work Temporal drives: firmware and its rollouts, maintenance work
-- orders, and the versions of the predictive models. Statuses are owned by the workflows that write
-- them; workflow_id links a row to its Temporal execution.

CREATE TABLE firmware_manifests (
  id             text PRIMARY KEY,
  hardware_model text NOT NULL,
  device_kind    text NOT NULL,
  version        text NOT NULL,
  url            text NOT NULL,
  sha256         text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes     bigint NOT NULL CHECK (size_bytes > 0),
  signature      text NOT NULL,          -- detached signature over the manifest, checked before any rollout
  notes          text,
  released_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (hardware_model, version)
);

CREATE TABLE ota_campaigns (
  id          text PRIMARY KEY,
  manifest_id text NOT NULL REFERENCES firmware_manifests (id),
  target      jsonb NOT NULL,              -- the selector of devices, as the rollout workflow defines it
  waves       jsonb NOT NULL,              -- e.g. [1, 10, 50, 100] percent with their gates
  status      text NOT NULL,
  workflow_id text UNIQUE,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  started_at  timestamptz,
  finished_at timestamptz,
  outcome     jsonb NOT NULL DEFAULT '{}'  -- device counts per final OTA state
);
CREATE INDEX ota_campaigns_manifest_id ON ota_campaigns (manifest_id);

CREATE TABLE work_orders (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  vehicle_id  text NOT NULL,
  device_id   text,
  origin      text NOT NULL,               -- predictive alert, fault code, due service, ...
  reason      text NOT NULL,
  status      text NOT NULL,
  priority    smallint NOT NULL DEFAULT 3 CHECK (priority BETWEEN 1 AND 5),
  details     jsonb NOT NULL DEFAULT '{}',
  workflow_id text UNIQUE,
  opened_at   timestamptz NOT NULL DEFAULT now(),
  due_at      timestamptz,
  closed_at   timestamptz
);
CREATE INDEX work_orders_vehicle_id ON work_orders (vehicle_id, opened_at);
CREATE INDEX work_orders_open ON work_orders (status, priority) WHERE closed_at IS NULL;

CREATE TABLE model_versions (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL,              -- which model, e.g. the component failure predictor
  version      text NOT NULL,
  artifact_uri text NOT NULL,
  sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  training     jsonb NOT NULL DEFAULT '{}', -- data window, features, hyper-parameters
  metrics      jsonb NOT NULL DEFAULT '{}', -- evaluation: precision, recall, chosen threshold, cost
  created_at   timestamptz NOT NULL DEFAULT now(),
  promoted_at  timestamptz,                 -- when it became the one twins score with
  UNIQUE (name, version)
);
