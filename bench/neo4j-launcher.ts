/** The project's Neo4j launcher (plain JavaScript beside the sources), as the benchmarks use it. */
export const launcher = require('../../graph/neo4j-launcher/control') as {
  javaToolsAvailable(): boolean;
  start(o: { port: number; dataDir?: string; log?: (m: string) => void }): Promise<{ uri: string }>;
  stop(o: { port: number; log?: (m: string) => void }): Promise<void>;
  runningPid(o: { port: number }): number | null;
};
