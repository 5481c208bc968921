/** What a probe checks (its handler), apart from its timing. */
import { at, isRecord } from './objects.ts';

const HANDLERS = ['httpGet', 'tcpSocket', 'grpc', 'exec'] as const;

export function probeHandler(probe: unknown): { type: string; value: unknown } | undefined {
  if (!isRecord(probe)) return undefined;
  for (const h of HANDLERS) if (probe[h] !== undefined) return { type: h, value: probe[h] };
  return undefined;
}

/** The port a probe connects to (name or number), if it connects to one. */
export function probePort(probe: unknown): unknown {
  const h = probeHandler(probe);
  if (!h || h.type === 'exec') return undefined;
  return at(h.value, 'port');
}

/** Canonical JSON (sorted keys) so equal handlers compare equal whatever their key order. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isRecord(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}
