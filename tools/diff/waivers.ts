/**
 * Policy waivers live beside the rendering, in `policies/waivers.yaml`; a pull request that adds
 * one for a production environment weakens it as surely as removing a NetworkPolicy does, so the
 * review diff reports it with the other weakened-production risks.
 */
import yaml from 'js-yaml';
import type { Risk } from './risk.ts';

interface Waiver {
  rule?: string;
  object?: { kind?: string; namespace?: string; name?: string };
  env?: string;
  reason?: string;
  owner?: string;
  expires?: string;
}

function waiversOf(text: string | undefined): Waiver[] {
  if (!text) return [];
  const data = yaml.load(text, { schema: yaml.CORE_SCHEMA }) as { waivers?: Waiver[] } | null;
  return Array.isArray(data?.waivers) ? data.waivers : [];
}

const keyOf = (w: Waiver) => JSON.stringify([w.rule, w.object?.kind, w.object?.namespace ?? '', w.object?.name, w.env ?? '']);

/** A `weakened` risk per waiver in `after` but not in `before` that applies to a production environment. */
export function addedWaiverRisks(before: string | undefined, after: string | undefined, production: ReadonlySet<string>): Risk[] {
  const known = new Set(waiversOf(before).map(keyOf));
  return waiversOf(after)
    .filter((w) => !known.has(keyOf(w)) && (w.env === undefined || production.has(w.env)))
    .map((w) => {
      const object = `${w.object?.kind ?? '?'} ${w.object?.namespace ? `${w.object.namespace}/` : ''}${w.object?.name ?? '?'}`;
      return {
        severity: 'weakened' as const,
        env: w.env ?? [...production].sort().join(', '),
        subject: object,
        message: `policy waiver added for rule ${w.rule ?? '?'} (owner ${w.owner ?? '?'}, until ${w.expires ?? '?'}): ${w.reason ?? ''}`,
      };
    });
}
