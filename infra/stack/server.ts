import type { ServerProcess } from './server-process';

/**
 * How long a probe waits for a server that accepts connections. Generous: on a busy machine
 * loading a client (gRPC above all) stalls the process for seconds, and a port where nothing
 * listens is refused at once anyway, so only a hung server makes anyone wait this long.
 */
export const PROBE_TIMEOUT_MS = 10_000;

/** What a probe learned about a configured server: `fleet status` prints it, `fleet up` acts on it. */
export interface ServerStatus {
  server: 'NATS' | 'Mosquitto' | 'PostgreSQL' | 'Temporal';
  /** The configured address, as a person would type it (never a password). */
  address: string;
  /** Something accepts connections there. */
  reachable: boolean;
  /** It is the server FleetTwin needs, with the features it needs. */
  healthy: boolean;
  version?: string;
  /** NATS only: JetStream is enabled for our account. */
  jetstream?: boolean;
  /** Why it is not healthy. */
  problem?: string;
}

/** A server this process started; the caller stops it. */
export interface StartedServer {
  server: ServerStatus['server'];
  /** The address clients use (URL or host:port, the form of its FLEET_* setting). */
  address: string;
  dataDir: string;
  process: ServerProcess;
  stop(): Promise<void>;
}

/** Error text of anything thrown, including Node's AggregateError of a refused dual-stack connect. */
export function reasonOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map(reasonOf).join('; ');
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
