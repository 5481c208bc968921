/**
 * Reads the kubeconfig of `pulumi` delivery the way kubectl finds it, for the entry point only (the
 * one place that touches the file system): the stack's `kubeconfig` (contents, or a path), else
 * the first file of `KUBECONFIG`, else `~/.kube/config`. The program then checks which cluster it
 * points at (cluster-target.ts) and gives the provider this same text.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { KubeconfigSource } from './cluster-target.ts';

export function readKubeconfig(configured: string, variables: Readonly<Record<string, string | undefined>>, stack: string): KubeconfigSource {
  // Contents span lines; a path does not.
  if (configured.includes('\n')) return { text: configured, source: 'stack config kubeconfig' };
  // KUBECONFIG may list several files, which kubectl merges; taking the first keeps what is
  // checked and what is applied the same file. Name one file (or set kubeconfig) to be explicit.
  const path = configured || (variables['KUBECONFIG'] ?? '').split(delimiter).find((p) => p !== '') || join(homedir(), '.kube', 'config');
  const source = configured ? `stack config kubeconfig ${path}` : variables['KUBECONFIG'] ? `KUBECONFIG ${path}` : path;
  if (!existsSync(path)) throw new Error(`stack ${stack}: no kubeconfig at ${source}; set one with pulumi config set --stack ${stack} kubeconfig <path>`);
  return { text: readFileSync(path, 'utf8'), source };
}
