// Stops the launcher only if global setup started it (not one a developer left running).
const control = require('../../graph/neo4j-launcher/control');

module.exports = async () => {
  const port = process.env.NEO4J_LAUNCHED_BY_TESTS;
  if (port) await control.stop({ port: Number(port), log: () => {} });
};
