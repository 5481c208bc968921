/** The documents generated from the code, so their facts are written once: in the code. */
import { environmentJsonSchema } from '../../environments/load.ts';
import { ruleReference } from '../../policies/rule-reference.ts';
import { RULES } from '../../policies/rules/index.ts';
import { environmentDefaults, type SchemaNode } from './environment-defaults.ts';

/** Every generated document: path from the repository root → its content. */
export function generatedDocuments(): ReadonlyMap<string, string> {
  return new Map([
    ['docs/policy-rules.md', ruleReference(RULES)],
    ['docs/environment-defaults.md', environmentDefaults(environmentJsonSchema() as SchemaNode)],
  ]);
}
