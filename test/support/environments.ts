/**
 * The environments a test samples when it cannot afford every one (a Pulumi run, a policy-pack host
 * per stack): one production environment and one that is not, read from environments/ rather than
 * named, so the samples follow the environment files.
 */
import { loadEnvironments } from '../../environments/load.ts';

const envs = loadEnvironments();

function first(production: boolean): string {
  const found = envs.find((e) => e.production === production);
  if (!found) throw new Error(`environments/: no ${production ? '' : 'non-'}production environment for the tests to sample`);
  return found.name;
}

/** The first production environment, by file name. */
export const PRODUCTION = first(true);
/** The first environment that is not production, by file name. */
export const NON_PRODUCTION = first(false);
