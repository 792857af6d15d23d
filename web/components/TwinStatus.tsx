import type { TwinState } from './useTwin';
import { formatAgo } from '../lib/format';

/** Loading, the API's error in plain words, or when the shown twin was fetched. */
export function TwinStatus({ state }: { state: TwinState }) {
  if (state.error) {
    const title =
      state.error.status === 404
        ? 'No twin host answers for this vehicle'
        : state.error.status === 503
          ? 'NATS is unreachable'
          : state.error.status === 400
            ? 'Not a vehicle id'
            : 'The twin could not be fetched';
    return (
      <div className="notice notice-error" role="status" data-testid="twin-error">
        <strong>{title}</strong>
        <span>{state.error.message}</span>
        {state.reply !== undefined && <span className="muted">Showing the twin as of {formatAgo(state.fetchedAt ?? 0)}.</span>}
      </div>
    );
  }
  if (state.fetchedAt === null) return <p className="muted">Asking the twin host…</p>;
  return (
    <p className="muted small" data-testid="twin-live">
      Live from twin host <code>{state.reply?.hostId}</code> · refreshed every 2 s
    </p>
  );
}
