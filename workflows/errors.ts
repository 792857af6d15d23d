import type { TemporalConfig } from '../temporal.config';

/** Temporal did not answer: the message names the address and how to get one running. */
export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
}

export function temporalUnreachable(config: TemporalConfig, err: unknown): TemporalUnreachableError {
  const text = err instanceof Error ? err.message : String(err);
  // The Rust core wraps the OS error in several layers; its message is what a person needs.
  const cause = /message: "([^"]+)"/.exec(text)?.[1] ?? text.split('\n')[0];
  return new TemporalUnreachableError(
    `Temporal at ${config.address} (namespace ${config.namespace}) is unreachable (${cause}). ` +
      'Start the local stack with `fleet up`, or set FLEET_TEMPORAL_ADDRESS.',
  );
}

/** The worker answers `fleet status` over NATS, so it needs NATS like every platform process. */
export class NatsUnreachableError extends Error {
  override name = 'NatsUnreachableError';
  constructor(url: string, err: unknown) {
    super(`NATS at ${url} is unreachable (${err instanceof Error ? err.message : String(err)}). Start the local stack with \`fleet up\`, or set FLEET_NATS_URL.`);
  }
}
