import type { DeviceAdapter } from '../adapter';
import { decodeGt06, type Gt06Options } from './decode';
import { toTelemetry } from './telemetry';

/**
 * Concox GT06 family binary protocol (docs/device-format.md, GT06). Options are per device family:
 * `model` for clones that give codes their own meaning, `verifyCrc: false` for devices known
 * to send wrong checksums.
 */
export function createGt06Adapter(options: Gt06Options = {}): DeviceAdapter {
  return {
    format: 'gt06',
    defaultKind: 'gps',
    description: 'Concox GT06 family binary protocol (0x7878/0x7979 frames)',
    decode: (payload, ctx) => [toTelemetry(decodeGt06(payload, options), ctx)],
  };
}

export const gt06Adapter = createGt06Adapter();
