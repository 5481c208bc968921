/**
 * An evaluator for the subset of IAM policy semantics our identity policies use, so a test can ask
 * "may this request pass?" of a parsed policy document instead of string-matching its statements.
 *
 * Covered (AWS IAM User Guide, "Policy evaluation logic" and "IAM JSON policy elements"): Effect
 * Allow/Deny with an explicit Deny winning over any Allow and no match meaning an implicit deny;
 * Action and Resource as a string or a list, with `*` and `?` wildcards (actions compared
 * case-insensitively, ARNs case-sensitively); Condition operators StringEquals, StringLike and
 * Bool, where a key absent from the request makes the condition false. Anything else (NotAction,
 * NotResource, other operators, set qualifiers) throws, so a policy never passes by being misread.
 */

export interface IamRequest {
  /** `service:Action`, e.g. `s3:ListBucket`. */
  readonly action: string;
  /** The ARN the action is authorised against. */
  readonly resource: string;
  /** Condition keys present in the request context, e.g. `{ 's3:prefix': 'agent-platform/prod/' }`. */
  readonly context?: Readonly<Record<string, string>>;
}

export type IamDecision = 'allow' | 'explicit-deny' | 'implicit-deny';

interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

const SUPPORTED = new Set(['Sid', 'Effect', 'Action', 'Resource', 'Condition']);

/** `*` any run of characters, `?` exactly one; everything else literal. */
function wildcard(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '').test(value);
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [String(v)]);

function conditionHolds(operator: string, key: string, expected: unknown, context: Readonly<Record<string, string>>): boolean {
  const actual = context[key];
  if (actual === undefined) return false;
  switch (operator) {
    case 'StringEquals':
      return list(expected).some((e) => e === actual);
    case 'StringLike':
      return list(expected).some((e) => wildcard(e, actual, false));
    case 'Bool':
      return list(expected).some((e) => e.toLowerCase() === actual.toLowerCase());
    default:
      throw new Error(`iam-evaluator: condition operator ${operator} is not supported`);
  }
}

function matches(s: Statement, request: IamRequest): boolean {
  for (const key of Object.keys(s)) if (!SUPPORTED.has(key)) throw new Error(`iam-evaluator: statement ${s.Sid ?? '(no Sid)'}: ${key} is not supported`);
  if (!list(s.Action).some((a) => wildcard(a, request.action, true))) return false;
  if (!list(s.Resource).some((r) => wildcard(r, request.resource, false))) return false;
  for (const [operator, keys] of Object.entries(s.Condition ?? {})) {
    for (const [key, expected] of Object.entries(keys)) if (!conditionHolds(operator, key, expected, request.context ?? {})) return false;
  }
  return true;
}

/** The decision IAM reaches for `request` under one identity policy document. */
export function evaluate(policy: { readonly Statement: readonly Statement[] }, request: IamRequest): IamDecision {
  const matching = policy.Statement.filter((s) => matches(s, request));
  if (matching.some((s) => s.Effect === 'Deny')) return 'explicit-deny';
  return matching.some((s) => s.Effect === 'Allow') ? 'allow' : 'implicit-deny';
}
