-- Maintenance work orders and pilot programs (workflows/maintenance, workflows/pilot). The workflows
-- own these rows and write them through their activities; Temporal keeps the live state, these
-- tables keep what the fleet and the predictive model learn from it.

-- Workshop capacity: each depot serves `service_bays` vehicles per slot of `service_slot_minutes`.
ALTER TABLE depots
  ADD COLUMN service_bays smallint NOT NULL DEFAULT 2 CHECK (service_bays >= 0),
  ADD COLUMN service_slot_minutes integer NOT NULL DEFAULT 240 CHECK (service_slot_minutes > 0);

-- A work order's workflow id is wo-<vehicleId>-<component>: one open order per vehicle and
-- component, and a later order for the same pair is a new run. So a row is (workflow_id, run_id).
ALTER TABLE work_orders DROP CONSTRAINT work_orders_workflow_id_key;
ALTER TABLE work_orders
  ADD COLUMN run_id           text,
  ADD COLUMN component        text,
  ADD COLUMN risk             double precision CHECK (risk BETWEEN 0 AND 1),
  ADD COLUMN approved_by      text,
  ADD COLUMN approved_at      timestamptz,
  ADD COLUMN depot_id         text REFERENCES depots (id),
  ADD COLUMN slot_starts_at   timestamptz,
  ADD COLUMN escalation_level smallint NOT NULL DEFAULT 0,
  ADD COLUMN updated_at       timestamptz NOT NULL DEFAULT now();
CREATE UNIQUE INDEX work_orders_workflow_run ON work_orders (workflow_id, run_id);

-- A booked service slot. The booking activity serialises on the depot row (FOR UPDATE), so two
-- orders never take the last bay of a slot; `booking_key` (<workflowId>/<runId>) makes a retried
-- activity find its own booking instead of taking a second one.
CREATE TABLE service_bookings (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  booking_key    text NOT NULL UNIQUE,
  depot_id       text NOT NULL REFERENCES depots (id),
  vehicle_id     text NOT NULL,
  slot_starts_at timestamptz NOT NULL,
  slot_ends_at   timestamptz NOT NULL CHECK (slot_ends_at > slot_starts_at),
  booked_at      timestamptz NOT NULL DEFAULT now(),
  released_at    timestamptz
);
CREATE INDEX service_bookings_held ON service_bookings (depot_id, slot_starts_at) WHERE released_at IS NULL;

-- What the technician found: the labels the predictive model is trained and judged on.
CREATE TABLE work_order_outcomes (
  work_order_id bigint PRIMARY KEY REFERENCES work_orders (id),
  vehicle_id    text NOT NULL,
  component     text NOT NULL,
  origin        text NOT NULL,
  risk          double precision,
  outcome       text NOT NULL CHECK (outcome IN ('fixed', 'not_found', 'deferred')),
  technician    text NOT NULL,
  notes         text,
  odometer_km   double precision,
  engine_hours  double precision,
  opened_at     timestamptz NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX work_order_outcomes_component ON work_order_outcomes (component, outcome);

-- An order left waiting past its SLA, once per level.
CREATE TABLE work_order_escalations (
  work_order_id bigint NOT NULL REFERENCES work_orders (id),
  level         smallint NOT NULL CHECK (level > 0),
  phase         text NOT NULL,
  waited_ms     bigint NOT NULL,
  escalated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (work_order_id, level)
);

-- The last full service of each vehicle: service-due checks count kilometres, engine hours and days
-- from here (from zero and the registry's created_at when a vehicle has none yet).
CREATE TABLE vehicle_services (
  vehicle_id    text PRIMARY KEY,
  serviced_at   timestamptz NOT NULL,
  odometer_km   double precision,
  engine_hours  double precision,
  work_order_id bigint REFERENCES work_orders (id)
);

-- A pilot program: a cohort against a matched control group over a period.
CREATE TABLE pilot_programs (
  id          text PRIMARY KEY,            -- the workflow id
  name        text NOT NULL,
  cohort      text[] NOT NULL,
  control     text[] NOT NULL,
  matching    jsonb NOT NULL DEFAULT '{}', -- how each cohort vehicle was matched
  status      text NOT NULL,
  started_at  timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL,
  report      jsonb,
  finished_at timestamptz
);

CREATE TABLE pilot_kpi_snapshots (
  pilot_id    text NOT NULL REFERENCES pilot_programs (id),
  seq         integer NOT NULL,
  window_from timestamptz NOT NULL,
  window_to   timestamptz NOT NULL,
  cohort      jsonb NOT NULL,              -- KPI means of the group
  control     jsonb NOT NULL,
  taken_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pilot_id, seq)
);
