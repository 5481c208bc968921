/**
 * What must run before what, as the constructs that know it report it. A client that connects to a
 * store (`api.connections.allowTo(postgres)`) or signs in as a user an init Job creates says so
 * when it is wired, and the sync waves and Pulumi's `dependsOn` read these facts
 * (stacks/reported-dependencies.ts): nothing is inferred from the rendered configuration text.
 *
 * A relation names constructs, not objects. The objects a construct stands for are those under it
 * that no nested party owns: the exporter inside `elasticsearch` is a party of its own, so a client of
 * Elasticsearch does not wait for the exporter's Deployment.
 */
import type { IConstruct } from 'constructs';

/** `client` needs `server` running (and healthy) first. */
export interface Relation {
  readonly client: IConstruct;
  readonly server: IConstruct;
  /** Why, for messages and tests: `connects to postgres`. */
  readonly reason: string;
}

/** The relations of one construct tree (one chart), in the order they were reported. */
export class Relations {
  /** The registry of the tree `scope` belongs to, created on first use. */
  static of(scope: IConstruct): Relations {
    const root = scope.node.root;
    let found = REGISTRIES.get(root);
    if (!found) {
      found = new Relations();
      REGISTRIES.set(root, found);
    }
    return found;
  }

  private readonly relations: Relation[] = [];
  private readonly partySet = new Set<IConstruct>();

  private constructor() {}

  /**
   * Declares `party` as something relations may name: its objects are those under it, less those of
   * parties nested inside it. Every workload with `Connections` (constructs/connections.ts) is one.
   */
  addParty(party: IConstruct): void {
    this.partySet.add(party);
  }

  /** Records that `client` needs `server` first. Both become parties; a construct never waits for itself. */
  needs(client: IConstruct, server: IConstruct, reason: string): void {
    if (client === server) return;
    this.addParty(client);
    this.addParty(server);
    this.relations.push({ client, server, reason });
  }

  get all(): readonly Relation[] {
    return [...this.relations];
  }

  get parties(): ReadonlySet<IConstruct> {
    return new Set(this.partySet);
  }
}

const REGISTRIES = new WeakMap<IConstruct, Relations>();
