/**
 * One end of an ordered message channel to another process: a cluster worker's IPC with its
 * primary, or a worker_threads MessagePort in tests. Several protocols may share one; each
 * ignores the kinds of message that are not its own.
 */
export interface Port {
  post(message: unknown): void;
  /** Hears every message; returns how to stop. */
  listen(handler: (message: unknown) => void): () => void;
}
