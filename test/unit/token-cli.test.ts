import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Authenticator } from '../../src/auth/authenticator';
import { credentialOf } from '../../src/auth/credentials';
import { resolveAuthSecret } from '../../src/auth/secret';
import { issueToken } from '../../src/server/token-cli';
import { InvalidTokenError, secretKey, verifyToken } from '../../src/auth/tokens';

const DAY_S = 86_400;

describe('npm run token', () => {
  let dataDir: string;
  beforeEach(async () => (dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'token-'))));
  afterEach(() => fs.rm(dataDir, { recursive: true, force: true }));

  it('prints an account token the server accepts, signed with the development secret it creates in DATA_DIR', async () => {
    const now = Date.UTC(2026, 10, 26, 12);
    const issued = await issueToken(['--account', 'a1'], { DATA_DIR: dataDir }, now);
    const file = path.join(dataDir, 'auth-secret');
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(issued.note).toContain(file);
    expect(issued.note).toContain('"Authorization: Bearer <token>"');
    expect(issued.expiresAt.getTime()).toBe(now + 30 * DAY_S * 1000);
    // What the server does at start: the same DATA_DIR gives the same secret.
    const { secret, developmentFile } = await resolveAuthSecret({ DATA_DIR: dataDir });
    expect(developmentFile).toBe(file);
    expect(await verifyToken(secretKey(secret), issued.token, now)).toEqual({ kind: 'account', accountId: 'a1' });
    const access = await new Authenticator({ secret, anonymousCatalog: false }, () => now).access(
      { authorization: `Bearer ${issued.token}` },
      { getProfiles: async () => [] },
    );
    expect(access.accountId()).toBe('a1');
    // The secret is kept: a second token verifies with the first one's secret.
    const again = await issueToken(['--admin', 'catalog'], { DATA_DIR: dataDir }, now);
    expect(await verifyToken(secretKey(secret), again.token, now)).toEqual({ kind: 'admin', name: 'catalog' });
  });

  it('signs with AUTH_SECRET when set, and creates no file', async () => {
    const AUTH_SECRET = 's'.repeat(32);
    const issued = await issueToken(['--partner', 'acme'], { DATA_DIR: dataDir, AUTH_SECRET });
    expect(await verifyToken(secretKey(AUTH_SECRET), issued.token)).toEqual({ kind: 'partner', partner: 'acme' });
    expect(issued.note).toContain('X-API-Key');
    expect(issued.note).not.toContain(AUTH_SECRET);
    await expect(fs.stat(path.join(dataDir, 'auth-secret'))).rejects.toThrow(/ENOENT/);
  });

  it('gives partner keys a year and honours --expires', async () => {
    const now = Date.UTC(2026, 10, 26);
    expect((await issueToken(['--partner', 'acme'], { DATA_DIR: dataDir }, now)).expiresAt.getTime()).toBe(now + 365 * DAY_S * 1000);
    const short = await issueToken(['--account', 'a1', '--expires', '12h'], { DATA_DIR: dataDir }, now);
    expect(short.expiresAt.getTime()).toBe(now + 12 * 3600 * 1000);
    const { secret } = await resolveAuthSecret({ DATA_DIR: dataDir });
    await expect(verifyToken(secretKey(secret), short.token, now + 13 * 3600 * 1000)).rejects.toThrow(
      new InvalidTokenError('the token has expired'),
    );
  });

  it.each([
    [[], /--account <id>, --partner <name> or --admin <name>/],
    [['--account', 'a1', '--partner', 'acme'], /cannot be used with/],
    [['--account', ' a1'], /whitespace/],
    [['--account', ''], /must not be empty/],
    [['--account', 'a1', '--expires', 'forever'], /--expires must be/],
    [['--account', 'a1', '--expires', '10s'], /--expires must be/],
    [['--account', 'a1', '--expires', '3000d'], /--expires must be/],
    [['--tenant', 'x'], /unknown option/],
  ])('refuses %j', async (argv, message) => {
    await expect(issueToken(argv, { DATA_DIR: dataDir })).rejects.toThrow(message);
  });

  it('refuses an AUTH_SECRET shorter than 32 characters without printing it', async () => {
    await expect(issueToken(['--account', 'a1'], { DATA_DIR: dataDir, AUTH_SECRET: 'hunter2' })).rejects.toThrow(
      /AUTH_SECRET=<7 characters, not shown>: must be at least 32 characters/,
    );
    await expect(issueToken(['--account', 'a1'], { DATA_DIR: dataDir, AUTH_SECRET: 'hunter2' })).rejects.not.toThrow(/hunter2/);
  });
});

describe('credentials in headers', () => {
  it.each([
    [{}, { kind: 'none' }],
    [{ authorization: 'Bearer abc.def.ghi' }, { kind: 'token', token: 'abc.def.ghi', header: 'authorization' }],
    [{ authorization: 'bearer abc' }, { kind: 'token', token: 'abc', header: 'authorization' }],
    [{ 'x-api-key': ' key ' }, { kind: 'token', token: 'key', header: 'x-api-key' }],
    [{ authorization: 'Token abc' }, { kind: 'unreadable', reason: 'the Authorization header must be "Bearer <token>"' }],
    [{ authorization: 'Bearer a b' }, { kind: 'unreadable', reason: 'the Authorization header must be "Bearer <token>"' }],
    [{ 'x-api-key': ['a', 'b'] }, { kind: 'unreadable', reason: 'send one Authorization or X-API-Key header, not several' }],
    [
      { authorization: 'Bearer a', 'x-api-key': 'b' },
      { kind: 'unreadable', reason: 'send either an Authorization or an X-API-Key header, not both' },
    ],
  ])('%j → %j', (headers, credential) => expect(credentialOf(headers)).toEqual(credential));
});
