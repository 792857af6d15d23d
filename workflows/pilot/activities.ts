import { ApplicationFailure } from '@temporalio/activity';
import type pg from 'pg';
import { vehicleKpis } from './kpis';
import { matchControls, type FleetVehicle } from './matching';
import { pilotKpis, type ControlMatch, type KpiSnapshot, type PilotKpi, type PilotReport, type PilotStatus } from './types';
import { summarizeGroup, welchDifference } from './welch';
import { inTransaction } from '../../infra/db/transaction';

export interface PilotActivityDeps {
  pool: pg.Pool;
}

/** Mileage for matching: the highest odometer a vehicle reported in this many recent days. */
const MILEAGE_LOOKBACK_DAYS = 30;

/** The pilot domain's activities, bound to the worker's shared resources. */
export function createActivities({ pool }: PilotActivityDeps) {
  return {
    /** A control group matched one for one to the cohort (matching.ts) from the registry and recent odometers. */
    async matchControlGroup(cohort: string[]): Promise<ControlMatch[]> {
      const { rows } = await pool.query<{ id: string; model: string | null; depot_id: string | null; km: number | null }>(
        `SELECT v.id, v.model, v.depot_id, o.km
         FROM vehicles v
         LEFT JOIN LATERAL (
           SELECT max((t.record->'engine'->>'odometerKm')::float8) AS km FROM telemetry_history t
           WHERE t.vehicle_id = v.id AND t.device_time > now() - make_interval(days => $1)
         ) o ON true`,
        [MILEAGE_LOOKBACK_DAYS],
      );
      const fleet: FleetVehicle[] = rows.map((r) => ({ id: r.id, model: r.model, depotId: r.depot_id, odometerKm: r.km ?? 0 }));
      const known = new Map(fleet.map((v) => [v.id, v]));
      const unknown = cohort.filter((id) => !known.has(id));
      if (unknown.length > 0) throw ApplicationFailure.nonRetryable(`cohort vehicles not in the registry: ${unknown.slice(0, 20).join(', ')}`, 'UnknownVehicles');
      const matches = matchControls(cohort.map((id) => known.get(id)!), fleet);
      if (matches.length < 2) {
        throw ApplicationFailure.nonRetryable(`only ${matches.length} control vehicle(s) could be matched; a comparison needs at least 2`, 'ControlGroupTooSmall');
      }
      return matches;
    },

    /** Writes the pilot's row; an audit row whenever its phase changed. */
    async recordPilot(status: PilotStatus): Promise<void> {
      await inTransaction(pool, async (client) => {
        const previous = await client.query<{ status: string }>('SELECT status FROM pilot_programs WHERE id = $1 FOR UPDATE', [status.pilotId]);
        await client.query(
          `INSERT INTO pilot_programs (id, name, cohort, control, matching, status, started_at, ends_at, report, finished_at)
           VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7 / 1000.0), to_timestamp($8 / 1000.0), $9, CASE WHEN $10 THEN now() END)
           ON CONFLICT (id) DO UPDATE SET control = EXCLUDED.control, matching = EXCLUDED.matching, status = EXCLUDED.status,
             ends_at = EXCLUDED.ends_at, report = EXCLUDED.report, finished_at = COALESCE(pilot_programs.finished_at, EXCLUDED.finished_at)`,
          [
            status.pilotId, status.name, status.cohort, status.control, JSON.stringify(status.matches), status.phase,
            status.startedAt, status.endsAt, status.report ? JSON.stringify(status.report) : null, status.phase === 'done',
          ],
        );
        if (previous.rows[0]?.status !== status.phase) {
          const actor = status.phase === 'follow_on_started' || (status.phase === 'done' && status.followOn.decision)
            ? status.followOn.decision?.by ?? `workflow:pilot-${status.pilotId}`
            : `workflow:pilot-${status.pilotId}`;
          await client.query('INSERT INTO audit_log (actor, action, subject, details) VALUES ($1, $2, $3, $4)', [
            actor, `pilot.${status.phase}`, `pilot_programs/${status.pilotId}`,
            JSON.stringify({ stoppedEarly: status.stoppedEarly, followOn: status.followOn }),
          ]);
        }
      });
    },

    /** KPI means of both groups over [from, to), stored as the pilot's snapshot `seq`. */
    async takeKpiSnapshot(request: { pilotId: string; seq: number; cohort: string[]; control: string[]; from: number; to: number }): Promise<KpiSnapshot> {
      const kpis = await vehicleKpis(pool, [...request.cohort, ...request.control], request.from, request.to);
      const snapshot: KpiSnapshot = {
        seq: request.seq,
        from: request.from,
        to: request.to,
        cohort: summarizeGroup(request.cohort.map((id) => kpis[id]!)),
        control: summarizeGroup(request.control.map((id) => kpis[id]!)),
      };
      await pool.query(
        `INSERT INTO pilot_kpi_snapshots (pilot_id, seq, window_from, window_to, cohort, control)
         VALUES ($1, $2, to_timestamp($3 / 1000.0), to_timestamp($4 / 1000.0), $5, $6) ON CONFLICT (pilot_id, seq) DO NOTHING`,
        [request.pilotId, request.seq, request.from, request.to, JSON.stringify(snapshot.cohort), JSON.stringify(snapshot.control)],
      );
      return snapshot;
    },

    /** The final report: per KPI, cohort minus control over the whole pilot with Welch's 95 % interval. */
    async buildReport(request: { cohort: string[]; control: string[]; from: number; to: number }): Promise<PilotReport> {
      const kpis = await vehicleKpis(pool, [...request.cohort, ...request.control], request.from, request.to);
      const values = (ids: string[], k: PilotKpi) => ids.map((id) => kpis[id]![k]);
      return {
        from: request.from,
        to: request.to,
        cohortSize: request.cohort.length,
        controlSize: request.control.length,
        differences: pilotKpis.map((k) => welchDifference(k, values(request.cohort, k), values(request.control, k))),
      };
    },
  };
}

export type PilotActivities = ReturnType<typeof createActivities>;
