import { fleetResponse } from '../../../server/api';
import { webRuntime } from '../../../server/runtime';

export const runtime = 'nodejs';

export function GET(): Response {
  return fleetResponse(webRuntime().projection);
}
