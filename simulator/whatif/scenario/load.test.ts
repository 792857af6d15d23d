import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario, ScenarioError } from './load';

const examples = fileURLToPath(new URL('../scenarios/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'whatif-scenarios-'));
const write = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('scenario files', () => {
  it('every shipped example loads', () => {
    for (const name of ['baseline', 'predictive-maintenance', 'ota-5pct-waves', 'plus-50-north', 'harsh-winter']) {
      expect(loadScenario(join(examples, `${name}.yaml`)).name).toBeTruthy();
    }
  });

  it('a one-line variation changes only that line of its base (deep merge, lists replaced)', () => {
    const base = loadScenario(join(examples, 'baseline.yaml'));
    const winter = loadScenario(join(examples, 'harsh-winter.yaml'));
    expect(winter.weather.ambientOffsetC).toBe(-15);
    expect(winter.wear.rateFactor).toEqual({ battery: 2, tyres: 1.3, brakes: 1.2 });
    expect(winter.wear.defectShare).toBe(base.wear.defectShare);
    expect(winter.maintenance).toEqual(base.maintenance);
    const plus = loadScenario(join(examples, 'plus-50-north.yaml'));
    expect(plus.depots.map((d) => d.vehicles)).toEqual([90, 40]);
    const ota = loadScenario(join(examples, 'ota-5pct-waves.yaml'));
    expect(ota.ota).toEqual({ ...base.ota, waveShare: 0.05 });
  });

  it('a wrong field is reported with the file, the field path and what is wrong', () => {
    const file = write('bad.yaml', 'name: bad\nmaintenance: { policy: sometimes }\ndepots: [{ name: a, vehicles: -3 }]\n');
    expect(() => loadScenario(file)).toThrow(ScenarioError);
    try {
      loadScenario(file);
    } catch (err) {
      expect((err as Error).message).toContain(`${file}: maintenance.policy:`);
      expect((err as Error).message).toContain(`${file}: depots.0.vehicles:`);
    }
  });

  it('an unknown (misspelt) field is refused rather than ignored', () => {
    expect(() => loadScenario(write('typo.yaml', 'name: t\nhorizonDay: 3\n'))).toThrow(/horizonDay/);
  });

  it('a missing base, a cycle of extends and broken YAML are clear errors', () => {
    expect(() => loadScenario(write('orphan.yaml', 'extends: nowhere.yaml\nname: o\n'))).toThrow(/nowhere\.yaml: cannot read the file/);
    write('a.yaml', 'extends: b.yaml\nname: a\n');
    expect(() => loadScenario(write('b.yaml', 'extends: a.yaml\nname: b\n'))).toThrow(/extends itself/);
    expect(() => loadScenario(write('broken.yaml', 'name: [unclosed\n'))).toThrow(/not valid YAML/);
  });

  it('JSON scenarios load like YAML ones', () => {
    const s = loadScenario(write('j.json', JSON.stringify({ name: 'json', depots: [{ name: 'x', vehicles: 3 }] })));
    expect(s.depots[0]).toEqual({ name: 'x', vehicles: 3, workshopBays: 2 });
    expect(s.maintenance.policy).toBe('calendar');
  });
});
