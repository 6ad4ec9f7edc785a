/** What to log or print of anything thrown: an Error's message (or stack), else its string form. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** For a fatal error at the top of a command: the stack when there is one. */
export function errorStack(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
