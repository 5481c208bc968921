/**
 * Waivers: data, next to the rules, that accept one rule's finding on one object for a reason, an
 * owner and until a date. Parsing is pure (text in); the CLI reads `policies/waivers.yaml`.
 */
import yaml from 'js-yaml';
import { z } from 'zod';
import type { Waiver } from './types.ts';
import { isDate } from './dates.ts';

const date = z.string().refine(isDate, 'expected a date as YYYY-MM-DD');

const waiverSchema = z.strictObject({
  /** Id of the rule being waived. */
  rule: z.string().min(1),
  /** The one object it applies to. */
  object: z.strictObject({ kind: z.string().min(1), namespace: z.string().min(1).optional(), name: z.string().min(1) }),
  /** Only in this environment; every environment when absent. */
  env: z.string().min(1).optional(),
  /** Why the finding is acceptable for now; reviewers read this. */
  reason: z.string().min(10, 'expected a reason of at least 10 characters'),
  /** Who answers for it (a person or team handle). */
  owner: z.string().min(1),
  /** Waivers always end; the check fails from this day on (UTC). */
  expires: date,
});

const waiversFileSchema = z.strictObject({ waivers: z.array(waiverSchema).default([]) });

export class WaiverFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WaiverFileError';
  }
}

/** Parses a waivers file; throws naming the file, the field and the expectation. */
export function parseWaivers(text: string, file: string, knownRules: ReadonlySet<string>): Waiver[] {
  let data: unknown;
  try {
    data = yaml.load(text, { filename: file, schema: yaml.CORE_SCHEMA }) ?? { waivers: [] };
  } catch (e) {
    throw new WaiverFileError(`${file}: not valid YAML: ${(e as Error).message}`);
  }
  const result = waiversFileSchema.safeParse(data);
  if (!result.success) {
    throw new WaiverFileError(result.error.issues.map((i) => `${file}: ${i.path.map(String).join('.')}: ${i.message}`).join('\n'));
  }
  const unknown = result.data.waivers.flatMap((w, i) => (knownRules.has(w.rule) ? [] : [`${file}: waivers.${i}.rule: expected a rule id, got ${JSON.stringify(w.rule)}`]));
  if (unknown.length > 0) throw new WaiverFileError(unknown.join('\n'));
  return result.data.waivers.map((w) => ({
    rule: w.rule,
    object: { kind: w.object.kind, name: w.object.name, ...(w.object.namespace ? { namespace: w.object.namespace } : {}) },
    ...(w.env ? { env: w.env } : {}),
    reason: w.reason,
    owner: w.owner,
    expires: w.expires,
  }));
}
