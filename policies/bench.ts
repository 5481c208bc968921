/**
 * Entry point: `npm run bench:policy`. Prints how long the engine takes to check 10,000 rendered
 * objects once the process is warm (start-up and YAML parsing are printed separately).
 *
 * The objects are the committed output under generated/, copied into as many namespaces as it
 * takes to reach 10,000: the same kinds and cross-references as the real environments, at scale,
 * so cross-resource rules that compared everything with everything would show up here.
 *
 * Not a test: figures depend on the machine. Target: under 1 second on the reference machine.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseDocuments } from './documents.ts';
import { checkObjects } from './engine.ts';
import { CLUSTER_SCOPED_KINDS, kindOf, nameOf, namespaceOf } from './objects.ts';
import type { K8sObject, SourcedObject } from './types.ts';
import { expectNoArguments } from '../tools/command-line.ts';

expectNoArguments('bench:policy');

const TARGET = 10_000;
const RUNS = 5;
const ROOT = join(import.meta.dirname, '..');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => (statSync(join(dir, n)).isDirectory() ? yamlFiles(join(dir, n)) : n.endsWith('.yaml') ? [join(dir, n)] : []));
}

/** A copy of `o` moved to its own namespace (and renamed, when cluster-scoped), references intact. */
function copyInto(o: K8sObject, copy: number): K8sObject {
  const c = structuredClone(o) as Record<string, unknown> & { metadata: Record<string, unknown> };
  if (CLUSTER_SCOPED_KINDS.has(kindOf(o))) c.metadata['name'] = `${nameOf(o)}-${copy}`;
  else c.metadata['namespace'] = `${namespaceOf(o) ?? 'default'}-${copy}`;
  return c as K8sObject;
}

// performance.now() counts from process start, so this is start-up plus module loading.
const parseStart = performance.now();
const base: SourcedObject[] = yamlFiles(join(ROOT, 'generated')).flatMap((f) => parseDocuments(readFileSync(f, 'utf8'), relative(ROOT, f)).objects);
const parseMs = performance.now() - parseStart;
if (base.length === 0) throw new Error('generated/ holds no objects; run `npm run synth` first');

const objects: SourcedObject[] = [];
for (let copy = 0; objects.length < TARGET; copy++) {
  for (const s of base) {
    if (objects.length === TARGET) break;
    objects.push({ ...s, object: copyInto(s.object, copy) });
  }
}

const env = { name: 'bench', production: true };
checkObjects(objects, { env }); // warm-up: JIT and lazily built indexes of the code paths
const times: number[] = [];
let findings = 0;
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  findings = checkObjects(objects, { env }).findings.length;
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(RUNS / 2)]!;
console.log(`policy check of ${objects.length} objects (${base.length} rendered objects from generated/, copied into namespaces), production severities, ${findings} finding(s)`);
console.log(`  check: ${median.toFixed(0)} ms median of ${RUNS} warm runs (min ${times[0]!.toFixed(0)} ms, max ${times[RUNS - 1]!.toFixed(0)} ms)`);
console.log(`  process start-up and module loading: ${parseStart.toFixed(0)} ms; reading and parsing generated/: ${parseMs.toFixed(0)} ms`);
console.log(median < 1000 ? '  within the 1 s target' : '  OVER the 1 s target');
