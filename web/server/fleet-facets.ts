import type pg from 'pg';
import { DatabaseUnreachableError } from '../../infra/db/pool';
import type { FleetFacets } from '../lib/fleet-facets';
import { errorResponse, jsonResponse } from './api';

/**
 * What the registry says about each vehicle that the map can filter by: the region of its depot,
 * its make and model, and the firmware versions its devices last reported. Vehicles are listed
 * per value (ids only), so a 20,000-vehicle fleet is one small document the page fetches now and
 * then, never per update.
 */
export async function loadFleetFacets(db: pg.Pool): Promise<FleetFacets> {
  const { rows } = await db.query<{ id: string; region: string | null; model: string | null; firmware: string[] | null }>(
    `SELECT v.id,
            d.region,
            NULLIF(concat_ws(' ', v.make, v.model), '') AS model,
            array_remove(array_agg(DISTINCT dev.firmware), NULL) AS firmware
       FROM vehicles v
       LEFT JOIN depots d ON d.id = v.depot_id
       LEFT JOIN devices dev ON dev.vehicle_id = v.id
      GROUP BY v.id, d.region, v.make, v.model`,
  );
  const facets: FleetFacets = { region: {}, model: {}, firmware: {} };
  const add = (values: Record<string, string[]>, value: string, id: string) => (values[value] ??= []).push(id);
  for (const row of rows) {
    add(facets.region, row.region ?? UNKNOWN, row.id);
    add(facets.model, row.model ?? UNKNOWN, row.id);
    for (const version of row.firmware?.length ? row.firmware : [UNKNOWN]) add(facets.firmware, version, row.id);
  }
  return facets;
}

/** The value of a vehicle the registry knows nothing about for a facet. */
export const UNKNOWN = 'unknown';

/** GET /api/fleet/facets: the facets of every registered vehicle (web/lib/fleet-facets.ts). */
export async function fleetFacetsResponse(pool: () => Promise<pg.Pool>): Promise<Response> {
  try {
    return jsonResponse(await loadFleetFacets(await pool()));
  } catch (err) {
    if (err instanceof DatabaseUnreachableError) return errorResponse(503, err.message);
    return errorResponse(502, `PostgreSQL refused the query: ${(err as Error).message}`);
  }
}
