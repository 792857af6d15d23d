import type { Reading } from '../../telemetry/schema';

export type Engine = NonNullable<Reading['engine']>;
export type EngineNumberField = Exclude<keyof Engine, 'ignition'>;
export type AttributeValue = NonNullable<Reading['attributes']>[string];

/** Where a decoded vehicle-bus value lands in canonical telemetry. */
export type Target = { engine: EngineNumberField } | { attribute: string };

/** The numeric value a reading holds for a target, if any (what an encoder puts on the wire). */
export function readTarget(reading: Reading, target: Target): number | undefined {
  const value = 'engine' in target ? reading.engine?.[target.engine] : reading.attributes?.[target.attribute];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * A vehicle-bus device (OBD-II dongle, J1939 logger) has no GNSS: the speed of a simulated
 * reading's position is what it reads off the bus as `attributes.obdSpeedKph`.
 */
export function withBusSpeed(reading: Reading): Reading {
  const speed = reading.attributes?.obdSpeedKph ?? reading.position?.speedKph;
  return speed === undefined ? reading : { ...reading, attributes: { ...reading.attributes, obdSpeedKph: speed } };
}

/** Collects decoded values; `build` leaves out the parts nothing was decoded into. */
export class ReadingBuilder {
  private readonly engine: Engine = {};
  private readonly attributes: Record<string, AttributeValue> = {};

  set(target: Target, value: number): void {
    if ('engine' in target) this.engine[target.engine] = value;
    else this.attributes[target.attribute] = value;
  }

  attribute(name: string, value: AttributeValue): void {
    this.attributes[name] = value;
  }

  build(): Pick<Reading, 'engine' | 'attributes'> {
    return {
      ...(Object.keys(this.engine).length ? { engine: { ...this.engine } } : {}),
      ...(Object.keys(this.attributes).length ? { attributes: { ...this.attributes } } : {}),
    };
  }
}
