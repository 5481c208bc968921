/**
 * The policy engine: objects in, findings out. Pure (no file system, no clock: `today` is passed
 * in), so the CLI, the synth tests, the benchmark and the Pulumi pack all call the same function
 * and get the same verdicts.
 */
import { daysBetween } from './dates.ts';
import { locateLine } from './locate.ts';
import { kindOf, nameOf, namespaceOf, withTemplateMemo } from './objects.ts';
import { refOf, showRef } from './object-ref.ts';
import { RenderedSet } from './rendered-set.ts';
import { RULES } from './rules/index.ts';
import type { CheckEnvironment, CheckResult, Finding, K8sObject, ObjectRef, Rule, Severity, SourcedObject, Waiver } from './types.ts';

export interface CheckOptions {
  readonly env: CheckEnvironment;
  readonly waivers?: readonly Waiver[];
  /** `YYYY-MM-DD` (UTC); waivers expiring on or before it no longer apply. Required with waivers. */
  readonly today?: string;
  /** Where the waivers came from, for findings about the waivers themselves. */
  readonly waiversFile?: string;
  /** The waivers file's text, to point those findings at the waiver's line. */
  readonly waiversText?: string;
  /** Defaults to every rule. */
  readonly rules?: readonly Rule[];
  /**
   * The environment an individual object belongs to, when a set mixes several (the Argo CD
   * objects under generated/argocd/ hold one Application per environment); its severities then
   * apply to that object's findings. Objects it returns undefined for use `env`.
   */
  readonly environmentOf?: (object: K8sObject) => CheckEnvironment | undefined;
  /**
   * Objects of the cluster the checked objects are deployed to (its add-on Applications and
   * StorageClasses, see policies/cluster.ts): rules read them, nothing reports on them.
   */
  readonly context?: readonly K8sObject[];
}

/** The severity of `rule` in `env`, or `off` where it does not apply. */
export function severityIn(rule: Rule, env: CheckEnvironment): Severity | 'off' {
  const s = rule.severity;
  return typeof s === 'string' ? s : env.production ? s.production : s.other;
}

function appliesTo(rule: Rule, kind: string): boolean {
  return rule.kinds.includes('*') || rule.kinds.includes(kind);
}

function sameRef(a: ObjectRef, b: ObjectRef): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
}

/** Whether a waiver is in force in `envName` on `today` (it stops applying on its expiry date). */
export function isActive(w: Waiver, envName: string | undefined, today: string): boolean {
  return (w.env === undefined || w.env === envName) && w.expires > today;
}

/** The waiver in force that covers `rule` on the object `ref`, if any. */
export function waiverFor(active: readonly Waiver[], rule: string, ref: ObjectRef): Waiver | undefined {
  return active.find((w) => w.rule === rule && sameRef(w.object, ref));
}

/** Pseudo-rules the engine reports about waivers themselves. */
export const WAIVER_EXPIRED = 'waiver-expired';
export const WAIVER_UNUSED = 'waiver-unused';
export const WAIVER_EXPIRING = 'waiver-expiring';
/** How many days before its expiry a waiver in use is reported. */
export const WAIVER_WARNING_DAYS = 30;

/** Runs one rule on one object of a set; the unit the Pulumi pack also calls. */
export function checkOne(rule: Rule, object: K8sObject, set: RenderedSet): ReturnType<Rule['check']> {
  if (!appliesTo(rule, kindOf(object))) return [];
  return rule.check(object, set);
}

/** Checks every object against every rule that applies in `options.env`, then applies waivers. */
export function checkObjects(objects: readonly SourcedObject[], options: CheckOptions): CheckResult {
  return withTemplateMemo(() => check(objects, options));
}

function check(objects: readonly SourcedObject[], options: CheckOptions): CheckResult {
  const all = options.rules ?? RULES;
  const rules = options.environmentOf ? all : all.filter((r) => severityIn(r, options.env) !== 'off');
  const set = new RenderedSet(
    objects.map((o) => o.object),
    options.today ? { ...options.env, today: options.today } : options.env,
    options.context,
  );
  const byKind = new Map<string, Rule[]>();
  const rulesFor = (kind: string): Rule[] => {
    let list = byKind.get(kind);
    if (!list) byKind.set(kind, (list = rules.filter((r) => appliesTo(r, kind))));
    return list;
  };
  const waivers = options.waivers ?? [];
  const today = options.today ?? '';
  if (waivers.length > 0 && today === '') throw new Error('checkObjects: waivers given without `today`; expected a YYYY-MM-DD date to judge their expiry');
  const active = waivers.filter((w) => isActive(w, options.env.name, today));
  const used = new Set<Waiver>();
  const findings: Finding[] = [];
  for (const src of objects) {
    const ref = refOf(src.object);
    let lines: readonly string[] | undefined;
    const env = options.environmentOf?.(src.object) ?? options.env;
    for (const rule of rulesFor(kindOf(src.object))) {
      const severity = severityIn(rule, env);
      if (severity === 'off') continue;
      for (const v of rule.check(src.object, set)) {
        const waiver = waiverFor(active, rule.id, ref);
        if (waiver) used.add(waiver);
        if (src.text !== undefined) lines ??= src.text.split('\n');
        const line = lines !== undefined ? (src.line ?? 1) + locateLine(lines, v.path) : src.line;
        findings.push({
          rule: rule.id,
          severity,
          object: ref,
          file: src.file,
          ...(line !== undefined ? { line } : {}),
          path: v.path,
          message: v.message,
          ...(waiver ? { waivedBy: waiver } : {}),
        });
      }
    }
  }
  const file = options.waiversFile ?? 'waivers';
  const lineOf = (path: string): { line?: number } => (options.waiversText === undefined ? {} : { line: 1 + locateLine(options.waiversText, path) });
  waivers.forEach((w, i) => {
    if (w.env !== undefined && w.env !== options.env.name) return;
    if (w.expires <= today) {
      findings.push({ rule: WAIVER_EXPIRED, severity: 'error', object: w.object, file, ...lineOf(`waivers[${i}].expires`), path: `waivers[${i}].expires`, message: `the waiver of ${w.rule} on ${showRef(w.object)} (owner ${w.owner}) expired on ${w.expires}; expected the finding fixed or the waiver renewed with a new date` });
      return;
    }
    const left = daysBetween(today, w.expires);
    if (left <= WAIVER_WARNING_DAYS) {
      findings.push({ rule: WAIVER_EXPIRING, severity: 'warning', object: w.object, file, ...lineOf(`waivers[${i}].expires`), path: `waivers[${i}].expires`, message: `the waiver of ${w.rule} on ${showRef(w.object)} (owner ${w.owner}) expires in ${left} day(s), on ${w.expires}; expected the finding fixed or the waiver renewed before then` });
    }
    if (!used.has(w)) {
      findings.push({ rule: WAIVER_UNUSED, severity: 'warning', object: w.object, file, ...lineOf(`waivers[${i}]`), path: `waivers[${i}]`, message: `the waiver of ${w.rule} on ${showRef(w.object)} (owner ${w.owner}) matches no finding; expected it removed` });
    }
  });
  findings.sort(compareFindings);
  const live = findings.filter((f) => !f.waivedBy);
  return {
    findings,
    errors: live.filter((f) => f.severity === 'error').length,
    warnings: live.filter((f) => f.severity === 'warning').length,
    waived: findings.length - live.length,
  };
}

/** Errors first, then by file, line and rule: stable output whatever the input order. */
function compareFindings(a: Finding, b: Finding): number {
  if (a.severity !== b.severity) return a.severity === 'error' ? -1 : 1;
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if ((a.line ?? 0) !== (b.line ?? 0)) return (a.line ?? 0) - (b.line ?? 0);
  if (a.rule !== b.rule) return a.rule < b.rule ? -1 : 1;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** Plain objects (e.g. from renderEnvironment) as sourced objects without text positions. */
export function sourced(objects: readonly K8sObject[], file: (o: K8sObject) => string = (o) => `${kindOf(o)}/${namespaceOf(o) ?? ''}/${nameOf(o)}`): SourcedObject[] {
  return objects.map((o) => ({ object: o, file: file(o) }));
}
