import express, { type Router } from 'express';
import type { Store } from '../../../graph/store';
import type { Logger } from '../../shared/logger';
import type { ReplicationStatus } from '../shared-state/replication';

/** What the server is waiting for before it can serve, or null once it serves. */
export type Startup = () => string | null;

/**
 * Probes for an orchestrator. Live: the process answers (restart it when not). Ready: it can
 * serve now (send it traffic): data and model loaded, the store reachable and accepting writes.
 * Each answers within the store's own bound (NEO4J_TIMEOUT_MS for Neo4j; the embedded store at once).
 * With shared state, readiness also says whether Redis is reachable (`sharedState`: connected or
 * degraded) and how many changes wait for it.
 */
export function healthRouter(
  startup: Startup,
  store: () => Store | undefined,
  logger: Logger,
  sharedState: () => ReplicationStatus | undefined = () => undefined,
): Router {
  const router = express.Router();
  router.get('/health/live', (_req, res) => void res.json({ live: true }));
  router.get('/health/ready', async (_req, res, next) => {
    try {
      const waitingFor = startup();
      const current = store();
      const storeState = waitingFor || !current ? null : await current.readiness();
      // The store's own reason names files, hosts or driver errors: the log has it, the probe says which part.
      if (storeState && !storeState.ready) logger.warn({ reason: storeState.reason }, 'not ready: the store cannot serve');
      const reason = waitingFor ?? (storeState && !storeState.ready ? 'the store cannot serve (the server log says why)' : null);
      // A replica without Redis still serves (its local view): it stays ready and says so.
      const shared = sharedState();
      const state = shared && { sharedState: shared.connected ? 'connected' : 'degraded', queuedChanges: shared.queued };
      res.status(reason ? 503 : 200).json({ ...(reason ? { ready: false, reason } : { ready: true }), ...state });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
