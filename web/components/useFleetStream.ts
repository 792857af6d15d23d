'use client';

import { useEffect, useState } from 'react';
import type { FleetStore } from '../lib/fleet-store';
import { FrameReader, frameKinds } from '../lib/fleet-wire';
import type { NatsLinkState } from '../server/nats-link';

export type StreamConnection = 'connecting' | 'live' | 'reconnecting';

export interface FleetStreamState {
  connection: StreamConnection;
  /** The web server's link to NATS, as it last told us. */
  nats: NatsLinkState | null;
  /** True once the first snapshot arrived: before that, "no vehicles" means "don't know yet". */
  loaded: boolean;
  /** Changes whenever the store changed, to re-render what reads it. */
  version: number;
  lastMessageAt: number | null;
}

/** Milliseconds before reconnecting a dropped or refused stream. */
const RETRY_MS = 2_000;

/**
 * Feeds `store` from the binary GET /api/fleet/stream (lib/fleet-wire), reconnecting for ever
 * after a drop; every connection starts with a full catalogue and snapshot.
 */
export function useFleetStream(store: FleetStore): FleetStreamState {
  const [state, setState] = useState<FleetStreamState>({
    connection: 'connecting',
    nats: null,
    loaded: false,
    version: 0,
    lastMessageAt: null,
  });

  useEffect(() => {
    const controller = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    const update = (patch: Partial<FleetStreamState>) =>
      setState((s) => ({ ...s, ...patch, version: store.version, lastMessageAt: Date.now() }));

    const open = async () => {
      try {
        const response = await fetch('/api/fleet/stream', { signal: controller.signal, cache: 'no-store' });
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        setState((s) => ({ ...s, connection: 'live' }));
        const reader = response.body.getReader();
        const frames = new FrameReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const frame of frames.push(value)) {
            if (frame.kind === frameKinds.catalogue) {
              store.applyCatalogue(frame.body);
              update(frame.body.reset ? { nats: frame.body.nats, loaded: true } : { nats: frame.body.nats });
            } else if (frame.kind === frameKinds.updates) {
              store.applyUpdates(frame.payload, performance.now());
              update({});
            } else {
              update({ nats: frame.body.nats });
            }
          }
        }
      } catch (err) {
        if (controller.signal.aborted) return;
        console.warn(`fleet stream dropped: ${String(err)}`);
      }
      if (controller.signal.aborted) return;
      setState((s) => ({ ...s, connection: 'reconnecting' }));
      retry = setTimeout(() => void open(), RETRY_MS);
    };

    void open();
    return () => {
      controller.abort();
      clearTimeout(retry);
    };
  }, [store]);

  return state;
}
