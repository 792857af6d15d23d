'use client';

import { useCallback, useEffect, useRef, useState } from 'react';

export interface Polled<T> {
  /** The last good answer, kept while a later refresh fails. */
  data: T | undefined;
  /** Why the latest request failed: the API's own message. */
  error: string | null;
  loading: boolean;
  /** Asks again now (after an action changed what the page shows). */
  reload(): void;
}

/** The API's `{error}` message of a failed answer, or a line saying what went wrong. */
export async function errorOf(response: Response): Promise<string> {
  const body: unknown = await response.json().catch(() => null);
  return typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : `HTTP ${response.status}`;
}

/** GET url every refreshMs while mounted; null url: nothing to ask yet. */
export function usePolled<T>(url: string | null, refreshMs: number): Polled<T> {
  const [state, setState] = useState<Omit<Polled<T>, 'reload'>>({ data: undefined, error: null, loading: url !== null });
  const [nonce, setNonce] = useState(0);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const lastUrl = useRef(url);

  useEffect(() => {
    if (lastUrl.current !== url) {
      lastUrl.current = url;
      setState({ data: undefined, error: null, loading: url !== null });
    }
    if (url === null) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const controller = new AbortController();
    const load = async () => {
      try {
        const response = await fetch(url, { signal: controller.signal, cache: 'no-store' });
        if (response.ok) {
          const data = (await response.json()) as T;
          setState({ data, error: null, loading: false });
        } else {
          const error = await errorOf(response);
          setState((s) => ({ ...s, error, loading: false }));
        }
      } catch (err) {
        if (controller.signal.aborted) return;
        setState((s) => ({ ...s, error: `the web server did not answer (${String(err)})`, loading: false }));
      }
      if (!controller.signal.aborted) timer = setTimeout(load, refreshMs);
    };
    void load();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [url, refreshMs, nonce]);

  return { ...state, reload };
}

/** POSTs JSON; resolves with the answer's body, or throws the API's message. */
export async function postJson<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(await errorOf(response));
  return (await response.json()) as T;
}
