/**
 * The platform's long-running processes, by the `fleet` command that runs each. The same token
 * is the `part` a process reports in its health replies.
 */
export const platformParts = ['ingress', 'twin-host', 'worker', 'recorder', 'web', 'sim'] as const;
export type PlatformPart = (typeof platformParts)[number];

/** Parts a healthy platform cannot do without; the simulator is optional. */
export const requiredParts: readonly PlatformPart[] = ['ingress', 'twin-host', 'worker', 'recorder', 'web'];
