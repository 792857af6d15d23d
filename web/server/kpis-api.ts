import type pg from 'pg';
import { z } from 'zod';
import { DatabaseUnreachableError } from '../../infra/db/pool';
import { vehicleKpis } from '../../workflows/pilot/kpis';
import type { GroupKpis } from '../../workflows/pilot/types';
import { summarizeGroup } from '../../workflows/pilot/welch';
import { errorResponse, jsonResponse } from './api';
import { BadRequest, parseQuery } from './temporal-api';

const querySchema = z.object({ hours: z.coerce.number().int().min(1).max(24 * 90).optional() }).strict();

export interface FleetKpis {
  from: number;
  to: number;
  /** Vehicles in the registry or reporting in the window. */
  vehicles: number;
  /** Mean over the vehicles with a value, with how many had one. */
  kpis: GroupKpis;
}

/**
 * GET /api/kpis?hours=24 : the fleet's KPIs over the last hours, from the records in PostgreSQL,
 * computed per vehicle as pilot programs do (workflows/pilot/kpis.ts) and averaged.
 */
export async function fleetKpisResponse(pool: () => Promise<pg.Pool>, url: URL, now = Date.now()): Promise<Response> {
  try {
    const { hours = 24 } = parseQuery(querySchema, url);
    const from = now - hours * 3_600_000;
    const db = await pool();
    const { rows } = await db.query<{ id: string }>(
      `SELECT id FROM vehicles
       UNION
       SELECT DISTINCT vehicle_id FROM telemetry_history WHERE device_time >= to_timestamp($1 / 1000.0) AND device_time < to_timestamp($2 / 1000.0)`,
      [from, now],
    );
    const ids = rows.map((r) => r.id);
    const perVehicle = ids.length ? await vehicleKpis(db, ids, from, now) : {};
    return jsonResponse({ from, to: now, vehicles: ids.length, kpis: summarizeGroup(Object.values(perVehicle)) } satisfies FleetKpis);
  } catch (err) {
    if (err instanceof BadRequest) return errorResponse(err.status, err.message);
    if (err instanceof DatabaseUnreachableError) return errorResponse(503, err.message);
    return errorResponse(502, `PostgreSQL refused the query: ${(err as Error).message}`);
  }
}
