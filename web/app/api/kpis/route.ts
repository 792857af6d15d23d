import { fleetKpisResponse } from '../../../server/kpis-api';
import { webRuntime } from '../../../server/runtime';

export const runtime = 'nodejs';

export function GET(request: Request): Promise<Response> {
  const { database } = webRuntime();
  return fleetKpisResponse(() => database.pool(), new URL(request.url));
}
