import { Command, CommanderError, Option } from 'commander';
import { loadConfig } from '../config/config';
import type { TokenPrincipal } from '../auth/principal';
import { resolveAuthSecret } from '../auth/secret';
import { secretKey, signToken, SubjectSchema } from '../auth/tokens';
import { errorMessage } from '../shared/error-message';

const DAY = 86_400;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: DAY };
/** Partner keys live in partners' configuration, so they last a year; account and admin tokens a month. */
const DEFAULT_EXPIRY = { account: 30 * DAY, admin: 30 * DAY, partner: 365 * DAY } as const;
const MAX_EXPIRY = 5 * 365 * DAY;

export interface IssuedToken {
  token: string;
  principal: TokenPrincipal;
  expiresAt: Date;
  /** Where the secret came from and how to send the token, for the terminal (stderr). */
  note: string;
}

/**
 * `npm run token -- --account <id> | --partner <name> | --admin <name> [--expires 30d]`: prints a
 * token signed with the server's secret (AUTH_SECRET, else DATA_DIR/auth-secret, created if absent).
 */
export async function issueToken(argv: readonly string[], env: NodeJS.ProcessEnv, now = Date.now()): Promise<IssuedToken> {
  const opts = new Command('token')
    .description('Print a signed token for development: an account token, a partner API key or an admin token.')
    .addOption(
      new Option('--account <id>', "an account token: that account's profiles, homepages and events")
        .argParser(subject)
        .conflicts(['partner', 'admin']),
    )
    .addOption(new Option('--partner <name>', 'a partner API key: catalog queries and similarTitles').argParser(subject).conflicts('admin'))
    .addOption(new Option('--admin <name>', 'an admin token: catalog writes (addTitle)').argParser(subject))
    .option('--expires <duration>', 'lifetime such as 12h or 90d (default 30d; 365d for partner keys)', duration)
    .exitOverride()
    .configureOutput({ outputError: () => {} })
    .parse([...argv], { from: 'user' })
    .opts<{ account?: string; partner?: string; admin?: string; expires?: number }>();
  const principal: TokenPrincipal | null =
    opts.account !== undefined
      ? { kind: 'account', accountId: opts.account }
      : opts.partner !== undefined
        ? { kind: 'partner', partner: opts.partner }
        : opts.admin !== undefined
          ? { kind: 'admin', name: opts.admin }
          : null;
  if (!principal) throw new Error('name whom the token is for: --account <id>, --partner <name> or --admin <name>');
  const expiresIn = opts.expires ?? DEFAULT_EXPIRY[principal.kind];
  const { secret, developmentFile } = await resolveAuthSecret(loadConfig(env));
  const token = await signToken(secretKey(secret), principal, expiresIn, now);
  const expiresAt = new Date((Math.floor(now / 1000) + expiresIn) * 1000);
  const header = principal.kind === 'partner' ? '"Authorization: Bearer <key>" or "X-API-Key: <key>"' : '"Authorization: Bearer <token>"';
  const source = developmentFile
    ? `the development secret in ${developmentFile} (the server uses it while AUTH_SECRET is unset)`
    : 'AUTH_SECRET';
  return {
    token,
    principal,
    expiresAt,
    note: `${principal.kind} token, expires ${expiresAt.toISOString()}, signed with ${source}; send ${header}`,
  };
}

function subject(value: string): string {
  const parsed = SubjectSchema.safeParse(value);
  if (!parsed.success) throw new Error(`the name ${parsed.error.issues[0].message}, got ${JSON.stringify(value)}`);
  return parsed.data;
}

function duration(value: string): number {
  const match = /^(\d+)([smhd])$/.exec(value);
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2]] : NaN;
  if (!(seconds >= 60 && seconds <= MAX_EXPIRY))
    throw new Error(`--expires must be a lifetime from 60s to ${MAX_EXPIRY / DAY}d such as 12h or 90d, got ${JSON.stringify(value)}`);
  return seconds;
}

async function main(): Promise<void> {
  const issued = await issueToken(process.argv.slice(2), process.env);
  process.stderr.write(`${issued.note}\n`);
  process.stdout.write(`${issued.token}\n`);
}

if (require.main === module) {
  main().catch((err) => {
    // --help and --version end in a CommanderError with exit code 0 after printing.
    if (err instanceof CommanderError && err.exitCode === 0) process.exit(0);
    process.stderr.write(`token: ${errorMessage(err)}\n`);
    process.exit(1);
  });
}
