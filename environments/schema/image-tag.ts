/**
 * An image tag (the OCI distribution grammar: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`) that names one
 * release. YAML reads an unquoted `1.10` as the number 1.1 and `2` as 2, so a tag that arrives as
 * a number is refused with the fix, instead of deploying `:1.1`. A floating tag (`latest` in any
 * case: registries treat `Latest` as a different tag, people do not) is refused too.
 */
import { z } from 'zod';

export const imageTag = z
  .string({
    error: (issue) =>
      typeof issue.input === 'number'
        ? `a tag in quotes: YAML read this tag as the number ${issue.input}, so write it like tag: "${issue.input}" (and check the digits: 1.10 reads as 1.1)`
        : 'an image tag like "1.4.2"',
  })
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'an image tag like "1.4.2"')
  .refine((t) => t.toLowerCase() !== 'latest', 'a pinned tag, not "latest"');
