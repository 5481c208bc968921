/** Typed units (cdk8s Duration, Size) in the spellings Prometheus, Alertmanager and Kubernetes read. */
import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { quantityBytes } from '../../kube/quantity.ts';
import type { PromDuration } from './alert-definition.ts';

/** `Duration.hours(200)` -> `200h`: the largest whole unit, so the output reads like the input. */
export function promDuration(d: Duration): PromDuration {
  const s = d.toSeconds();
  if (!Number.isInteger(s) || s < 0) throw new Error(`promDuration: ${s} s is not a whole, non-negative number of seconds`);
  if (s === 0) return '0s';
  if (s % 86400 === 0 && s >= 86400 * 7) return `${s / 86400}d`;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

/** `Size.gibibytes(10)` -> `10Gi`, for Kubernetes quantities. */
export function binaryQuantity(size: Size): string {
  const ki = size.toKibibytes();
  if (!Number.isInteger(ki) || ki <= 0) throw new Error(`binaryQuantity: ${ki} KiB is not a whole, positive number of kibibytes`);
  for (const [unit, factor] of [['Ti', 2 ** 30], ['Gi', 2 ** 20], ['Mi', 2 ** 10]] as const) {
    if (ki % factor === 0) return `${ki / factor}${unit}`;
  }
  return `${ki}Ki`;
}

/**
 * `Size.gibibytes(9)` -> `9GB`: Prometheus's size flags use base-2 units under SI names. Rounded
 * down to whole mebibytes (a retention limit may only err on the side of headroom).
 */
export function prometheusSize(size: Size): string {
  const mi = Math.floor(size.toMebibytes({ rounding: SizeRoundingBehavior.NONE }));
  if (mi <= 0) throw new Error(`prometheusSize: ${size.toKibibytes()} KiB is less than one mebibyte`);
  return mi % 1024 === 0 ? `${mi / 1024}GB` : `${mi}MB`;
}

/**
 * `Size` of a Kubernetes quantity (environment data: `9Gi`, `9.5G`, `1e10`), in whole kibibytes,
 * rounded up so a volume is never smaller than asked for.
 */
export function sizeOf(quantity: string): Size {
  return Size.kibibytes(Math.ceil(quantityBytes(quantity) / 1024));
}
