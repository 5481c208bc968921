/**
 * `npm run bench:diff`: the time to diff two renderings of 2,000 objects each (target: under
 * 0.5 s after start-up). The renderings are the real environments' objects, multiplied under new
 * names, with realistic edits in the second one; both are parsed from YAML text, as `npm run diff`
 * reads committed files. Prints the timings; it is not a test, since machines differ.
 */
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import yaml from 'js-yaml';
import { fromWorkingTree, parseFile } from './rendering.ts';
import { buildReport, formatMarkdown, formatText } from './report.ts';
import type { JsonObject, Resource } from './compare.ts';
import { expectNoArguments } from '../command-line.ts';
import type { K8sObject } from '../../kube/object.ts';
import { podTemplateOf } from '../../kube/pod-template.ts';
import { parseImage } from '../../policies/images.ts';

expectNoArguments('bench:diff');

const OBJECTS = 2000;
const TARGET_MS = 500;

function copies(seed: readonly Resource[], n: number): Resource[] {
  const out: Resource[] = [];
  for (let i = 0; out.length < n; i++) {
    const r = seed[i % seed.length]!;
    const suffix = `-${Math.floor(i / seed.length)}`;
    const body = structuredClone(r.body) as JsonObject;
    (body['metadata'] as JsonObject)['name'] = `${r.name}${suffix}`;
    out.push({ ...r, name: `${r.name}${suffix}`, body });
  }
  return out;
}

/** Every 20th object edited the way releases edit them: replicas, image, an env var, a reordered list. */
function edited(resources: readonly Resource[]): Resource[] {
  return resources.map((r, i) => {
    if (i % 20 !== 0) return r;
    const body = structuredClone(r.body) as JsonObject;
    const spec = body['spec'] as JsonObject | undefined;
    const pod = podTemplateOf(body as K8sObject)?.spec;
    if (spec && typeof spec['replicas'] === 'number') spec['replicas'] = spec['replicas'] + 1;
    const containers = (pod?.['containers'] ?? []) as JsonObject[];
    for (const c of containers) {
      c['image'] = `${parseImage(String(c['image'])).repository}:9.9.9`;
      c['env'] = [...(((c['env'] ?? []) as JsonObject[]).reverse()), { name: 'FEATURE_FLAG', value: 'on' }];
    }
    const labels = ((body['metadata'] as JsonObject)['labels'] ?? {}) as JsonObject;
    labels['bench/edited'] = 'true';
    return { ...r, body };
  });
}

function toText(resources: readonly Resource[]): { path: string; text: string }[] {
  return resources.map((r) => ({ path: `${r.env}/${r.kind.toLowerCase()}-${r.name}.yaml`, text: yaml.dump(r.body, { lineWidth: -1, noRefs: true }) }));
}

async function main(): Promise<void> {
  const seed = (await fromWorkingTree(new URL('../../environments', import.meta.url).pathname)).filter((r) => !r.env.startsWith('argocd'));
  const oldFiles = toText(copies(seed, OBJECTS));
  const newFiles = toText(edited(copies(seed, OBJECTS)));

  const t0 = performance.now();
  const before = oldFiles.flatMap((f) => parseFile(f.path, f.text));
  const tOld = performance.now();
  const after = newFiles.flatMap((f) => parseFile(f.path, f.text));
  const t1 = performance.now();
  const report = buildReport({ label: 'a', resources: before }, { label: 'b', resources: after }, new Set(['prod']));
  const t2 = performance.now();
  const text = formatText(report);
  const markdown = formatMarkdown(report);
  const t3 = performance.now();

  const total = t3 - t0;
  console.log(`diff of two renderings, ${before.length} and ${after.length} objects (${report.diffs.length} changed, ${report.risks.length} risks flagged):`);
  console.log(`  parse YAML        ${(t1 - t0).toFixed(1)} ms (first ${(tOld - t0).toFixed(1)} ms; the second reuses files it shares)`);
  console.log(`  compare + risks   ${(t2 - t1).toFixed(1)} ms`);
  console.log(`  text + markdown   ${(t3 - t2).toFixed(1)} ms (${text.length + markdown.length} characters)`);
  console.log(`  total             ${total.toFixed(1)} ms (target < ${TARGET_MS} ms: ${total < TARGET_MS ? 'met' : 'MISSED'}; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
