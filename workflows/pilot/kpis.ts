import type pg from 'pg';
import type { VehicleKpis } from './types';

/** Uptime counts the share of this many equal slices of the window in which the vehicle reported. */
const UPTIME_SLICES = 60;
/** Points off the safety score per harsh event per 100 km. */
const SAFETY_POINTS_PER_EVENT_PER_100KM = 5;
/** Below this distance fuel per km and the safety score mean nothing. */
const MIN_KM = 1;
const otaFinal = ['done', 'failed', 'rolled_back', 'refused'];

/**
 * Each vehicle's KPIs over [from, to), from the records the recorder keeps in PostgreSQL:
 * - uptime: share of the window's slices with at least one reading (telemetry_history);
 * - fuelPer100Km: fuel level drops (% of tank) per 100 km of odometer (OBD readings);
 * - idleShare: idle time over idle + driving time, from the twin's motion events;
 * - safetyScore: 100 minus 5 points per harsh event per 100 km;
 * - otaSuccess: share of the device updates finished in the window that ended `done`.
 */
export async function vehicleKpis(pool: pg.Pool, vehicleIds: string[], from: number, to: number): Promise<Record<string, VehicleKpis>> {
  const window = [vehicleIds, from, to];
  const [uptime, fuel, motion, harsh, ota] = await Promise.all([
    pool.query<{ vehicle_id: string; slices: number }>(
      `SELECT vehicle_id, count(DISTINCT floor((extract(epoch FROM device_time) * 1000 - $2) / $4))::int AS slices
       FROM telemetry_history
       WHERE vehicle_id = ANY($1) AND device_time >= to_timestamp($2 / 1000.0) AND device_time < to_timestamp($3 / 1000.0)
       GROUP BY vehicle_id`,
      [...window, (to - from) / UPTIME_SLICES],
    ),
    pool.query<{ vehicle_id: string; km: number | null; fuel_used: number | null }>(
      `WITH r AS (
         SELECT vehicle_id, device_time, (record->'engine'->>'odometerKm')::float8 AS odo, (record->'engine'->>'fuelLevelPct')::float8 AS fuel
         FROM telemetry_history
         WHERE vehicle_id = ANY($1) AND device_time >= to_timestamp($2 / 1000.0) AND device_time < to_timestamp($3 / 1000.0)
       ), drops AS (
         SELECT vehicle_id, lag(fuel) OVER (PARTITION BY vehicle_id ORDER BY device_time) - fuel AS drop FROM r WHERE fuel IS NOT NULL
       )
       SELECT v.vehicle_id,
              (SELECT max(odo) - min(odo) FROM r WHERE r.vehicle_id = v.vehicle_id) AS km,
              (SELECT sum(drop) FROM drops d WHERE d.vehicle_id = v.vehicle_id AND drop > 0) AS fuel_used
       FROM (SELECT DISTINCT vehicle_id FROM r) v`,
      window,
    ),
    pool.query<{ vehicle_id: string; idle_ms: number; driving_ms: number }>(
      `WITH m AS (
         SELECT vehicle_id, payload->>'to' AS state, at,
                COALESCE(lead(at) OVER (PARTITION BY vehicle_id ORDER BY at, id), to_timestamp($3 / 1000.0)) AS until
         FROM events
         WHERE kind = 'motion' AND vehicle_id = ANY($1) AND at >= to_timestamp($2 / 1000.0) AND at < to_timestamp($3 / 1000.0)
       )
       SELECT vehicle_id,
              COALESCE(sum(extract(epoch FROM until - at) * 1000) FILTER (WHERE state = 'idle'), 0)::float8 AS idle_ms,
              COALESCE(sum(extract(epoch FROM until - at) * 1000) FILTER (WHERE state = 'driving'), 0)::float8 AS driving_ms
       FROM m GROUP BY vehicle_id`,
      window,
    ),
    pool.query<{ vehicle_id: string; n: number }>(
      `SELECT vehicle_id, count(*)::int AS n FROM events
       WHERE kind = 'harsh' AND vehicle_id = ANY($1) AND at >= to_timestamp($2 / 1000.0) AND at < to_timestamp($3 / 1000.0)
       GROUP BY vehicle_id`,
      window,
    ),
    pool.query<{ vehicle_id: string; done: number; finished: number }>(
      `WITH last AS (
         SELECT DISTINCT ON (device_id, record->'ota'->>'version') vehicle_id, record->'ota'->>'state' AS state
         FROM telemetry_history
         WHERE vehicle_id = ANY($1) AND device_time >= to_timestamp($2 / 1000.0) AND device_time < to_timestamp($3 / 1000.0)
           AND record->'ota'->>'state' = ANY($4)
         ORDER BY device_id, record->'ota'->>'version', device_time DESC
       )
       SELECT vehicle_id, count(*) FILTER (WHERE state = 'done')::int AS done, count(*)::int AS finished FROM last GROUP BY vehicle_id`,
      [...window, otaFinal],
    ),
  ]);

  const byVehicle = <T extends { vehicle_id: string }>(rows: T[]) => new Map(rows.map((r) => [r.vehicle_id, r]));
  const [u, f, m, h, o] = [byVehicle(uptime.rows), byVehicle(fuel.rows), byVehicle(motion.rows), byVehicle(harsh.rows), byVehicle(ota.rows)];
  const out: Record<string, VehicleKpis> = {};
  for (const id of vehicleIds) {
    const km = f.get(id)?.km ?? null;
    const moving = (m.get(id)?.idle_ms ?? 0) + (m.get(id)?.driving_ms ?? 0);
    const finished = o.get(id)?.finished ?? 0;
    const driven = km !== null && km >= MIN_KM;
    out[id] = {
      uptime: (u.get(id)?.slices ?? 0) / UPTIME_SLICES,
      fuelPer100Km: driven ? ((f.get(id)?.fuel_used ?? 0) / km) * 100 : null,
      idleShare: moving > 0 ? m.get(id)!.idle_ms / moving : null,
      safetyScore: driven ? Math.max(0, 100 - SAFETY_POINTS_PER_EVENT_PER_100KM * (((h.get(id)?.n ?? 0) / km) * 100)) : null,
      otaSuccess: finished > 0 ? o.get(id)!.done / finished : null,
    };
  }
  return out;
}
