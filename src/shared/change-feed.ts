type Listener<P> = (payload: P) => void | Promise<void>;

/**
 * A typed publish/subscribe channel for "this changed" notices: whoever changes state publishes,
 * whatever caches or derives from it subscribes. `publish` resolves once every subscriber has
 * finished, so a write that returns has already dropped what it made stale. One channel per
 * process today; a shared one (Redis) can carry the same notices between replicas.
 */
export class ChangeFeed<Events extends object> {
  private readonly listeners = new Map<keyof Events, Listener<never>[]>();

  /** Subscribes; the returned function unsubscribes. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const list = this.listeners.get(event) ?? [];
    this.listeners.set(event, [...list, listener as Listener<never>]);
    return () =>
      this.listeners.set(
        event,
        (this.listeners.get(event) ?? []).filter((l) => l !== listener),
      );
  }

  async publish<K extends keyof Events>(event: K, payload: Events[K]): Promise<void> {
    const list = (this.listeners.get(event) ?? []) as Listener<Events[K]>[];
    await Promise.all(list.map(async (listener) => listener(payload)));
  }
}
