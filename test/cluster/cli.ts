/**
 * `npm run cluster:up` starts a control plane (test/cluster/control-plane.ts) that outlives the
 * command, installs the add-ons' CRDs, and records it; `npm run cluster:down` stops the recorded
 * one and removes its files. The record is `state.json` in `$AGENT_PLATFORM_CLUSTER_STATE`, else
 * `$XDG_STATE_HOME/agent-platform-cluster`, else `~/.local/state/agent-platform-cluster`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type ControlPlaneState, kubectlFor, reachable, startControlPlane, stopProcesses } from './control-plane.ts';
import { installCrds } from './crds.ts';

function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['AGENT_PLATFORM_CLUSTER_STATE']) return env['AGENT_PLATFORM_CLUSTER_STATE'];
  return join(env['XDG_STATE_HOME'] || join(homedir(), '.local', 'state'), 'agent-platform-cluster');
}

const stateFile = (): string => join(stateDir(), 'state.json');

function recorded(): ControlPlaneState | undefined {
  return existsSync(stateFile()) ? (JSON.parse(readFileSync(stateFile(), 'utf8')) as ControlPlaneState) : undefined;
}

async function up(): Promise<void> {
  const old = recorded();
  if (old && reachable(old.kubeconfig)) {
    console.log(`already running: export KUBECONFIG=${old.kubeconfig}  (npm run cluster:down stops it)`);
    return;
  }
  if (old) await down();
  const plane = await startControlPlane({ detached: true });
  try {
    const crds = installCrds(kubectlFor(plane.kubeconfig));
    const { kubectl: _k, tryKubectl: _t, stop: _s, ...state } = plane;
    mkdirSync(stateDir(), { recursive: true });
    writeFileSync(stateFile(), `${JSON.stringify(state, null, 2)}\n`);
    console.log(`control plane up in ${(plane.startupMs / 1000).toFixed(1)}s (${crds.length} CRDs installed); logs in ${plane.logDir}`);
    console.log(`export KUBECONFIG=${plane.kubeconfig}`);
  } catch (e) {
    await plane.stop({ keep: true });
    throw e;
  }
}

async function down(): Promise<void> {
  const state = recorded();
  if (!state) {
    console.log(`no control plane recorded in ${stateFile()}`);
    return;
  }
  await stopProcesses(state.processes);
  rmSync(state.dir, { recursive: true, force: true });
  rmSync(stateFile(), { force: true });
  console.log(`stopped the control plane of ${state.dir}`);
}

const command = process.argv[2];
try {
  if (command === 'up') await up();
  else if (command === 'down') await down();
  else throw new Error(`usage: cli.ts up|down (got ${command ?? 'nothing'})`);
} catch (e) {
  console.error(`cluster:${command ?? ''}: ${(e as Error).message}`);
  process.exit(1);
}
