/**
 * Kubernetes resource quantities, the one parser of them in the repository: the environment
 * schema, the constructs that derive settings from a size, the policy rules and the review diff
 * all read sizes through it.
 *
 * The grammar is apimachinery's (`k8s.io/apimachinery/pkg/api/resource/quantity.go`):
 *   <quantity> ::= <signedNumber><suffix>
 *   <suffix>   ::= Ki | Mi | Gi | Ti | Pi | Ei | m | "" | k | M | G | T | P | E | e<signedNumber> | E<signedNumber>
 *   <number>   ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
 * so `512M`, `1.5Gi`, `1e9`, `0.5` and `250m` are quantities, and `1GB`, `lots` and `1 Gi` are not.
 */
import { z } from 'zod';

const SUFFIX: Readonly<Record<string, number>> = {
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

const QUANTITY = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]([+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?)$/;

/**
 * The value of a quantity in base units (bytes, cores), or `undefined` when `text` is not a
 * Kubernetes quantity. A number (YAML `1` for one core) is its own value.
 */
export function parseQuantity(text: unknown): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) ? text : undefined;
  if (typeof text !== 'string') return undefined;
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const [, sign, digits, exponent, suffix] = m;
  const value = Number(digits) * (exponent !== undefined ? 10 ** Number(exponent) : SUFFIX[suffix ?? '']!);
  return Number.isFinite(value) ? (sign === '-' ? -value : value) : undefined;
}

/** Bytes in a size quantity (`512Mi`, `1.5Gi`, `512M`, `1e9`); throws on anything else. */
export function quantityBytes(quantity: string): number {
  const value = parseQuantity(quantity);
  if (value === undefined) throw new Error(`not a Kubernetes quantity: ${JSON.stringify(quantity)}`);
  return value;
}

/** Millicores in a CPU quantity (`250m`, `1`, `1.5`, `0.25`). */
export function quantityMillicores(quantity: string): number {
  return Math.round(quantityBytes(quantity) * 1000);
}

/**
 * A positive Kubernetes quantity, written as a string. A bare YAML number (`memory: 1`) is refused
 * with a hint, because YAML would turn `1.10` into 1.1 and `1e3` into 1000 before we saw it.
 * @param example what the message shows as a valid value, e.g. `"512Mi" or "1.5Gi"`
 */
export function positiveQuantity(example: string) {
  return z
    .string({ error: `a quantity in quotes like ${example}` })
    .regex(QUANTITY, `a Kubernetes quantity like ${example} (a number, then one of Ki Mi Gi Ti Pi Ei, k M G T P E, m, or an exponent like e9)`)
    .superRefine((text, ctx) => {
      const value = parseQuantity(text);
      // An unparsable one was reported by the pattern; Infinity (1e999) is not a size either.
      if (value === undefined ? QUANTITY.test(text) : value <= 0) ctx.addIssue({ code: 'custom', input: text, message: `a quantity above zero like ${example}` });
    });
}
