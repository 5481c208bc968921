/** The committed JSON Schema of the environment format, generated from the zod schema. */
import { join } from 'node:path';
import { environmentJsonSchema } from './load.ts';

export const JSON_SCHEMA_PATH = join(import.meta.dirname, 'environment.schema.json');

/** The exact content of `environments/environment.schema.json`. */
export function jsonSchemaText(): string {
  const schema = { title: 'agent-platform environment', ...environmentJsonSchema() };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
