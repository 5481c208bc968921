/**
 * Kubernetes resource quantities, the one parser of them in the repository: the environment
 * schema, the constructs that derive settings from a size, the policy rules, the Pulumi program and
 * the review diff all read sizes through it.
 *
 * The grammar is apimachinery's (`k8s.io/apimachinery/pkg/api/resource/quantity.go`):
 *   <quantity> ::= <signedNumber><suffix>
 *   <suffix>   ::= Ki | Mi | Gi | Ti | Pi | Ei | m | "" | k | M | G | T | P | E | e<signedNumber> | E<signedNumber>
 *   <number>   ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
 * so `512M`, `1.5Gi`, `1e9`, `0.5` and `250m` are quantities, and `1GB`, `lots` and `1 Gi` are not.
 * A size also travels as a typed cdk8s `Size` (environment data -> props); it is read from and
 * written back to quantity text here too, so no other module knows the suffixes.
 */
import { Size } from 'cdk8s';

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

/** The text of a quantity, as a whole-string pattern. */
export const QUANTITY = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]([+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?)$/;

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

/**
 * `Size` of a Kubernetes quantity (environment data: `9Gi`, `9.5G`, `1e10`), in whole kibibytes,
 * rounded up so a volume is never smaller than asked for.
 */
export function sizeOf(quantity: string): Size {
  return Size.kibibytes(Math.ceil(quantityBytes(quantity) / 1024));
}

/** `Size.gibibytes(10)` -> `10Gi`: the largest binary suffix that keeps the number whole. */
export function binaryQuantity(size: Size): string {
  const ki = size.toKibibytes();
  if (!Number.isInteger(ki) || ki <= 0) throw new Error(`binaryQuantity: ${ki} KiB is not a whole, positive number of kibibytes`);
  for (const [unit, factor] of [['Ti', 2 ** 30], ['Gi', 2 ** 20], ['Mi', 2 ** 10]] as const) {
    if (ki % factor === 0) return `${ki / factor}${unit}`;
  }
  return `${ki}Ki`;
}
