/**
 * Reading Kubernetes objects defensively. Policy rules run on YAML nobody validated (any directory,
 * not only ours), and the stacks read objects back as plain data, so every field may be missing or
 * of the wrong type; these helpers turn that into `undefined` instead of exceptions.
 */

export type Json = Record<string, unknown>;

export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function rec(v: unknown): Json | undefined {
  return isRecord(v) ? v : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `a.b.c` lookup through records. */
export function at(v: unknown, ...keys: string[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (!isRecord(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** The string values of a map (labels, selectors), others dropped. */
export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(rec(v) ?? {})) if (typeof val === 'string') out[k] = val;
  return out;
}
