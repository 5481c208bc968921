/**
 * Reads the flow contract (test/cluster/flows.yaml, plus each component's components/<name>/flows.yaml) and expands it, for one environment, into the
 * flows the analyzer names: `namespace/name` for pods, merged address ranges for ipBlocks.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { z } from 'zod';
import { type Flow, flowKey, ipBlockText } from './connectivity.ts';

const names = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((v) => (typeof v === 'string' ? [v] : v));
const port = z.string().regex(/^(TCP|UDP) \d+$/, 'a port is `TCP <n>` or `UDP <n>`');

const row = z.strictObject({
  from: names,
  to: names,
  ports: z.array(port).min(1),
  why: z.string().min(1),
  environments: z.array(z.string().min(1)).optional(),
});

const contract = z.strictObject({
  addresses: z.record(z.string(), z.strictObject({ cidr: z.string(), except: z.array(z.string()).optional() })),
  flows: z.array(row).min(1),
  accepted: z.array(row).default([]),
});

export type FlowContract = z.infer<typeof contract>;
type Row = z.infer<typeof row>;

/** A component's own rows (components/<name>/flows.yaml), named as in the main contract. */
const part = z.strictObject({ flows: z.array(row).min(1), accepted: z.array(row).default([]) });

function parse<T>(schema: z.ZodType<T>, file: string): T {
  const parsed = schema.safeParse(yaml.load(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * The contract in `file`, with the rows of each of `parts` (a component's flows beside its code)
 * added; every part may name the main file's addresses.
 */
export function readContract(file: string, environments: readonly string[], parts: readonly string[] = []): FlowContract {
  const main = parse(contract, file);
  const sources = [{ file, data: main }, ...parts.map((f) => ({ file: f, data: parse(part, f) }))];
  for (const { file: f, data } of sources) {
    for (const [section, rows] of [['flows', data.flows], ['accepted', data.accepted]] as const) {
      rows.forEach((r, i) => {
        for (const e of r.environments ?? []) {
          if (!environments.includes(e)) throw new Error(`${f}: ${section}.${i}.environments: unknown environment "${e}" (known: ${environments.join(', ')})`);
        }
      });
    }
  }
  return {
    addresses: main.addresses,
    flows: sources.flatMap((s) => s.data.flows),
    accepted: sources.flatMap((s) => s.data.accepted),
  };
}

/** The flows files of the components (`components/<name>/flows.yaml`), sorted. */
export function componentFlowFiles(root: string): string[] {
  const dir = join(root, 'components');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'flows.yaml')))
    .map((d) => join(dir, d.name, 'flows.yaml'))
    .sort();
}

/** A contract name as the analyzer writes it, in the environment `namespace`. */
function resolve(c: FlowContract, name: string, namespace: string): string {
  const address = c.addresses[name];
  if (address) return ipBlockText(address.cidr, address.except);
  if (name.includes('/')) return name.replaceAll('{namespace}', namespace);
  return `${namespace}/${name}`;
}

function expand(c: FlowContract, rows: readonly Row[], env: string, namespace: string): Flow[] {
  return rows
    .filter((r) => !r.environments || r.environments.includes(env))
    .flatMap((r) =>
      r.from.flatMap((from) =>
        r.to.flatMap((to) => (from === to ? [] : r.ports.map((p) => ({ from: resolve(c, from, namespace), to: resolve(c, to, namespace), port: p })))),
      ),
    );
}

/** The flows the environment needs, and those it allows knowingly although nobody needs them. */
export function contractFor(c: FlowContract, env: string, namespace: string): { needed: Map<string, Flow>; accepted: Map<string, Flow> } {
  const byKey = (flows: Flow[]) => new Map(flows.map((f) => [flowKey(f), f]));
  return { needed: byKey(expand(c, c.flows, env, namespace)), accepted: byKey(expand(c, c.accepted, env, namespace)) };
}
