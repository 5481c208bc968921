/**
 * Runs np-guard's netpol-analyzer (`k8snetpolicy list`) over one environment's rendered objects
 * and turns its CSV into comparable facts: one `Flow` per source, destination and port. Address
 * ranges are merged back into the blocks the analyzer split them into, so a peer reads as the CIDR
 * set a person would write (`0.0.0.0/0` minus the private ranges) rather than eleven fragments.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { K8sObject } from '../../policies/types.ts';

/** One allowed connection: `from` and `to` are `namespace/name` of a pod owner, or an address set. */
export interface Flow {
  readonly from: string;
  readonly to: string;
  /** `TCP 5432`, `UDP 53`, or `all` for every protocol and port. */
  readonly port: string;
}

export function flowKey(f: Flow): string {
  return `${f.from} -> ${f.to} : ${f.port}`;
}

/** Every YAML document of the files in `dir` (not recursive). */
export function readObjects(dir: string): K8sObject[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => yaml.loadAll(readFileSync(join(dir, f), 'utf8')).filter((d): d is K8sObject => typeof d === 'object' && d !== null));
}

/** Writes each group of objects into its own subdirectory (file names repeat between groups). */
export function writeInput(groups: Record<string, readonly K8sObject[]>): string {
  const root = mkdtempSync(join(tmpdir(), 'netpol-'));
  for (const [name, objects] of Object.entries(groups)) {
    mkdirSync(join(root, name));
    objects.forEach((o, i) => writeFileSync(join(root, name, `${String(i).padStart(3, '0')}.yaml`), yaml.dump(o)));
  }
  return root;
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

const RANGE = /^(\d+\.\d+\.\d+\.\d+)-(\d+\.\d+\.\d+\.\d+)$/;

/** `a.b.c.d/n` as an inclusive [first, last] pair. */
export function cidrRange(cidr: string): [number, number] {
  const [ip, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const first = Math.floor(ipToNumber(ip!) / size) * size;
  return [first, first + size - 1];
}

/** Merged, sorted, non-overlapping ranges written `first-last`, joined by `,`. */
export function rangesText(ranges: readonly (readonly [number, number])[]): string {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged.map(([a, b]) => `${numberToIp(a)}-${numberToIp(b)}`).join(',');
}

/** `cidr` minus `except`, in the form {@link rangesText} writes. */
export function ipBlockText(cidr: string, except: readonly string[] = []): string {
  let ranges: [number, number][] = [cidrRange(cidr)];
  for (const e of except) {
    const [x, y] = cidrRange(e);
    ranges = ranges.flatMap(([a, b]): [number, number][] => {
      if (y < a || x > b) return [[a, b]];
      return [...(a < x ? [[a, x - 1] as [number, number]] : []), ...(y < b ? [[y + 1, b] as [number, number]] : [])];
    });
  }
  return rangesText(ranges);
}

/** `TCP 443,6443` / `TCP 53,UDP 53` / `All Connections` as single ports. */
function ports(conn: string): string[] {
  if (conn.trim() === 'All Connections') return ['all'];
  let protocol = '';
  return conn.split(',').map((part) => {
    const words = part.trim().split(/\s+/);
    if (words.length === 2) protocol = words[0]!;
    return `${protocol} ${words[words.length - 1]}`;
  });
}

/** `namespace/name[Kind]` -> `namespace/name`; address ranges stay. */
function peer(text: string): string {
  return text.replace(/\[[A-Za-z]+\]$/, '');
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** The analyzer's CSV as flows, with each workload's address ranges per port merged into one peer. */
export function parseConnlist(csv: string): Flow[] {
  const flows: Flow[] = [];
  const ranges = new Map<string, { from: string; to: string; port: string; ranges: [number, number][] }>();
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  if (lines[0] !== 'src,dst,conn') throw new Error(`unexpected netpol-analyzer output header: ${lines[0] ?? '(empty)'}`);
  for (const line of lines.slice(1)) {
    const [src, dst, conn] = splitCsvLine(line);
    if (src === undefined || dst === undefined || conn === undefined) throw new Error(`unexpected netpol-analyzer line: ${line}`);
    for (const port of ports(conn)) {
      const s = RANGE.exec(src);
      const d = RANGE.exec(dst);
      if (!s && !d) {
        flows.push({ from: peer(src), to: peer(dst), port });
        continue;
      }
      const m = (s ?? d)!;
      const from = s ? '' : peer(src);
      const to = d ? '' : peer(dst);
      const key = `${from}|${to}|${port}`;
      const entry = ranges.get(key) ?? { from, to, port, ranges: [] };
      entry.ranges.push([ipToNumber(m[1]!), ipToNumber(m[2]!)]);
      ranges.set(key, entry);
    }
  }
  for (const e of ranges.values()) {
    const text = rangesText(e.ranges);
    flows.push({ from: e.from || text, to: e.to || text, port: e.port });
  }
  return flows;
}

/** `k8snetpolicy list` over `dir` (recursively), as flows. */
export function analyze(binary: string, dir: string): Flow[] {
  const csv = execFileSync(binary, ['list', '--dirpath', dir, '-o', 'csv', '--quiet'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseConnlist(csv);
}
