/**
 * Kubernetes label keys and values (apimachinery `IsQualifiedName`, `IsValidLabelValue`): a key is
 * an optional DNS-subdomain prefix (at most 253 characters) and "/", then a name of at most 63
 * alphanumerics, "-", "_" or "." beginning and ending alphanumeric; a value is empty or such a name.
 */
import { z } from 'zod';

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const PREFIX = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  return slash < 0 ? NAME.test(key) : PREFIX.test(key.slice(0, slash)) && NAME.test(key.slice(slash + 1));
}

export function isLabelValue(value: string): boolean {
  return value === '' || NAME.test(value);
}

export const labelKey = z.string().refine(isLabelKey, 'a label key like "app.kubernetes.io/name" (at most 63 letters, digits, "-", "_", "." after an optional DNS prefix and "/")');
export const labelValue = z.string().refine(isLabelValue, 'a label value: at most 63 letters, digits, "-", "_" or ".", beginning and ending with a letter or digit');

/** A label set, as a selector or a pod's labels. */
export const labels = z.record(labelKey, labelValue);
