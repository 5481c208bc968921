/**
 * Entry point: `npm run bench`. Prints whole-process figures for synth, each from a cold process:
 * wall time from spawn to exit and the peak resident memory of that process.
 *
 *  1. the real environments (dev, staging, prod), validated, written to a temp directory;
 *  2. synthetic runs of 25, 50, 100 and 200 environments (copies of prod under new names), to
 *     show that time grows linearly with the number of objects.
 *
 * Not a test: figures depend on the machine, so no document records them (docs/performance.md).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { expectNoArguments } from '../tools/command-line.ts';

expectNoArguments('bench');

const ROOT = join(import.meta.dirname, '..');
const SYNTH = join(ROOT, 'stacks', 'synth.ts');
// Output goes to memory where the machine has it, so the figures measure synth rather than the
// disk: on this kind of virtual machine the time to create thousands of small files varies tenfold.
const OUT_BASE = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
// Printed by the measured process itself when it exits: its own peak RSS, in kilobytes.
const REPORT_RSS = `data:text/javascript,process.on('exit',()=>process.stderr.write('maxrss='+process.resourceUsage().maxRSS+'\\n'))`;

interface Run {
  readonly label: string;
  readonly envs: number;
  readonly objects: number;
  readonly seconds: number;
  readonly peakMiB: number;
}

function countFiles(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? countFiles(join(dir, e.name)) : 1), 0);
}

function measure(label: string, envDir: string, envs: number): Run {
  const out = mkdtempSync(join(OUT_BASE, 'bench-out-'));
  try {
    const start = process.hrtime.bigint();
    const run = spawnSync(process.execPath, ['--import', REPORT_RSS, SYNTH, '--environments', envDir, '--out', out], { encoding: 'utf8' });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (run.status !== 0) throw new Error(`${label}: synth failed\n${run.stderr}`);
    const rss = /maxrss=(\d+)/.exec(run.stderr);
    return { label, envs, objects: countFiles(out), seconds, peakMiB: rss ? Number(rss[1]) / 1024 : NaN };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** A directory of `n` environments, each a copy of prod under its own name and namespace. */
function syntheticEnvironments(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-envs-'));
  const prod = yaml.load(readFileSync(join(ROOT, 'environments', 'prod.yaml'), 'utf8')) as Record<string, any>;
  for (let i = 0; i < n; i++) {
    const name = `env-${String(i).padStart(3, '0')}`;
    const env = structuredClone(prod);
    env['name'] = name;
    env['namespace'] = `agent-platform-${name}`;
    env['ingress']['host'] = `api.${name}.agents.example.com`;
    env['secrets']['remoteKeyPrefix'] = `agent-platform/${name}`;
    // Cluster-wide objects (each environment's ClusterSecretStore) must not collide.
    env['secrets']['store']['name'] = `agent-platform-${name}`;
    env['data']['backup']['prefix'] = `agent-platform/${name}`;
    writeFileSync(join(dir, `${name}.yaml`), yaml.dump(env));
  }
  return dir;
}

const runs: Run[] = [];
// One warm-up so the first figure is not the file-system cache filling up.
measure('warm-up', join(ROOT, 'environments'), 3);
runs.push(measure('dev + staging + prod', join(ROOT, 'environments'), 3));
for (const n of [25, 50, 100, 200]) {
  const dir = syntheticEnvironments(n);
  try {
    runs.push(measure(`${n} synthetic environments`, dir, n));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`synth benchmark: node ${process.version}, cold process per run, validated, written to ${OUT_BASE}\n`);
console.log('| run | environments | objects | wall (s) | peak RSS (MiB) | ms per object |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of runs) {
  console.log(`| ${r.label} | ${r.envs} | ${r.objects} | ${r.seconds.toFixed(2)} | ${r.peakMiB.toFixed(0)} | ${((r.seconds * 1000) / r.objects).toFixed(3)} |`);
}
