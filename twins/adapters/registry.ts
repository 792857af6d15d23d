import type { DeviceAdapter } from './adapter';
import { referenceJsonAdapter } from './reference-json';
import { teltonikaAdapter } from './teltonika/teltonika-adapter';

/** Every device format the ingress understands. A new adapter is one file and one line here. */
const all: DeviceAdapter[] = [
  referenceJsonAdapter,
  teltonikaAdapter,
];

export const adapters: ReadonlyMap<string, DeviceAdapter> = new Map(all.map((a) => [a.format, a]));
