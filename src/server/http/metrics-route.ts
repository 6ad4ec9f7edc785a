import { timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import { ErrorCode } from '../errors';

/**
 * What `/metrics` exposes: this process's registry (ApiMetrics), or a cluster's aggregate
 * (ClusterMetrics), which throws MetricsUnavailableError when it cannot collect every worker's.
 */
export interface MetricsSource {
  exposition(): Promise<{ contentType: string; body: string }>;
}

/** The metrics could not all be collected (a worker or the primary did not answer in time). */
export class MetricsUnavailableError extends Error {}

/**
 * `GET /metrics` in Prometheus' text format. The figures are aggregates (no profile's data), but
 * they describe the business: with `METRICS_TOKEN` set, only a scraper sending it as a bearer
 * token reads them. Before the services are ready there is nothing to report yet (503).
 */
export function metricsRouter(metrics: () => MetricsSource | undefined, token: string | undefined): Router {
  const router = express.Router();
  router.get('/metrics', async (req, res, next) => {
    try {
      if (token && !sameSecret(req.get('authorization') ?? '', `Bearer ${token}`)) {
        return void res
          .status(401)
          .set('WWW-Authenticate', 'Bearer')
          .json({ errors: [{ message: 'Metrics need the METRICS_TOKEN bearer token', extensions: { code: ErrorCode.UNAUTHENTICATED } }] });
      }
      const registry = metrics();
      if (!registry) {
        return void res
          .status(503)
          .json({ errors: [{ message: 'The server is starting; retry shortly', extensions: { code: ErrorCode.NOT_READY } }] });
      }
      const { contentType, body } = await registry.exposition();
      res.type(contentType).send(body);
    } catch (err) {
      // A scrape that fails is one Prometheus records as down, which is better than a part of the cluster read as the whole.
      if (err instanceof MetricsUnavailableError)
        return void res.status(503).json({
          errors: [
            {
              message: `The workers' metrics could not be collected (${err.message}); retry shortly`,
              extensions: { code: ErrorCode.TIMEOUT },
            },
          ],
        });
      next(err);
    }
  });
  return router;
}

/** Compares in time independent of where the strings differ. */
function sameSecret(given: string, expected: string): boolean {
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}
