import type { VehicleSummary } from '../../twins/projection/fleet-view';
import type { FleetStore } from './fleet-store';
import { encodeJsonFrame, encodeUpdates, FrameReader, frameKinds, type CatalogueFrame } from './fleet-wire';

/** Test fixtures: a store fed through the real wire encoding, as the browser gets it. */
export const origin: [number, number] = [7.42, 43.73];
export const v = (id: string, lon: number, lat: number, patch: Partial<VehicleSummary> = {}): VehicleSummary => ({
  id,
  lat,
  lon,
  speedKph: 30,
  headingDeg: 0,
  motion: 'driving',
  health: 'ok',
  connectivity: 'online',
  odometerKm: 0,
  updatedAt: 0,
  ...patch,
});

/** Feeds the store through the real wire encoding, as the browser gets it. */
export function feed(store: FleetStore, now: number, catalogue: Partial<CatalogueFrame> | null, updates: Array<[number, VehicleSummary]>): void {
  const reader = new FrameReader();
  const bytes: Uint8Array[] = [];
  if (catalogue) bytes.push(encodeJsonFrame(frameKinds.catalogue, { at: now, nats: 'connected', reset: false, added: [], removed: [], ...catalogue }));
  bytes.push(encodeUpdates(now, updates.map(([index, summary]) => ({ index, summary }))));
  for (const chunk of bytes) {
    for (const frame of reader.push(chunk)) {
      if (frame.kind === frameKinds.catalogue) store.applyCatalogue(frame.body);
      else if (frame.kind === frameKinds.updates) store.applyUpdates(frame.payload, now);
    }
  }
}

