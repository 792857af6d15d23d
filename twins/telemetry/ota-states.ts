/** Where a device is in a firmware update, as it reports it (no zod: workflow code imports this). */
export const otaStates = [
  'offered',
  'downloading',
  'verifying',
  'installing',
  'rebooting',
  'done',
  'failed',
  'rolled_back',
  'refused',
] as const;
