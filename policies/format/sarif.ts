/**
 * SARIF 2.1.0 for GitHub code scanning: every rule in tool.driver.rules (id, descriptions, help,
 * default level), every unwaived finding a result with ruleId, level, message and a physical
 * location (file relative to the scanned directory's own root, the repository holding it, under
 * `uriBaseId` %SRCROOT%, as code scanning resolves it; never `../`, and a line). Waived findings
 * are included as suppressed results, so the scan history keeps them visible.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PARSE_RULE } from '../parse-findings.ts';
import { showRef } from '../object-ref.ts';
import type { CheckEnvironment, CheckResult, Rule } from '../types.ts';
import { severityIn, WAIVER_EXPIRED, WAIVER_EXPIRING, WAIVER_UNUSED, WAIVER_WARNING_DAYS } from '../engine.ts';

export const PSEUDO_RULES = [
  { id: WAIVER_EXPIRED, description: 'A waiver has passed its expiry date.', rationale: 'Waivers are temporary by design: fix the finding or renew the waiver with a reason.', level: 'error' },
  { id: WAIVER_EXPIRING, description: `A waiver expires within ${WAIVER_WARNING_DAYS} days.`, rationale: 'When a waiver expires its finding fails the check again; renew or fix it before then, not on the day CI turns red.', level: 'warning' },
  { id: WAIVER_UNUSED, description: 'A waiver matches no finding.', rationale: 'A waiver nobody needs any more hides the next real finding on that object; delete it.', level: 'warning' },
  PARSE_RULE,
];

/** The SARIF base every location is relative to. */
const SRCROOT = '%SRCROOT%';

export interface SarifRun {
  readonly result: CheckResult;
  readonly env: CheckEnvironment;
  /**
   * What was checked (`prod`, `argocd`), unique within one file: code scanning rejects an upload
   * with two runs of one tool under the same automationDetails.id, and the upload action's
   * `category` only fills in runs that carry none.
   */
  readonly id: string;
  /** Directory the locations are relative to. @default - the working directory */
  readonly root?: string;
}

/** One SARIF run per environment or directory checked. */
export function formatSarif(checks: readonly SarifRun[], rules: readonly Rule[], informationUri: string): string {
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: checks.map((c) => sarifRun(c, rules, informationUri)),
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** `file` relative to `root`, with forward slashes; a file outside `root` keeps its absolute file URI. */
function locationOf(file: string, root: string): { uri: string; uriBaseId?: string } {
  const rel = relative(root, resolve(file));
  if (rel.startsWith('..') || isAbsolute(rel)) return { uri: pathToFileURL(resolve(file)).href };
  return { uri: rel.split('\\').join('/'), uriBaseId: SRCROOT };
}

function sarifRun({ result, env, id, root = process.cwd() }: SarifRun, rules: readonly Rule[], informationUri: string): unknown {
  const driverRules = [
    ...rules.map((r) => {
      const s = severityIn(r, env);
      return {
        id: r.id,
        name: r.id,
        shortDescription: { text: r.description },
        fullDescription: { text: r.rationale },
        help: { text: `${r.description}\n\nWhy: ${r.rationale}`, markdown: `**${r.description}**\n\n${r.rationale}` },
        defaultConfiguration: { level: s === 'off' ? 'none' : s, enabled: s !== 'off' },
        properties: { category: r.category, tags: [r.category, 'kubernetes'] },
      };
    }),
    ...PSEUDO_RULES.map((p) => ({ id: p.id, name: p.id, shortDescription: { text: p.description }, fullDescription: { text: p.rationale }, help: { text: p.rationale }, defaultConfiguration: { level: p.level } })),
  ];
  const index = new Map(driverRules.map((r, i) => [r.id, i]));
  const results = result.findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: index.get(f.rule) ?? -1,
    level: f.severity,
    message: { text: `${showRef(f.object)}: ${f.path}: ${f.message}` },
    locations: [
      {
        physicalLocation: { artifactLocation: locationOf(f.file, root), region: { startLine: f.line ?? 1 } },
        logicalLocations: [{ name: f.path, fullyQualifiedName: `${showRef(f.object)}/${f.path}`, kind: 'member' }],
      },
    ],
    partialFingerprints: { objectField: `${f.rule}/${f.object.kind}/${f.object.namespace ?? ''}/${f.object.name}/${f.path}` },
    ...(f.waivedBy ? { suppressions: [{ kind: 'external', status: 'accepted', justification: `${f.waivedBy.reason} (owner ${f.waivedBy.owner}, until ${f.waivedBy.expires})` }] } : {}),
  }));
  return {
    tool: { driver: { name: 'agent-platform-policies', informationUri, version: '1.0.0', rules: driverRules } },
    automationDetails: { id: `agent-platform-policies/${id}/` },
    originalUriBaseIds: { [SRCROOT]: { uri: `${pathToFileURL(root).href.replace(/\/?$/, '/')}` } },
    results,
  };
}
