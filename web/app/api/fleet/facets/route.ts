import { fleetFacetsResponse } from '../../../../server/fleet-facets';
import { webRuntime } from '../../../../server/runtime';

export const runtime = 'nodejs';

export function GET(): Promise<Response> {
  const { database } = webRuntime();
  return fleetFacetsResponse(() => database.pool());
}
