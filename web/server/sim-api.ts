import type { NatsConnection } from '@nats-io/transport-node';
import { errorResponse, jsonResponse } from './api';
import { BadRequest, parseJsonBody } from './temporal-api';
import { SimRunConflict, simArgs, simRunRequestSchema, type PlatformMeter, type PlatformRates, type SimControl, type SimRunState } from './sim-control';

/** GET, POST and DELETE /api/sim: the QA page's simulator run and the platform's rates. */

export interface SimStatus {
  run: SimRunState | null;
  /** null while the web server cannot reach NATS. */
  rates: PlatformRates | null;
}

/** GET /api/sim: the run this server started, and rates since the previous GET. */
export async function simStatusResponse(control: SimControl, meter: PlatformMeter, nc: NatsConnection | null): Promise<Response> {
  const rates = nc ? await meter.sample(nc).catch(() => null) : null;
  return jsonResponse({ run: control.run, rates } satisfies SimStatus);
}

/** POST /api/sim {vehicles, devicesPerVehicle?, rate?, durationS?, seed?, firstVehicle?, faults?}: starts `fleet sim`. */
export async function simStartResponse(control: SimControl, request: Request): Promise<Response> {
  try {
    const body = await parseJsonBody(request, simRunRequestSchema);
    return jsonResponse(control.start(simArgs(body)), 201);
  } catch (err) {
    if (err instanceof BadRequest) return errorResponse(err.status, err.message);
    if (err instanceof SimRunConflict) return errorResponse(409, err.message);
    throw err;
  }
}

/** DELETE /api/sim: stops the run. */
export function simStopResponse(control: SimControl): Response {
  if (!control.stop()) return errorResponse(409, 'no simulator run of this web server is going on');
  return jsonResponse({ stopping: control.run?.pid ?? null });
}
