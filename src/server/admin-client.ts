import { resolveAuthSecret } from '../auth/secret';
import { secretKey, signToken } from '../auth/tokens';
import { loadConfig } from '../config/config';
import { errorMessage } from '../shared/error-message';

export type Json = Record<string, unknown>;

/** A running server's GraphQL endpoint and the admin token to call it with. */
export interface AdminTarget {
  url: string;
  token: string;
}

/** How long a token the CLI signs for itself lives. */
const TOKEN_SECONDS = 3600;

/**
 * The server a CLI of the admin API talks to: http://HOST:PORT/graphql of the configuration
 * unless `--url` is given; the token is `--token`, ADMIN_TOKEN, or one the CLI signs for an hour
 * with the server's secret as the admin `name` (as `npm run token` does).
 */
export async function adminTarget(o: { url?: string; token?: string }, env: NodeJS.ProcessEnv, name: string): Promise<AdminTarget> {
  const config = loadConfig(env);
  const token = o.token ?? env.ADMIN_TOKEN ?? (await signedToken(env, name));
  return { url: o.url ?? `http://${config.HOST}:${config.PORT}/graphql`, token };
}

async function signedToken(env: NodeJS.ProcessEnv, name: string): Promise<string> {
  const { secret } = await resolveAuthSecret(loadConfig(env));
  return signToken(secretKey(secret), { kind: 'admin', name }, TOKEN_SECONDS, Date.now());
}

/** One GraphQL call; an error answer becomes an Error carrying its code and field. */
export async function callAdmin(target: AdminTarget, query: string, variables: Json): Promise<Json> {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}` },
    body: JSON.stringify({ query, variables }),
  }).catch((err: unknown) => {
    throw new Error(`cannot reach ${target.url} (${errorMessage(err)}); is the server running (npm start)?`);
  });
  const body = (await response.json()) as { data?: Json; errors?: { message: string; extensions?: Json }[] };
  if (body.errors?.length) {
    const e = body.errors[0];
    const detail = [e.extensions?.code, e.extensions?.field ?? e.extensions?.reason].filter(Boolean).join(' ');
    throw new Error(`${e.message}${detail ? ` [${detail}]` : ''}`);
  }
  return body.data!;
}
