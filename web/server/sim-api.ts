import type { NatsConnection } from '@nats-io/transport-node';
import { collectHealth } from '../../infra/health/collect-health';
import { vehicleId } from '../../simulator/fleet/vehicle-id';
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

/**
 * POST /api/sim {vehicles, devicesPerVehicle?, rate?, durationS?, seed?, firstVehicle?, faults?}:
 * starts `fleet sim`. Each simulated device connects with its own id as MQTT client id, so two
 * simulators driving the same vehicles would take each other's connections over and mix their
 * readings: without a first vehicle the run starts after every running simulator's vehicles, and
 * one that would overlap them is refused.
 */
export async function simStartResponse(control: SimControl, request: Request, nc: NatsConnection | null): Promise<Response> {
  try {
    const body = await parseJsonBody(request, simRunRequestSchema);
    const running = nc ? await simulatedRanges(nc) : [];
    const firstVehicle = body.firstVehicle ?? Math.max(1, ...running.map((r) => r.last + 1));
    const clash = running.find((r) => firstVehicle <= r.last && firstVehicle + body.vehicles - 1 >= r.first);
    if (clash) {
      return errorResponse(
        409,
        `vehicles ${vehicleId(clash.first)}–${vehicleId(clash.last)} are simulated already (simulator ${clash.id}); start from vehicle ${Math.max(...running.map((r) => r.last)) + 1} or leave the first vehicle empty`,
      );
    }
    return jsonResponse(control.start(simArgs({ ...body, firstVehicle })), 201);
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

/** The vehicle numbers each running simulator drives, from its health reply (simulator/cli.ts). */
async function simulatedRanges(nc: NatsConnection): Promise<Array<{ id: string; first: number; last: number }>> {
  const replies = await collectHealth(nc, 500).catch(() => []);
  return replies.flatMap((r) => {
    const { firstVehicle, vehicles } = r.stats;
    if (r.part !== 'sim' || typeof firstVehicle !== 'number' || typeof vehicles !== 'number') return [];
    return [{ id: r.id, first: firstVehicle, last: firstVehicle + vehicles - 1 }];
  });
}
