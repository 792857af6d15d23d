import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(webDir, '..');

const nextConfig: NextConfig = {
  // The app imports shared code from ../twins and ../infra and data from ../simulator: bundling
  // and output file tracing both start at the repository root.
  turbopack: {
    root: repoRoot,
    rules: { '*.geojson': { type: 'json' } },
  },
  outputFileTracingRoot: repoRoot,
  // Loaded by Node at run time instead of bundled: they keep sockets and timers of their own.
  serverExternalPackages: ['@nats-io/transport-node', '@nats-io/nats-core', '@nats-io/jetstream', '@nats-io/kv', '@temporalio/client', '@temporalio/common', '@temporalio/proto', '@temporalio/workflow', 'pg'],
  // FLEET_WEB_DIST_DIR lets a second dev server (the browser test) run beside `fleet web`:
  // `next dev` locks its build directory.
  distDir: process.env.FLEET_WEB_DIST_DIR || '.next',
  reactStrictMode: true,
  poweredByHeader: false,
  devIndicators: false,
};

export default nextConfig;
