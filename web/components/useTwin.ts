'use client';

import { useEffect, useState } from 'react';
import type { TwinResponse } from '../server/api';

export interface TwinState {
  /** The last answer received, kept while a later refresh fails. */
  reply: TwinResponse | undefined;
  /** When `reply` was received (epoch ms), null before the first answer. */
  fetchedAt: number | null;
  /** Why the latest request failed: the API's own message (404, 503, ...). */
  error: { status: number | null; message: string } | null;
}

const REFRESH_MS = 2_000;

/** Polls GET /api/twins/[vehicleId] while mounted (a twin changes with every reading). */
export function useTwin(vehicleId: string): TwinState {
  const [state, setState] = useState<TwinState>({ reply: undefined, fetchedAt: null, error: null });

  useEffect(() => {
    setState({ reply: undefined, fetchedAt: null, error: null });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const controller = new AbortController();

    const load = async () => {
      try {
        const response = await fetch(`/api/twins/${encodeURIComponent(vehicleId)}`, {
          signal: controller.signal,
          cache: 'no-store',
        });
        const body: unknown = await response.json().catch(() => null);
        if (response.ok) {
          setState({ reply: body as TwinResponse, fetchedAt: Date.now(), error: null });
        } else {
          const message =
            typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : `HTTP ${response.status}`;
          setState((s) => ({ ...s, error: { status: response.status, message } }));
        }
      } catch (err) {
        if (controller.signal.aborted) return;
        setState((s) => ({ ...s, error: { status: null, message: `the web server did not answer (${String(err)})` } }));
      }
      if (!controller.signal.aborted) timer = setTimeout(load, REFRESH_MS);
    };

    void load();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [vehicleId]);

  return state;
}
