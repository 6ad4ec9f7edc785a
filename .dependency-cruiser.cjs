/**
 * The layer rule (docs/ARCHITECTURE.md): imports point down, never up, and never round in a
 * cycle. `npm run lint` runs it; a violation fails CI with the rule's name and comment.
 *
 * Layers, bottom first:
 *   shared      src/shared     small utilities (Rng, time, fs sync, logger, change feed)
 *   domain      src/domain     records, dataset, domain errors and changes
 *   store       graph/         the store contract, its two implementations, openStore
 *   pipeline    src/pipeline   the request, candidates, rows and the stage interfaces
 *   stages      src/{retrieval,ranking,rows,artwork,similarity}
 *   models      src/models     model bundles on disk and their serving generation
 *   services    src/{homepage,events,profiles,catalog,auth,experiments}
 *   monitoring  src/monitoring  metrics and quality monitoring, hooked into the services
 *   config      src/config     the typed configuration
 *   offline     src/{training,eval,world,import,setup,simulation}
 *   server      src/server, resolvers/, schema/ (HTTP, GraphQL, wiring, the token CLI)
 */
const STAGES = '(retrieval|ranking|rows|artwork|similarity)';
const UPPER_THAN_STAGES =
  '^src/(models|homepage|events|profiles|catalog|auth|experiments|monitoring|config|training|eval|world|import|setup|simulation|server)/|^(resolvers|schema)/';
const SERVER = '^src/server/|^(resolvers|schema)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle ties its files into one unit that cannot change or be tested alone; move the shared piece down a layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-imports-nothing-of-the-project',
      severity: 'error',
      comment: 'src/shared holds utilities every layer may use; it imports nothing else of the project.',
      from: { path: '^src/shared/' },
      to: { path: '^(src|graph|resolvers|schema|test|bench)/', pathNot: '^src/shared/' },
    },
    {
      name: 'domain-imports-nothing-of-the-project',
      severity: 'error',
      comment: 'src/domain is the bottom layer: records, errors and changes that know no storage, stage or server.',
      from: { path: '^src/domain/' },
      to: { path: '^(src|graph|resolvers|schema|test|bench)/', pathNot: '^src/domain/' },
    },
    {
      name: 'store-imports-only-domain-and-shared',
      severity: 'error',
      comment: 'graph/ (the store contract and its implementations) sits on the domain: it knows no world generator, training or server.',
      from: { path: '^graph/' },
      to: { path: '^(src|resolvers|schema|test|bench)/', pathNot: '^src/(domain|shared)/' },
    },
    {
      name: 'pipeline-imports-only-the-store-and-below',
      severity: 'error',
      comment: 'src/pipeline holds the types and interfaces every stage shares; it implements no stage and knows no service.',
      from: { path: '^src/pipeline/' },
      to: { path: '^(src|resolvers|schema|test|bench)/', pathNot: '^src/(pipeline|domain|shared)/' },
    },
    {
      name: 'stages-do-not-import-upwards',
      severity: 'error',
      comment:
        'A stage sees the pipeline, the store contract, the domain and shared utilities; services, models, training and the server are above it.',
      from: { path: `^src/${STAGES}/` },
      to: { path: UPPER_THAN_STAGES },
    },
    {
      name: 'stages-use-each-other-through-index',
      severity: 'error',
      comment: "A stage uses another stage only through that stage's index.ts (its public surface), never its internals.",
      from: { path: `^src/${STAGES}/` },
      to: { path: `^src/${STAGES}/`, pathNot: ['^src/$1/', `^src/${STAGES}/index\\.ts$`] },
    },
    {
      name: 'models-do-not-import-upwards',
      severity: 'error',
      comment: 'src/models (bundles and their serving generation) is used by services and training; it uses only stages and below.',
      from: { path: '^src/models/' },
      to: {
        path: '^src/(homepage|events|profiles|catalog|auth|experiments|monitoring|config|training|eval|world|import|setup|simulation|server)/|^(resolvers|schema)/',
      },
    },
    {
      name: 'services-do-not-import-config-offline-or-server',
      severity: 'error',
      comment: 'Services take their settings as options; config, training, evaluation, world generation and the server sit above them.',
      from: { path: '^src/(homepage|events|profiles|catalog|auth|experiments)/' },
      to: { path: '^src/(monitoring|config|training|eval|world|import|setup|simulation|server)/|^(resolvers|schema)/' },
    },
    {
      name: 'monitoring-does-not-import-config-offline-or-server',
      severity: 'error',
      comment: 'src/monitoring listens to the services through their hooks; config, training, evaluation and the server sit above it.',
      from: { path: '^src/monitoring/' },
      to: { path: '^src/(config|training|eval|world|import|setup|simulation|server)/|^(resolvers|schema)/' },
    },
    {
      name: 'config-takes-defaults-from-below',
      severity: 'error',
      comment:
        'Config owns its defaults or takes them from the layers below; training, evaluation, world generation, import and the server read it.',
      from: { path: '^src/config/' },
      to: { path: '^src/(training|eval|world|import|setup|simulation|server)/|^(resolvers|schema)/' },
    },
    {
      name: 'nothing-below-imports-the-server',
      severity: 'error',
      comment: 'src/server, resolvers/ and schema/ are the top layer: nothing below them imports them.',
      from: { path: '^(src|graph)/', pathNot: SERVER },
      to: { path: SERVER },
    },
    {
      name: 'product-code-does-not-import-tests-or-benchmarks',
      severity: 'error',
      comment: 'Test helpers and benchmarks live in test/ and bench/; the product never imports them.',
      from: { path: '^(src|graph|resolvers|schema)/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'product-code-does-not-import-dev-dependencies',
      severity: 'error',
      comment: 'What the product imports must be a dependency, installed in production.',
      from: { path: '^(src|graph|resolvers|schema)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/|^graph/neo4j-launcher/target/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
