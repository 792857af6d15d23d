import { fleetStreamResponse } from '../../../../server/fleet-stream';
import { webRuntime } from '../../../../server/runtime';

export const runtime = 'nodejs';

export function GET(request: Request): Response {
  return fleetStreamResponse(webRuntime().broadcaster, request.signal);
}
