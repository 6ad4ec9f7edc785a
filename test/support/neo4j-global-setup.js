// Jest global setup: gives the Neo4j suites a real Neo4j. NEO4J_URI wins when set; otherwise the
// launcher under graph/neo4j-launcher is started when Java and Maven exist; otherwise the suites
// skip, unless REQUIRE_NEO4J=1 (CI), where a missing Neo4j fails the run.
const control = require('../../graph/neo4j-launcher/control');

module.exports = async () => {
  const required = process.env.REQUIRE_NEO4J === '1';
  if (process.env.NEO4J_URI) {
    process.stderr.write(`\nNeo4j suites run against NEO4J_URI=${process.env.NEO4J_URI}\n`);
    return;
  }
  if (!control.javaToolsAvailable()) {
    const why = 'no NEO4J_URI is set and java/mvn are not on PATH to start the test launcher';
    if (required) throw new Error(`REQUIRE_NEO4J=1 but ${why}`);
    process.stderr.write(`\nNeo4j suites SKIPPED: ${why}\n`);
    return;
  }
  const port = Number.parseInt(process.env.NEO4J_TEST_PORT || '7687', 10);
  try {
    const { uri, reused } = await control.start({ port, log: (m) => process.stderr.write(`${m}\n`) });
    process.env.NEO4J_URI = uri;
    process.env.NEO4J_LAUNCHED_BY_TESTS = reused ? '' : String(port);
    process.stderr.write(`\nNeo4j suites run against the test launcher at ${uri}${reused ? ' (already running)' : ''}\n`);
  } catch (err) {
    if (required) throw err;
    process.stderr.write(`\nNeo4j suites SKIPPED: the test launcher failed to start: ${err.message}\n`);
  }
};
