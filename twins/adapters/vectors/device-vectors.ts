import { readFileSync } from 'node:fs';

/** One entry of device-messages.json (see README.md beside it). */
export interface DeviceVector {
  protocol: string;
  hex: string;
  expected: Record<string, unknown> | null;
  source: string;
  traccar_assertion?: string;
  expected_origin?: string;
}

/** The real device packets of one protocol (`teltonika`, `gt06`), in file order. */
export function deviceVectors(protocol: string): DeviceVector[] {
  const all = JSON.parse(readFileSync(new URL('./device-messages.json', import.meta.url), 'utf8')) as DeviceVector[];
  return all.filter((v) => v.protocol === protocol);
}

/** The line of Traccar's unit test a vector comes from ("L24"), when it comes from one. */
export function traccarLine(v: DeviceVector): string | undefined {
  return /#(L\d+)$/.exec(v.source)?.[1];
}

export const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));
