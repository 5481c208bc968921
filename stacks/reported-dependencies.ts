/**
 * The ordering facts a chart's constructs reported (constructs/relations.ts), as dependencies between
 * its rendered objects: every workload of the client waits for the workloads (or the operator's
 * custom resource) and Services of the server. Which objects a party stands for comes from the
 * construct tree, and which of them run pods or serve from the object model (kube/); no rendered
 * field is read.
 */
import type { ApiObject, Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { Relations } from '../constructs/relations.ts';
import type { Manifest } from '../kube/object.ts';
import { podTemplatePath } from '../kube/pod-template.ts';
import { OPERATOR_POD_KINDS } from '../kube/produced.ts';
import type { Dependency } from './dependency.ts';

/** Kinds that run a party's pods: where its clients connect, and what waits as a client. */
const runsPods = (kind: string) => podTemplatePath(kind) !== undefined || OPERATOR_POD_KINDS.includes(kind);

/** The party each object belongs to: the nearest enclosing construct relations may name. */
function ownersOf(objects: Iterable<ApiObject>, parties: ReadonlySet<IConstruct>): Map<IConstruct, ApiObject[]> {
  const owned = new Map<IConstruct, ApiObject[]>();
  for (const o of objects) {
    const owner = o.node.scopes.slice().reverse().find((s) => parties.has(s));
    if (owner) owned.set(owner, [...(owned.get(owner) ?? []), o]);
  }
  return owned;
}

/** Every relation reported in `chart`, between the objects `rendered` maps its ApiObjects to. */
export function reportedDependencies(chart: Chart, rendered: ReadonlyMap<ApiObject, Manifest>): Dependency[] {
  const relations = Relations.of(chart);
  const owned = ownersOf(rendered.keys(), relations.parties);
  const objectsOf = (party: IConstruct, keep: (kind: string) => boolean) => (owned.get(party) ?? []).filter((o) => keep(o.kind)).map((o) => rendered.get(o)!);
  const deps: Dependency[] = [];
  for (const r of relations.all) {
    const servers = objectsOf(r.server, (k) => runsPods(k) || k === 'Service');
    for (const from of objectsOf(r.client, runsPods)) for (const to of servers) deps.push({ from, to, reason: r.reason });
  }
  return deps;
}
