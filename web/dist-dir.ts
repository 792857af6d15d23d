/**
 * Where Next.js builds the app, relative to web/. FLEET_WEB_DIST_DIR lets a second dev server
 * (the browser test) run beside `fleet web`: `next dev` locks its build directory.
 */
export function webDistDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLEET_WEB_DIST_DIR || '.next';
}
