/** Display helpers shared by the panel, the detail page and the tooltips. */

/** Epoch milliseconds between 2001 and 2100: numbers that are most likely timestamps. */
const EPOCH_MS_MIN = 1e12;
const EPOCH_MS_MAX = 4.1e12;

export function looksLikeTimestamp(key: string, value: unknown): value is number {
  return (
    typeof value === 'number' &&
    value >= EPOCH_MS_MIN &&
    value <= EPOCH_MS_MAX &&
    /(At|Time|Ts|ts|time|Since|Until)$/.test(key)
  );
}

export function formatAgo(epochMs: number, now: number = Date.now()): string {
  const seconds = Math.round((now - epochMs) / 1000);
  if (Math.abs(seconds) < 5) return 'just now';
  const future = seconds < 0;
  const s = Math.abs(seconds);
  const text =
    s < 90 ? `${s} s` : s < 90 * 60 ? `${Math.round(s / 60)} min` : s < 36 * 3600 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86400)} d`;
  return future ? `in ${text}` : `${text} ago`;
}

export function formatTime(epochMs: number): string {
  return new Date(epochMs).toLocaleString(undefined, { hour12: false });
}

export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString();
  return value.toLocaleString(undefined, { maximumFractionDigits: Math.abs(value) < 1 ? 4 : 2 });
}

/** "odometerKm" → "odometer km", "fuelLevelPct" → "fuel level pct". */
export function humanKey(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
}
