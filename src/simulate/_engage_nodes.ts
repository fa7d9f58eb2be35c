/**
 * Several engage nodes behind a load balancer, as they store usertracking
 * rows (opencast-api.md §3.1, issue 18): each node takes ids from the shared
 * EclipseLink `SEQUENCE` table in blocks, stamps `created` with its own
 * clock, and now and then commits a row late. So a quiet node writes rows
 * whose ids lie far below rows a busy node wrote minutes ago, ids have gaps
 * (blocks other persistence units took, block rests a restart abandoned),
 * and `created` is not in id order.
 *
 * It rewrites only the ids and creation times of drafts the generator made,
 * from a random stream of its own, so the rest of the data is the same
 * whatever the number of nodes.
 *
 * @module
 */
import type { ActionDraft } from "./_generate.ts";
import { Random } from "./_random.ts";

/** Options of {@linkcode EngageNodes}. */
export interface EngageNodesOptions {
  /** How many nodes write rows (at least 2; one node keeps the generator's ids). */
  readonly nodes: number;
  /** Ids each node takes from the sequence at a time (EclipseLink's default: 50). */
  readonly block: number;
  /** Seed of the node choice, the clocks and the commit delays. */
  readonly seed: number;
  /** The sequence's next value when the first node asks for a block. */
  readonly firstId: number;
}

/** What one row's node did, beyond the draft. */
interface Node {
  /** Share of the requests the load balancer sends it. */
  readonly weight: number;
  /** Its clock's offset from true time, whole seconds. */
  readonly skewSeconds: number;
  /** The next id of its block, and the block's last id. */
  next: number;
  last: number;
}

/** Chance that another persistence unit took a block right before a node. */
const FOREIGN_BLOCK_CHANCE = 0.2;
/** Chance per row that its node restarts after it (the block rest is lost). */
const RESTART_CHANCE = 0.002;
/** Chance per row of a slow commit: `created` a few seconds older than rows before it. */
const SLOW_COMMIT_CHANCE = 0.01;

/** The nodes of a cluster and the sequence they share. */
export class EngageNodes {
  #rng: Random;
  #nodes: Node[];
  #totalWeight: number;
  #block: number;
  #sequence: number;

  /** Creates the nodes: one busy, the others quieter, each with its clock. */
  constructor(options: EngageNodesOptions) {
    const { nodes, block, seed, firstId } = options;
    this.#rng = new Random(seed ^ 0x2c1b3c6d);
    this.#block = block;
    this.#sequence = firstId;
    this.#nodes = [];
    for (let i = 0; i < nodes; i++) {
      // Node 0 takes most requests (sticky sessions pile up on one node);
      // the quiet ones use up a block over many minutes.
      const weight = i === 0 ? 1 : 0.05 + this.#rng.next() * 0.25;
      const skewSeconds = i === 0 ? 0 : this.#rng.pick([-2, -1, -1, 1, 1, 2]);
      this.#nodes.push({ weight, skewSeconds, next: 0, last: -1 });
    }
    this.#totalWeight = this.#nodes.reduce((sum, n) => sum + n.weight, 0);
  }

  /** The clock offsets of the nodes, seconds (node 0 keeps true time). */
  get skews(): readonly number[] {
    return this.#nodes.map((node) => node.skewSeconds);
  }

  /**
   * The drafts (in the order the requests arrived) as the nodes store them:
   * each taken by one node, its id from that node's block, `created` read
   * from that node's clock, some committed late.
   *
   * @param drafts The generator's drafts, in arrival order.
   * @param bounds Creation times are kept in `[min, max]` epoch seconds
   * (the initial span); unbounded for arrivals.
   */
  store(
    drafts: readonly ActionDraft[],
    bounds?: { readonly min: number; readonly max: number },
  ): ActionDraft[] {
    return drafts.map((draft) => {
      const node = this.#pickNode();
      const id = this.#nextId(node);
      let created = draft.createdEpochSeconds + node.skewSeconds;
      if (this.#rng.chance(SLOW_COMMIT_CHANCE)) created -= this.#rng.int(2, 5);
      if (this.#rng.chance(RESTART_CHANCE)) node.next = node.last + 1;
      if (bounds) created = Math.min(bounds.max, Math.max(bounds.min, created));
      return { ...draft, id, createdEpochSeconds: created };
    });
  }

  #pickNode(): Node {
    let roll = this.#rng.next() * this.#totalWeight;
    for (const node of this.#nodes) {
      roll -= node.weight;
      if (roll < 0) return node;
    }
    return this.#nodes[this.#nodes.length - 1]!;
  }

  #nextId(node: Node): number {
    if (node.next > node.last) {
      if (this.#rng.chance(FOREIGN_BLOCK_CHANCE)) {
        this.#sequence += this.#block * this.#rng.int(1, 2);
      }
      node.next = this.#sequence;
      node.last = this.#sequence + this.#block - 1;
      this.#sequence += this.#block;
    }
    return node.next++;
  }
}
