/**
 * A file the policy command cannot parse is a finding like any other, so it reaches every output
 * format (text, JSON, SARIF, Markdown) and fails the check, instead of a line on stderr that CI
 * uploads lose.
 */
import type { ParseProblem } from './documents.ts';
import type { CheckResult, Finding } from './types.ts';

/** The pseudo-rule of unparsable YAML. */
const YAML_PARSE_ERROR = 'yaml-parse-error';

export const PARSE_RULE = {
  id: YAML_PARSE_ERROR,
  description: 'A YAML file cannot be parsed.',
  rationale: 'Nothing in a file that cannot be parsed is checked, and Argo CD cannot apply it either.',
  level: 'error',
} as const;

/** `result` with one error finding per parse problem, first. */
export function withParseProblems(result: CheckResult, problems: readonly ParseProblem[]): CheckResult {
  if (problems.length === 0) return result;
  const findings: Finding[] = problems.map((p) => ({
    rule: YAML_PARSE_ERROR,
    severity: 'error',
    object: { kind: 'File', name: p.file },
    file: p.file,
    line: p.line,
    path: '(document)',
    message: `${p.message}; expected valid YAML`,
  }));
  return { ...result, findings: [...findings, ...result.findings], errors: result.errors + findings.length };
}
