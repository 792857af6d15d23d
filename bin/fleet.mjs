#!/usr/bin/env node
// The `fleet` command. Sources are TypeScript run through tsx, so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
await import('../infra/cli/fleet.ts');
