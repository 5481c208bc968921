/**
 * The vocabulary shared by the rules, the engine, the formats, the CLI and the Pulumi pack. Nothing
 * here depends on where objects come from (rendered YAML, a directory of someone else's manifests,
 * or Pulumi resource inputs), so one rule is written once and runs in every one of those places.
 */
import type { K8sObject } from '../kube/object.ts';
import type { CheckEnvironment } from './check-environment.ts';
import type { ObjectRef } from './object-ref.ts';
import type { RenderedSet } from './rendered-set.ts';

export type { CheckEnvironment, K8sObject, ObjectRef };

/** One object and where it was read from. */
export interface SourcedObject {
  readonly object: K8sObject;
  /** File path as shown to people (relative to the working directory), or a Pulumi URN. */
  readonly file: string;
  /** 1-based line of the document's first line in `file`, when known. */
  readonly line?: number;
  /** The document's text, used to point at the exact line of a field. */
  readonly text?: string;
}

export type Severity = 'error' | 'warning';

/** A severity, `off` for "does not apply here", optionally different in production-like environments. */
export type SeveritySetting = Severity | 'off' | { readonly production: Severity | 'off'; readonly other: Severity | 'off' };

export type RuleCategory = 'security' | 'reliability' | 'references' | 'gitops';

/** What a rule reports about one object: the field it is about, and what is wrong with it. */
export interface Violation {
  /** Dotted field path inside the object, e.g. `spec.template.spec.containers[0].image`. */
  readonly path: string;
  /** Says what is wrong and what is expected; names values, never secret values. */
  readonly message: string;
}

export interface Rule {
  /** Stable, kebab-case; used in waivers, SARIF and the Pulumi pack. */
  readonly id: string;
  readonly category: RuleCategory;
  /** One sentence, imperative: what must hold. */
  readonly description: string;
  /** Why it matters; shown in docs/policy-rules.md (generated) and as SARIF help. */
  readonly rationale: string;
  readonly severity: SeveritySetting;
  /** Kinds it looks at; `*` for every kind. */
  readonly kinds: readonly string[];
  /**
   * Whether the check reads other objects of the set (`set`) or only the one it is given
   * (`object`). Set rules run as stack-level policies in Pulumi, where the whole set is visible.
   */
  readonly scope: 'object' | 'set';
  readonly check: (object: K8sObject, set: RenderedSet) => readonly Violation[];
}

export interface Waiver {
  readonly rule: string;
  readonly object: ObjectRef;
  /** Only in this environment; every environment when absent. */
  readonly env?: string;
  readonly reason: string;
  readonly owner: string;
  /** `YYYY-MM-DD`; the waiver stops applying at the start of that day (UTC). */
  readonly expires: string;
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly object: ObjectRef;
  readonly file: string;
  /** 1-based line of the field (or of the object when the field is absent), when known. */
  readonly line?: number;
  readonly path: string;
  readonly message: string;
  /** Set when a current waiver covers this finding; waived findings never fail a check. */
  readonly waivedBy?: Waiver;
}

export interface CheckResult {
  readonly findings: readonly Finding[];
  readonly errors: number;
  readonly warnings: number;
  readonly waived: number;
}
