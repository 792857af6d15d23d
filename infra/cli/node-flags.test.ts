import { describe, expect, it } from 'vitest';
import { fleetArgs } from './node-flags';

describe('node flags of fleet subcommands', () => {
  it('go before the script, where node reads them: after it they would reach the subcommand as unknown options', () => {
    expect(fleetArgs('/repo/bin/fleet.mjs', ['ingress', '--connections', '16'])).toEqual(['--max-semi-space-size=64', '/repo/bin/fleet.mjs', 'ingress', '--connections', '16']);
  });

  it('a subcommand without flags runs as given', () => {
    expect(fleetArgs('/repo/bin/fleet.mjs', ['recorder', '--batch', '100'])).toEqual(['/repo/bin/fleet.mjs', 'recorder', '--batch', '100']);
  });
});
