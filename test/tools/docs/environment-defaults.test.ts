/** The defaults reference lists what parsing gives a field left out, read from the JSON Schema. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { defaultsOf, environmentDefaults, type SchemaNode } from '../../../tools/docs/environment-defaults.ts';
import { environmentJsonSchema } from '../../../environments/load.ts';
import { environmentSchema } from '../../../environments/schema/index.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('environment defaults', () => {
  it('lists nested defaults by path, labels variants by their constant field, and skips `{}` filled in by its fields', () => {
    const schema: SchemaNode = {
      properties: {
        a: { default: {}, properties: { b: { default: 3 } } },
        store: { oneOf: [{ properties: { mode: { const: 'x' }, size: { default: '1Gi' } } }, { properties: { port: { default: 5432 } } }] },
      },
    };
    expect(defaultsOf(schema)).toEqual([
      { path: 'a.b', variant: '', value: 3 },
      { path: 'store.size', variant: 'mode: x', value: '1Gi' },
      { path: 'store.port', variant: 'variant 2', value: 5432 },
    ]);
    expect(environmentDefaults(schema)).toContain('| `store.size` | mode: x | `"1Gi"` |');
  });

  it('gives the value parsing fills in, for every listed default outside a variant', () => {
    // A field removed from a real environment file parses back to the listed default.
    const dev = yaml.load(readFileSync(join(ROOT, 'environments', 'dev.yaml'), 'utf8')) as Record<string, unknown>;
    const listed = defaultsOf(environmentJsonSchema() as SchemaNode).filter((d) => d.variant === '');
    let checked = 0;
    for (const d of listed) {
      const copy = structuredClone(dev);
      const keys = d.path.split('.');
      let parent: Record<string, unknown> | undefined = copy;
      for (const k of keys.slice(0, -1)) parent = parent?.[k] as Record<string, unknown> | undefined;
      if (parent === undefined) continue;
      delete parent[keys.at(-1)!];
      const parsed = environmentSchema.safeParse(copy);
      if (!parsed.success) continue; // a field the environment needs together with another
      // The same file with the listed default written out: sizes and durations parse to typed
      // values (cdk8s Size, Duration), so the two parses are compared, not the parse and the text.
      parent[keys.at(-1)!] = d.value;
      const written = environmentSchema.parse(copy);
      const at = (data: unknown) => keys.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], data);
      expect(at(parsed.data), d.path).toEqual(at(written));
      checked++;
    }
    // Fields under a block the file does not use (the worker's autoscaling in dev) cannot be.
    expect(checked).toBeGreaterThan(listed.length / 3);
  });
});
