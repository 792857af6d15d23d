import type pg from 'pg';
import type { ServiceSlot } from './types';
import { inTransaction } from '../../infra/db/transaction';

export interface SlotRequest {
  /** <workflowId>/<runId>: the same request again returns the booking already made. */
  bookingKey: string;
  vehicleId: string;
  notBefore: number;
}

interface Depot {
  id: string;
  bays: number;
  slotMs: number;
}

/** Raised (and retried by the workflow) while no depot can take the vehicle. */
export class NoDepotError extends Error {
  override name = 'NoDepotError';
}

/**
 * Books the earliest slot of `service_slot_minutes` starting at or after `notBefore` during which
 * fewer than `service_bays` held bookings overlap, at the vehicle's depot, or at whichever depot
 * is free first when the vehicle has none. Atomic: the candidate depots' rows are locked (in id
 * order, so concurrent bookings never deadlock) while the slot is chosen and inserted.
 */
export async function bookSlot(pool: pg.Pool, request: SlotRequest): Promise<ServiceSlot> {
  return inTransaction(pool, async (client) => {
    const existing = await client.query<{ depot_id: string; starts: string; ends: string }>(
      `SELECT depot_id, (extract(epoch FROM slot_starts_at) * 1000)::bigint AS starts, (extract(epoch FROM slot_ends_at) * 1000)::bigint AS ends
       FROM service_bookings WHERE booking_key = $1`,
      [request.bookingKey],
    );
    if (existing.rows[0]) {
      const row = existing.rows[0];
      return { depotId: row.depot_id, startsAt: Number(row.starts), endsAt: Number(row.ends) };
    }
    const depots = await lockCandidateDepots(client, request.vehicleId);
    if (depots.length === 0) throw new NoDepotError(`no depot has service bays (depots.service_bays > 0) for vehicle ${request.vehicleId}`);
    let best: ServiceSlot | undefined;
    for (const depot of depots) {
      const startsAt = await earliestStart(client, depot, request.notBefore);
      if (!best || startsAt < best.startsAt) best = { depotId: depot.id, startsAt, endsAt: startsAt + depot.slotMs };
    }
    await client.query(
      `INSERT INTO service_bookings (booking_key, depot_id, vehicle_id, slot_starts_at, slot_ends_at)
       VALUES ($1, $2, $3, to_timestamp($4 / 1000.0), to_timestamp($5 / 1000.0))`,
      [request.bookingKey, best!.depotId, request.vehicleId, best!.startsAt, best!.endsAt],
    );
    return best!;
  });
}

async function lockCandidateDepots(client: pg.PoolClient, vehicleId: string): Promise<Depot[]> {
  const { rows } = await client.query<{ id: string; bays: number; slot_minutes: number }>(
    `SELECT d.id, d.service_bays AS bays, d.service_slot_minutes AS slot_minutes
     FROM depots d
     WHERE d.service_bays > 0
       AND (d.id = (SELECT depot_id FROM vehicles WHERE id = $1)
            OR NOT EXISTS (SELECT 1 FROM vehicles v JOIN depots h ON h.id = v.depot_id WHERE v.id = $1 AND h.service_bays > 0))
     ORDER BY d.id
     FOR UPDATE OF d`,
    [vehicleId],
  );
  return rows.map((r) => ({ id: r.id, bays: r.bays, slotMs: r.slot_minutes * 60_000 }));
}

/**
 * Candidate starts are `notBefore` and the ends of held bookings after it; the first whose whole
 * slot overlaps fewer than `bays` bookings wins (conservative: never more vehicles than bays).
 */
async function earliestStart(client: pg.PoolClient, depot: Depot, notBefore: number): Promise<number> {
  const { rows } = await client.query<{ starts: string; ends: string }>(
    `SELECT (extract(epoch FROM slot_starts_at) * 1000)::bigint AS starts, (extract(epoch FROM slot_ends_at) * 1000)::bigint AS ends
     FROM service_bookings WHERE depot_id = $1 AND released_at IS NULL AND slot_ends_at > to_timestamp($2 / 1000.0)`,
    [depot.id, notBefore],
  );
  const held = rows.map((r) => ({ starts: Number(r.starts), ends: Number(r.ends) }));
  const candidates = [notBefore, ...held.map((b) => b.ends).filter((e) => e > notBefore)].sort((a, b) => a - b);
  for (const start of candidates) {
    const end = start + depot.slotMs;
    const overlapping = held.filter((b) => b.starts < end && b.ends > start).length;
    if (overlapping < depot.bays) return start;
  }
  // Unreachable: after the last booking ends nothing overlaps.
  return candidates[candidates.length - 1]!;
}
