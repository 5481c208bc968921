/**
 * A small client of the Kubernetes API for the cluster tests: server-side apply, get, list, create
 * and delete, with the API server's own answer (a `Status` with reason, message and causes) kept
 * whole when it refuses something, so a test can name the object and quote the server.
 *
 * It reads the kubeconfig the control plane writes (server, CA, client certificate or token) and
 * finds each kind's resource by discovery, as kubectl does. Requests go through `node:https`
 * because Node's `fetch` cannot present a client certificate without an extra dependency.
 */
import { readFileSync } from 'node:fs';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { request as httpRequest } from 'node:http';
import { dirname, isAbsolute, join } from 'node:path';
import yaml from 'js-yaml';
import type { K8sObject } from '../../policies/types.ts';

export type Json = Record<string, unknown>;

/** What the API server answered to a request it refused: its `Status` object, summarised. */
export interface ApiError {
  /** HTTP status code (422 Invalid, 403 Forbidden, 404 NotFound, 409 Conflict, ...). */
  readonly code: number;
  /** `Invalid`, `Forbidden`, `NotFound`, `AlreadyExists`, `BadRequest`, ... */
  readonly reason: string;
  readonly message: string;
  /** Field-level causes (`field`, `message`) of an Invalid answer. */
  readonly causes: readonly { readonly field?: string; readonly message?: string; readonly reason?: string }[];
}

export class ApiRequestError extends Error {
  readonly status: ApiError;
  constructor(what: string, status: ApiError) {
    super(`${what}: ${status.code} ${status.reason}: ${status.message}`);
    this.status = status;
  }
}

/** Where a kind is served: the URL path of its collection and whether it is namespaced. */
interface ResourceInfo {
  readonly plural: string;
  readonly namespaced: boolean;
}

interface Connection {
  readonly server: URL;
  readonly tls: Pick<RequestOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized'>;
  readonly token?: string;
}

function fileOrData(base: string, entry: Json, field: string): Buffer | undefined {
  const data = entry[`${field}-data`];
  if (typeof data === 'string') return Buffer.from(data, 'base64');
  const file = entry[field];
  if (typeof file === 'string') return readFileSync(isAbsolute(file) ? file : join(base, file));
  return undefined;
}

/** The current context of a kubeconfig file as connection settings. */
export function readKubeconfig(path: string): Connection {
  const config = yaml.load(readFileSync(path, 'utf8')) as Json;
  const named = (list: unknown, name: unknown, what: string): Json => {
    const hit = (Array.isArray(list) ? (list as Json[]) : []).find((e) => e['name'] === name);
    if (!hit) throw new Error(`${path}: no ${what} named ${JSON.stringify(name)}`);
    return hit[what] as Json;
  };
  const context = named(config['contexts'], config['current-context'], 'context');
  const cluster = named(config['clusters'], context['cluster'], 'cluster');
  const user = named(config['users'], context['user'], 'user');
  const base = dirname(path);
  const ca = fileOrData(base, cluster, 'certificate-authority');
  const cert = fileOrData(base, user, 'client-certificate');
  const key = fileOrData(base, user, 'client-key');
  const token = typeof user['token'] === 'string' ? user['token'] : undefined;
  const insecure = cluster['insecure-skip-tls-verify'] === true;
  const tls = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}), ...(insecure ? { rejectUnauthorized: false } : {}) };
  return { server: new URL(String(cluster['server'])), tls, ...(token ? { token } : {}) };
}

function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

function asStatus(code: number, body: unknown): ApiError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Json;
  const details = (b['details'] ?? {}) as Json;
  return {
    code,
    reason: typeof b['reason'] === 'string' ? b['reason'] : String(code),
    message: typeof b['message'] === 'string' ? b['message'] : typeof body === 'string' ? body : JSON.stringify(body),
    causes: Array.isArray(details['causes']) ? (details['causes'] as ApiError['causes']) : [],
  };
}

export class KubeApi {
  private readonly connection: Connection;
  private readonly discovery = new Map<string, Map<string, ResourceInfo>>();

  constructor(kubeconfig: string) {
    this.connection = readKubeconfig(kubeconfig);
  }

  /** One HTTP request; resolves with the status code and the parsed body (never throws on 4xx/5xx). */
  request(method: string, path: string, body?: string, contentType = 'application/json'): Promise<{ code: number; body: unknown }> {
    const { server, tls, token } = this.connection;
    const url = new URL(path, server);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) {
      headers['content-type'] = contentType;
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    if (token) headers['authorization'] = `Bearer ${token}`;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, { method, headers, ...tls }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // Not JSON (a proxy's error page): keep the text.
          }
          resolve({ code: res.statusCode ?? 0, body: parsed });
        });
      });
      req.on('error', reject);
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no answer in 60 s`)));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  private async resources(apiVersion: string, refresh: boolean): Promise<Map<string, ResourceInfo>> {
    let known = this.discovery.get(apiVersion);
    if (known && !refresh) return known;
    const r = await this.request('GET', groupVersionPath(apiVersion));
    known = new Map();
    if (r.code === 200) {
      for (const res of ((r.body as Json)['resources'] ?? []) as Json[]) {
        const name = String(res['name']);
        if (name.includes('/')) continue;
        known.set(String(res['kind']), { plural: name, namespaced: res['namespaced'] === true });
      }
    }
    this.discovery.set(apiVersion, known);
    return known;
  }

  /** Where `kind` of `apiVersion` is served, or undefined when the API server does not serve it. */
  async resourceOf(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    return (await this.resources(apiVersion, false)).get(kind) ?? (await this.resources(apiVersion, true)).get(kind);
  }

  /** URL path of one object (or of the collection when `name` is undefined). */
  async pathOf(apiVersion: string, kind: string, namespace: string | undefined, name?: string): Promise<string> {
    const info = await this.resourceOf(apiVersion, kind);
    if (!info) throw new ApiRequestError(`${kind} (${apiVersion})`, { code: 404, reason: 'NotServed', message: `the API server serves no kind ${kind} in ${apiVersion} (CRD not installed)`, causes: [] });
    const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${groupVersionPath(apiVersion)}${ns}/${info.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
  }

  /**
   * Server-side apply of one object, as `kubectl apply --server-side --force-conflicts
   * --validate=strict --field-manager=<manager>` sends it: a PATCH of type
   * `application/apply-patch+yaml` with `fieldValidation=Strict`, so an unknown or duplicated
   * field is an error rather than a warning.
   */
  async apply(o: K8sObject, fieldManager: string, options: { dryRun?: boolean } = {}): Promise<{ ok: true; object: Json } | { ok: false; error: ApiError }> {
    const meta = o.metadata ?? {};
    let path: string;
    try {
      path = await this.pathOf(String(o.apiVersion), String(o.kind), meta.namespace as string | undefined, String(meta.name));
    } catch (e) {
      if (e instanceof ApiRequestError) return { ok: false, error: e.status };
      throw e;
    }
    const query = `?fieldManager=${encodeURIComponent(fieldManager)}&fieldValidation=Strict&force=true${options.dryRun ? '&dryRun=All' : ''}`;
    const r = await this.request('PATCH', path + query, JSON.stringify(o), 'application/apply-patch+yaml');
    if (r.code >= 200 && r.code < 300) return { ok: true, object: r.body as Json };
    return { ok: false, error: asStatus(r.code, r.body) };
  }

  /** The live object, or undefined when it does not exist. */
  async get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<Json | undefined> {
    const r = await this.request('GET', await this.pathOf(apiVersion, kind, namespace, name));
    if (r.code === 404) return undefined;
    if (r.code !== 200) throw new ApiRequestError(`GET ${kind} ${namespace ?? ''}/${name}`, asStatus(r.code, r.body));
    return r.body as Json;
  }

  /** Every object of a kind (in `namespace`, or cluster-wide), optionally filtered by a label selector. */
  async list(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): Promise<Json[]> {
    const q = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : '';
    const r = await this.request('GET', (await this.pathOf(apiVersion, kind, namespace)) + q);
    if (r.code !== 200) throw new ApiRequestError(`LIST ${kind} ${namespace ?? ''}`, asStatus(r.code, r.body));
    return ((r.body as Json)['items'] ?? []) as Json[];
  }

  async create(o: K8sObject): Promise<{ ok: true; object: Json } | { ok: false; error: ApiError }> {
    const r = await this.request('POST', await this.pathOf(String(o.apiVersion), String(o.kind), o.metadata?.namespace as string | undefined), JSON.stringify(o));
    if (r.code >= 200 && r.code < 300) return { ok: true, object: r.body as Json };
    return { ok: false, error: asStatus(r.code, r.body) };
  }

  /** Deletes an object with foreground propagation and waits until it is gone. */
  async deleteAndWait(apiVersion: string, kind: string, namespace: string | undefined, name: string, timeoutMs = 60_000): Promise<void> {
    const path = await this.pathOf(apiVersion, kind, namespace, name);
    const r = await this.request('DELETE', path, JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' }));
    if (r.code === 404) return;
    if (r.code >= 300) throw new ApiRequestError(`DELETE ${kind} ${namespace ?? ''}/${name}`, asStatus(r.code, r.body));
    await waitFor(`${kind} ${namespace ?? ''}/${name} to be deleted`, timeoutMs, async () => ((await this.request('GET', path)).code === 404 ? true : undefined));
  }
}

/**
 * Polls `probe` until it returns something other than undefined, or fails after `timeoutMs`
 * with the last thing `probe` reported through `note` (so a timeout says what it was waiting on).
 */
export async function waitFor<T>(what: string, timeoutMs: number, probe: (note: (s: string) => void) => Promise<T | undefined>, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const v = await probe((s) => (last = s));
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
