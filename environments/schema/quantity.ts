/** Kubernetes resource quantities in environment data, parsed by the object model (kube/quantity.ts). */
import { z } from 'zod';
import { parseQuantity, QUANTITY } from '../../kube/quantity.ts';

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
