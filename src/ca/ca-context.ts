/** What every CA operation works on: the node's store, its federation and id, and the clock. */
import type { Clock } from '../core/clock.js';
import type { Store } from '../store/store.js';

export interface CaContext {
  readonly store: Store;
  /** The node's federation (`node.federation`): the only one its CA issues for. */
  readonly federation: string;
  /** The node's own id (`node.id`): its gateway certificate needs no row in the partner registry. */
  readonly nodeId: string;
  readonly clock: Clock;
}
