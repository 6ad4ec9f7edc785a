import express, { type Router } from 'express';
import type { Store } from '../../../graph/store';

/** What the server is waiting for before it can serve, or null once it serves. */
export type Startup = () => string | null;

/**
 * Probes for an orchestrator. Live: the process answers (restart it when not). Ready: it can
 * serve now (send it traffic): data and model loaded, the store reachable and accepting writes.
 * Each answers within the store's own bound (NEO4J_TIMEOUT_MS for Neo4j; the embedded store at once).
 */
export function healthRouter(startup: Startup, store: () => Store | undefined): Router {
  const router = express.Router();
  router.get('/health/live', (_req, res) => void res.json({ live: true }));
  router.get('/health/ready', async (_req, res, next) => {
    try {
      const waitingFor = startup();
      const current = store();
      const storeState = waitingFor || !current ? null : await current.readiness();
      const reason = waitingFor ?? (storeState && !storeState.ready ? storeState.reason : null);
      res.status(reason ? 503 : 200).json(reason ? { ready: false, reason } : { ready: true });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
