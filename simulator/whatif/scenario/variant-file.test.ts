import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario, scenarioWithOverrides } from './load';
import { variantFile, variantFileName } from './variant-file';

const dir = mkdtempSync(join(tmpdir(), 'fleettwin-variant-'));
const shipped = fileURLToPath(new URL('../scenarios', import.meta.url));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a variation saved as a scenario file', () => {
  it('loads beside its base as the same scenario the page ran (base plus changes, under its own name)', () => {
    writeFileSync(join(dir, 'baseline.yaml'), `extends: ${join(shipped, 'baseline.yaml')}\n`);
    const changes = { maintenance: { policy: 'predictive' }, ota: { waveShare: 0.05 }, weather: { ambientOffsetC: -8 } };
    const name = 'Predictive, 5 % waves: cold';
    const file = join(dir, variantFileName(name));
    writeFileSync(file, variantFile('baseline.yaml', name, changes));
    expect(file.endsWith('predictive-5-waves-cold.yaml')).toBe(true);
    expect(loadScenario(file)).toEqual(scenarioWithOverrides(join(dir, 'baseline.yaml'), { ...changes, name }));
  });
});
