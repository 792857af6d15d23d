import { webRuntime } from '../../../server/runtime';
import { simStartResponse, simStatusResponse, simStopResponse } from '../../../server/sim-api';

export const runtime = 'nodejs';

export function GET(): Promise<Response> {
  const { sim, link } = webRuntime();
  return simStatusResponse(sim.control, sim.meter, link.connection);
}

export function POST(request: Request): Promise<Response> {
  const { sim, link } = webRuntime();
  return simStartResponse(sim.control, request, link.connection);
}

export function DELETE(): Response {
  return simStopResponse(webRuntime().sim.control);
}
