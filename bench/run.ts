import { Command } from 'commander';

/** `npm run bench -- <name> [options]`: runs one benchmark from bench/; each parses its own options. */
const BENCHES: Record<string, string> = {
  homepage: 'world generation, store load and the homepage in process and through GraphQL, p50/p99',
  graph: 'similarity build, loads into Neo4j and embedded, similarTitles p50/p99 on both',
  hnsw: 'HNSW build, query latency and recall against brute force for several ef',
  retrieval: 'ALS training time, HNSW build, candidate generation per homepage p50/p99',
  ranking: 'whole-bundle training time by stage, ranking 300 candidates per homepage p50/p99',
  http: 'the homepage over HTTP: max throughput and open-loop latency at shares of it, against a GraphQL floor of precomputed pages',
  privacy: "erasing a profile's history, and the latency of playback writes meanwhile",
  abuse: "a normal client's homepage latency alone and while attackers send refused query bombs",
  simulate: 'the user simulator in process: set-up, simulated days, requests per second and latency',
  sizes: 'time and memory of generation, load, training, start-up and a homepage for each world size',
  replicas: 'homepage throughput with 1 and with 2 workers behind one port (WORKERS), on Neo4j and Redis of its own',
};

const program = new Command('bench')
  .description('Run one benchmark; `bench <benchmark> --help` lists its options.')
  // `help <benchmark>` would show this launcher's empty subcommand, not the benchmark's options.
  .helpCommand(false);
for (const [name, summary] of Object.entries(BENCHES)) {
  program
    .command(name)
    .description(summary)
    // The benchmark parses its own options, --help included, from what follows its name.
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      process.argv.splice(2, 1);
      // The compiled benchmark beside this file; an import (not require) so the module is named in full.
      return import(`./${name}.js`);
    });
}
void program.parseAsync();
