/** Starts the NATS link and the fleet projection with the server, so the first page is warm. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { webRuntime } = await import('./server/runtime');
  webRuntime();
}
