import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * A full collection now. A benchmark that builds its world in process leaves gigabytes of
 * garbage (generation, training); left alone, its collection lands inside whichever measured run
 * comes first (about 0.9 s of incremental marking on the default world's heap, half the main
 * thread), so each run starts from a collected heap instead.
 */
export function collectGarbage(): void {
  // --expose-gc after start-up: the flag takes effect for a context created after it is set.
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}
