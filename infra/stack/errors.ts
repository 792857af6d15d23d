/**
 * A server FleetTwin needs cannot be had. The message is for a person: it names what to install,
 * which setting to change, or where the log of a failed start is.
 */
export class StackError extends Error {
  override name = 'StackError';
}
