/**
 * prod.yaml as the tests edit it: its text, a copy with one change made to its parsed data, and
 * the problem lines the real loader reports for a text (parsed as `environments/prod.yaml`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { expect } from 'vitest';
import { ENVIRONMENTS_DIR, EnvironmentError, parseEnvironment } from '../../environments/load.ts';

/** The name every problem line starts with. */
export const PROD_FILE = 'environments/prod.yaml';
/** The committed prod.yaml. */
export const prodText = readFileSync(join(ENVIRONMENTS_DIR, 'prod.yaml'), 'utf8');

/** prod.yaml with `edit` applied to its parsed data. */
export function prodWith(edit: (data: any) => void): string {
  const data = yaml.load(prodText) as any;
  edit(data);
  return yaml.dump(data);
}

/** The problem lines of `text` as prod.yaml, or [] when it is accepted. */
export function problems(text: string): string[] {
  try {
    parseEnvironment(text, PROD_FILE);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(EnvironmentError);
    return (e as Error).message.split('\n');
  }
}

/** The problem lines of prod.yaml with `edit` applied, or [] when it is accepted. */
export const problemsWith = (edit: (data: any) => void): string[] => problems(prodWith(edit));
