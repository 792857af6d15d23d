/**
 * Page params arrive percent-encoded (route handler params do not); a malformed escape is left
 * as it is, for the id check to reject, instead of throwing.
 */
export function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
