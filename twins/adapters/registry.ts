import type { DeviceAdapter } from './adapter';
import { gt06Adapter } from './gt06/adapter';
import { j1939Adapter } from './j1939/adapter';
import { obd2Adapter } from './obd2/adapter';
import { referenceJsonAdapter } from './reference-json';
import { teltonikaAdapter } from './teltonika/teltonika-adapter';

/** Every device format the ingress understands. A new adapter is one file and one line here. */
const all: DeviceAdapter[] = [
  referenceJsonAdapter,
  teltonikaAdapter,
  gt06Adapter,
  obd2Adapter,
  j1939Adapter,
];

export const adapters: ReadonlyMap<string, DeviceAdapter> = new Map(all.map((a) => [a.format, a]));
