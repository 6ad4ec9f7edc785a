import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../shared/error-message';
import { trainAls } from '../retrieval/als';
import type { AlsReply, AlsRequest } from './als-queue';

/** The worker behind AlsQueue: trains one ALS per message, in the order they arrive. */
parentPort!.on('message', ({ id, matrix, options }: AlsRequest) => {
  const post = (reply: AlsReply, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(reply, transfer);
  try {
    const started = performance.now();
    const factors = trainAls(matrix, options, (done, total) => post({ id, done, total }));
    const seconds = (performance.now() - started) / 1000;
    post({ id, factors, seconds }, [factors.rowFactors.buffer as ArrayBuffer, factors.colFactors.buffer as ArrayBuffer]);
  } catch (err) {
    post({ id, error: errorMessage(err) });
  }
});
