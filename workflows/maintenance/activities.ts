import { ApplicationFailure } from '@temporalio/activity';
import type { NatsConnection } from '@nats-io/transport-node';
import type pg from 'pg';
import { partitionOf, subjects } from '../../twins/bus/subjects';
import type { TwinCommand, TwinCommandReply } from '../../twins/runtime/twin-commands';
import { bookSlot } from './depot-slots';
import type { ServiceSlot, TwinMaintenanceState, WorkOrderEscalation, WorkOrderRecord } from './types';
import { inTransaction } from '../../infra/db/transaction';

export interface MaintenanceActivityDeps {
  pool: pg.Pool;
  nats: NatsConnection;
  partitions: number;
}

const TWIN_TIMEOUT_MS = 5_000;
const encoder = new TextEncoder();

/** The maintenance domain's activities, bound to the worker's shared resources. */
export function createActivities(deps: MaintenanceActivityDeps) {
  const { pool } = deps;

  return {
    /**
     * Writes the order's row (one per workflow run) and returns its id; an audit row is added
     * whenever the phase changed, so retries of the same write add nothing.
     */
    async recordWorkOrder({ workflowId, runId, status }: WorkOrderRecord): Promise<number> {
      const first = status.triggers[0];
      const closed = status.phase === 'closed' || status.phase === 'rejected';
      const details = {
        triggers: status.triggers,
        approval: status.approval,
        rejection: status.rejection,
        slot: status.slot,
        inServiceAt: status.inServiceAt,
        completion: status.completion,
        escalations: status.escalations,
      };
      return inTransaction(pool, async (client) => {
        const previous = await client.query<{ status: string }>('SELECT status FROM work_orders WHERE workflow_id = $1 AND run_id = $2 FOR UPDATE', [workflowId, runId]);
        const { rows } = await client.query<{ id: string }>(
          `INSERT INTO work_orders (workflow_id, run_id, vehicle_id, device_id, component, origin, reason, status, priority, risk, details,
                                    opened_at, approved_by, approved_at, depot_id, slot_starts_at, due_at, escalation_level, closed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, to_timestamp($12 / 1000.0), $13, to_timestamp($14 / 1000.0), $15,
                   to_timestamp($16 / 1000.0), to_timestamp($16 / 1000.0), $17, CASE WHEN $18 THEN now() END)
           ON CONFLICT (workflow_id, run_id) DO UPDATE SET
             status = EXCLUDED.status, priority = EXCLUDED.priority, risk = EXCLUDED.risk, details = EXCLUDED.details,
             approved_by = EXCLUDED.approved_by, approved_at = EXCLUDED.approved_at, depot_id = EXCLUDED.depot_id,
             slot_starts_at = EXCLUDED.slot_starts_at, due_at = EXCLUDED.due_at, escalation_level = EXCLUDED.escalation_level,
             closed_at = COALESCE(work_orders.closed_at, EXCLUDED.closed_at), updated_at = now()
           RETURNING id`,
          [
            workflowId, runId, status.vehicleId, deviceOf(first?.details), status.component, first?.origin ?? 'unknown', first?.reason ?? '',
            status.phase, status.priority, status.risk, JSON.stringify(details), status.openedAt,
            status.approval?.by ?? null, status.approval?.at ?? null, status.slot?.depotId ?? null, status.slot?.startsAt ?? null,
            status.escalations.length, closed,
          ],
        );
        const id = Number(rows[0]!.id);
        if (previous.rows[0]?.status !== status.phase) {
          const actor = actorOf(status) ?? `workflow:${workflowId}`;
          await client.query('INSERT INTO audit_log (actor, action, subject, details) VALUES ($1, $2, $3, $4)', [
            actor, `work_order.${status.phase}`, `work_orders/${id}`, JSON.stringify({ workflowId, runId, risk: status.risk }),
          ]);
        }
        return id;
      });
    },

    /** Books the earliest free slot at the vehicle's depot (any depot when it has none). */
    async bookServiceSlot(request: { bookingKey: string; vehicleId: string; notBefore: number }): Promise<ServiceSlot> {
      return bookSlot(pool, request);
    },

    /** Moves the twin's maintenance region through its owning twin host (request-reply). */
    async setTwinMaintenance(vehicleId: string, state: TwinMaintenanceState, workOrderId: string | null): Promise<void> {
      const command: TwinCommand = { type: 'maintenance', state, workOrderId };
      const subject = subjects.twinCommand(partitionOf(vehicleId, deps.partitions), vehicleId);
      let reply: TwinCommandReply;
      try {
        const msg = await deps.nats.request(subject, encoder.encode(JSON.stringify(command)), { timeout: TWIN_TIMEOUT_MS });
        reply = msg.json<TwinCommandReply>();
      } catch (err) {
        // No host owns the partition right now (starting, or moving after a failure): retried.
        throw new Error(`no twin host answered on ${subject}: ${(err as Error).message}`);
      }
      if (!reply.ok) {
        if (reply.error.startsWith('invalid twin command')) throw ApplicationFailure.nonRetryable(reply.error, 'InvalidTwinCommand');
        throw new Error(reply.error);
      }
    },

    async recordEscalation(workOrderId: number, escalation: WorkOrderEscalation): Promise<void> {
      await pool.query(
        `WITH e AS (
           INSERT INTO work_order_escalations (work_order_id, level, phase, waited_ms, escalated_at)
           VALUES ($1, $2, $3, $4, to_timestamp($5 / 1000.0)) ON CONFLICT DO NOTHING RETURNING work_order_id
         )
         INSERT INTO audit_log (actor, action, subject, details)
         SELECT 'workflow:sla', 'work_order.escalate', 'work_orders/' || work_order_id, $6 FROM e`,
        [workOrderId, escalation.level, escalation.phase, escalation.waitedMs, escalation.at, JSON.stringify(escalation)],
      );
    },

    /**
     * The technician's outcome, with the vehicle's odometer and engine hours now (labels for the
     * predictive model); a fixed service resets the service-due counters; the slot is released.
     */
    async recordOutcome({ workflowId, runId, status }: WorkOrderRecord): Promise<void> {
      const completion = status.completion;
      if (!completion) throw ApplicationFailure.nonRetryable('recordOutcome needs a completed order', 'NotCompleted');
      const readings = await twinReadings(deps, status.vehicleId);
      const first = status.triggers[0];
      await inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ id: string }>('SELECT id FROM work_orders WHERE workflow_id = $1 AND run_id = $2', [workflowId, runId]);
        const id = rows[0]?.id;
        if (!id) throw new Error(`work order ${workflowId}/${runId} has no row yet`);
        await client.query(
          `INSERT INTO work_order_outcomes (work_order_id, vehicle_id, component, origin, risk, outcome, technician, notes, odometer_km, engine_hours, opened_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, to_timestamp($11 / 1000.0)) ON CONFLICT (work_order_id) DO NOTHING`,
          [id, status.vehicleId, status.component, first?.origin ?? 'unknown', status.risk, completion.outcome, completion.technician,
            completion.notes ?? null, readings.odometerKm, readings.engineHours, status.openedAt],
        );
        if (status.component === 'service' && completion.outcome === 'fixed') {
          await client.query(
            `INSERT INTO vehicle_services (vehicle_id, serviced_at, odometer_km, engine_hours, work_order_id)
             VALUES ($1, to_timestamp($2 / 1000.0), $3, $4, $5)
             ON CONFLICT (vehicle_id) DO UPDATE SET serviced_at = EXCLUDED.serviced_at, odometer_km = EXCLUDED.odometer_km,
               engine_hours = EXCLUDED.engine_hours, work_order_id = EXCLUDED.work_order_id`,
            [status.vehicleId, completion.at, readings.odometerKm, readings.engineHours, id],
          );
        }
        await client.query('UPDATE service_bookings SET released_at = now() WHERE booking_key = $1 AND released_at IS NULL', [`${workflowId}/${runId}`]);
        await client.query('INSERT INTO audit_log (actor, action, subject, details) VALUES ($1, $2, $3, $4)', [
          completion.technician, 'work_order.outcome', `work_orders/${id}`, JSON.stringify({ outcome: completion.outcome, notes: completion.notes }),
        ]);
      });
    },
  };
}

export type MaintenanceActivities = ReturnType<typeof createActivities>;

/** Odometer and engine hours of the vehicle's twin; nulls when no host answers (the outcome still counts). */
export async function twinReadings(deps: Pick<MaintenanceActivityDeps, 'nats' | 'partitions'>, vehicleId: string) {
  try {
    const msg = await deps.nats.request(subjects.twinQuery(partitionOf(vehicleId, deps.partitions), vehicleId), undefined, { timeout: 2_000 });
    const body = msg.json<{ ok: boolean; twin?: { context?: { odometerKm?: number; engine?: { engineHours?: number } } } }>();
    const context = body.ok ? body.twin?.context : undefined;
    return { odometerKm: context?.odometerKm ?? null, engineHours: context?.engine?.engineHours ?? null };
  } catch {
    return { odometerKm: null, engineHours: null };
  }
}

function deviceOf(details: Record<string, unknown> | undefined): string | null {
  return typeof details?.deviceId === 'string' ? details.deviceId : null;
}

/** Who moved the order last: the approver, the rejecter or the technician. */
function actorOf(status: WorkOrderRecord['status']): string | undefined {
  if (status.phase === 'closed') return status.completion?.technician;
  if (status.phase === 'rejected') return status.rejection?.by;
  if (status.phase === 'scheduling') return status.approval?.by;
  return undefined;
}
