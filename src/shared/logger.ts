import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs on stderr, so stdout carries only what a command is asked to print. */
export function createLogger(level: string): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
}
