/** Kubernetes resource quantities (`512Mi`, `1.5G`, `250m`) as numbers, for comparisons only. */
const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

export function parseQuantity(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(e[+-]?[0-9]+)?([a-zA-Z]*)$/.exec(v.trim());
  if (!m) return undefined;
  const factor = SUFFIX[m[3] ?? ''];
  if (factor === undefined) return undefined;
  return Number(`${m[1]}${m[2] ?? ''}`) * factor;
}
