import type { MessagePort } from 'node:worker_threads';
import type { Port } from '../../src/shared/port';

/** A MessagePort as one end of a channel between a cluster's primary and a worker: structured clones, in order, as the cluster's IPC carries them. */
export const portOf = (port: MessagePort): Port => ({
  post: (message) => port.postMessage(message),
  listen: (handler) => {
    port.on('message', handler);
    return () => port.off('message', handler);
  },
});
