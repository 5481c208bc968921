/** Helpers for construct tests: a namespaced chart, and its objects as plain JSON. */
import { Chart, Testing } from 'cdk8s';

export type Obj = Record<string, any>;

/** A chart like the platform's: namespaced, no name hashes. */
export function testChart(namespace = 'test'): Chart {
  return new Chart(Testing.app(), 'test', { namespace, disableResourceNameHashes: true });
}

/** Synthesized objects of a chart. */
export function objects(chart: Chart): Obj[] {
  return Testing.synth(chart) as Obj[];
}

/** The one object of `kind` (and `name`, when given); throws when there is not exactly one. */
export function only(chart: Chart | Obj[], kind: string, name?: string): Obj {
  const all = Array.isArray(chart) ? chart : objects(chart);
  const found = all.filter((o) => o['kind'] === kind && (name === undefined || o['metadata']?.['name'] === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0]!;
}
