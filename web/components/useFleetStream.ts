'use client';

import { useEffect, useState } from 'react';
import type { FleetStore } from '../lib/fleet-store';
import {
  STREAM_RETRY_MS,
  streamEvents,
  type DeltaEvent,
  type SnapshotEvent,
  type StatusEvent,
} from '../lib/stream-protocol';
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

/**
 * Feeds `store` from GET /api/fleet/stream. EventSource reconnects by itself after a dropped
 * connection; after a refused one (HTTP error) it gives up, so that case is retried here.
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
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const update = (patch: Partial<FleetStreamState>) =>
      setState((s) => ({ ...s, ...patch, version: store.version, lastMessageAt: Date.now() }));

    const open = () => {
      source = new EventSource('/api/fleet/stream');
      source.onopen = () => setState((s) => ({ ...s, connection: 'live' }));
      source.addEventListener(streamEvents.snapshot, (e) => {
        const snapshot = JSON.parse((e as MessageEvent<string>).data) as SnapshotEvent;
        store.replaceAll(snapshot.vehicles, performance.now());
        update({ connection: 'live', nats: snapshot.nats, loaded: true });
      });
      source.addEventListener(streamEvents.delta, (e) => {
        const delta = JSON.parse((e as MessageEvent<string>).data) as DeltaEvent;
        store.remove(delta.removed);
        store.upsert(delta.vehicles, performance.now());
        update({});
      });
      source.addEventListener(streamEvents.status, (e) => {
        const status = JSON.parse((e as MessageEvent<string>).data) as StatusEvent;
        update({ nats: status.nats });
      });
      source.onerror = () => {
        setState((s) => ({ ...s, connection: 'reconnecting' }));
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          retry = setTimeout(open, STREAM_RETRY_MS);
        }
      };
    };

    open();
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }, [store]);

  return state;
}
