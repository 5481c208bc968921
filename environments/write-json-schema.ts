/**
 * Entry point: `npm run schema` writes `environments/environment.schema.json`, so editors complete
 * and check environment files (`# yaml-language-server: $schema=./environment.schema.json`).
 */
import { writeFileSync } from 'node:fs';
import { JSON_SCHEMA_PATH, jsonSchemaText } from './json-schema.ts';
import { expectNoArguments } from '../tools/command-line.ts';

expectNoArguments('schema');

writeFileSync(JSON_SCHEMA_PATH, jsonSchemaText());
console.log(`wrote ${JSON_SCHEMA_PATH}`);
