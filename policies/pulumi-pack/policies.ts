/**
 * The rules as Pulumi CrossGuard policies, built by a function so that importing this module has
 * no side effects (a `PolicyPack` starts a gRPC server the moment it is constructed; only
 * `index.ts`, the pack's entry point, does that).
 *
 * Rules that look at one object become `ResourceValidationPolicy`s. Rules that need the rest of
 * the set (a Service's pods, a Secret's producer) become `StackValidationPolicy`s: a resource
 * policy only ever sees one resource, so running them there would report every reference as
 * dangling. Either way the verdict comes from the same `Rule.check` the CLI runs, on the same
 * plain object, with the same waivers, so the two paths agree.
 *
 * The same object means the resource's inputs. A stack policy is handed each resource's outputs,
 * which for a Kubernetes object are the live object: the API server's defaults and what
 * controllers set (an HPA's replica count, which `hpa-owns-replicas` then reports against a
 * Deployment that never set one, refusing every `up` of production; found by
 * test/cluster/pulumi-switch-over.cluster.test.ts). So {@link INPUTS_POLICY} records the inputs the engine
 * analyzes each resource with, and the stack policies judge those; only a resource the engine did
 * not analyze in this run (left out by `--target`) is judged by its outputs.
 */
import type { EnforcementLevel, PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from '@pulumi/policy';
import { checkOne, isActive, severityIn, waiverFor } from '../engine.ts';
import { isRecord, withTemplateMemo } from '../objects.ts';
import { refOf } from '../object-ref.ts';
import { RenderedSet } from '../rendered-set.ts';
import { RULES } from '../rules/index.ts';
import type { CheckEnvironment, K8sObject, Rule, Waiver } from '../types.ts';

export interface PackOptions {
  readonly env: CheckEnvironment;
  readonly waivers?: readonly Waiver[];
  /** `YYYY-MM-DD`; waivers expiring on or before it do not apply. */
  readonly today?: string;
  readonly rules?: readonly Rule[];
}

/** `kubernetes:apps/v1:Deployment` → `apps/v1`, `Deployment`; `kubernetes:core/v1:Service` → `v1`. */
export function parseKubernetesType(type: string): { apiVersion: string; kind: string } | undefined {
  const m = /^kubernetes:([^:]+):([A-Za-z0-9]+)$/.exec(type);
  if (!m) return undefined;
  const [, version, kind] = m as unknown as [string, string, string];
  // Component resources (yaml/v2:ConfigGroup, helm.sh/v4:Chart), patches and lists are not objects.
  if (/^(yaml|helm\.sh|kustomize)\//.test(version) || kind.endsWith('Patch') || kind.endsWith('List')) return undefined;
  return { apiVersion: version.startsWith('core/') ? version.slice('core/'.length) : version, kind };
}

/**
 * The plain Kubernetes object behind a resource's inputs. Auto-named resources have no
 * `metadata.name` in their inputs; the Pulumi resource name stands in for it.
 */
export function objectOf(r: { readonly type: string; readonly props: Record<string, unknown>; readonly name: string }): K8sObject | undefined {
  const t = parseKubernetesType(r.type);
  if (!t) return undefined;
  const metadata = isRecord(r.props['metadata']) ? r.props['metadata'] : {};
  return { ...r.props, apiVersion: r.props['apiVersion'] ?? t.apiVersion, kind: r.props['kind'] ?? t.kind, metadata: { ...metadata, name: metadata['name'] ?? r.name } };
}

function enforcementLevel(rule: Rule, env: CheckEnvironment): EnforcementLevel {
  const s = severityIn(rule, env);
  return s === 'error' ? 'mandatory' : s === 'warning' ? 'advisory' : 'disabled';
}

function report(rule: Rule, o: K8sObject, set: RenderedSet, active: readonly Waiver[], reportViolation: ReportViolation, urn?: string): void {
  if (waiverFor(active, rule.id, refOf(o))) return;
  for (const v of checkOne(rule, o, set)) reportViolation(`${v.path}: ${v.message}`, urn);
}

/** The policy that records inputs for the stack policies; it never reports. */
export const INPUTS_POLICY = 'record-inputs-for-set-rules';

export function buildPolicies(options: PackOptions): (ResourceValidationPolicy | StackValidationPolicy)[] {
  const inputs = new Map<string, Record<string, unknown>>();
  const recordInputs: ResourceValidationPolicy = {
    name: INPUTS_POLICY,
    description: "Records each resource's inputs, so the rules over the whole set judge the rendered objects as `npm run policy` does, not the live state. Reports nothing.",
    enforcementLevel: 'advisory',
    validateResource: (args: ResourceValidationArgs) => {
      inputs.set(args.urn, args.props);
    },
  };
  // Expired waivers simply stop applying here; the CLI is where they are reported as failures.
  const active = (options.waivers ?? []).filter((w) => isActive(w, options.env.name, options.today ?? ''));
  // Rules judge dates (end of support) by the same day as the engine.
  const env: CheckEnvironment = options.today ? { ...options.env, today: options.today } : options.env;
  const rules = (options.rules ?? RULES).map((rule): ResourceValidationPolicy | StackValidationPolicy => {
    const base = { name: rule.id, description: rule.description, enforcementLevel: enforcementLevel(rule, options.env), remediationSteps: rule.rationale, tags: [rule.category, 'kubernetes'] };
    if (rule.scope === 'object') {
      return {
        ...base,
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
          const o = objectOf(args);
          if (o) report(rule, o, new RenderedSet([o], env), active, reportViolation);
        },
      };
    }
    return {
      ...base,
      validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const pairs = args.resources.flatMap((r: PolicyResource) => {
          const o = objectOf({ ...r, props: inputs.get(r.urn) ?? r.props });
          return o ? [{ o, urn: r.urn }] : [];
        });
        const set = new RenderedSet(
          pairs.map((p) => p.o),
          env,
        );
        withTemplateMemo(() => {
          for (const p of pairs) report(rule, p.o, set, active, reportViolation, p.urn);
        });
      },
    };
  });
  return [recordInputs, ...rules];
}
