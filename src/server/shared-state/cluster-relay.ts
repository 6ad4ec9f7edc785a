import type { DomainChanges } from '../../domain/changes';
import type { ChangeFeed } from '../../shared/change-feed';
import { errorMessage } from '../../shared/error-message';
import type { Logger } from '../../shared/logger';
import type { Port } from '../../shared/port';
import { REPLICATED } from './replication';

type Kind = keyof DomainChanges;
type ChangeMessage = { kind: 'change'; change: Kind; payload: DomainChanges[Kind] };

const isChange = (m: unknown): m is ChangeMessage =>
  (m as ChangeMessage)?.kind === 'change' && REPLICATED.includes((m as ChangeMessage).change);

export interface ClusterRelayOptions {
  /** The channel to the cluster's primary, which passes each change on to every other worker. */
  port: Port;
  changes: ChangeFeed<DomainChanges>;
  /** Applies another worker's change to this worker's derived state; its caches then hear it on `changes`. */
  apply: <K extends Kind>(kind: K, payload: DomainChanges[K]) => Promise<void>;
  logger?: Logger;
  /** Hears each change sent or received (metrics). */
  onEvent?: (what: 'sent' | 'received', kind: Kind) => void;
}

/**
 * What Replication does through Redis, between the workers of one machine's cluster on the
 * embedded store: each worker's changes go to the primary, which passes them on to the others.
 * A write's store records reach every worker first (the primary sends them before it answers the
 * write, on the same ordered channel), so a change applied here reads a store that already holds
 * it. The channel lives as long as the primary: a worker that loses it exits, and a new one
 * builds its derived state from the store, so nothing needs catching up.
 */
export class ClusterRelay {
  private readonly fromElsewhere = new WeakSet<object>();
  private readonly stop: (() => void)[] = [];
  /** Changes are applied one at a time, in the order they came. */
  private applying: Promise<void> = Promise.resolve();

  constructor(private readonly o: ClusterRelayOptions) {
    for (const change of REPLICATED)
      this.stop.push(
        o.changes.on(change, (payload) => {
          if (this.fromElsewhere.has(payload)) return;
          o.port.post({ kind: 'change', change, payload } satisfies ChangeMessage);
          o.onEvent?.('sent', change);
        }),
      );
    this.stop.push(
      o.port.listen((message) => {
        if (isChange(message)) this.applying = this.applying.then(() => this.receive(message));
      }),
    );
  }

  private async receive({ change, payload }: ChangeMessage): Promise<void> {
    try {
      await this.o.apply(change, payload);
      this.fromElsewhere.add(payload);
      await this.o.changes.publish(change, payload);
      this.o.onEvent?.('received', change);
    } catch (err) {
      this.o.logger?.warn({ err: errorMessage(err) }, `cluster: another worker's ${change} was not applied here`);
    }
  }

  async close(): Promise<void> {
    for (const stop of this.stop) stop();
    await this.applying;
  }
}
