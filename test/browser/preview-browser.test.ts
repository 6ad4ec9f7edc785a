import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from '../../src/shared/paths';
import { startApp, type RunningApp } from '../../src/server/app';
import { createLogger } from '../../src/shared/logger';
import { startHarness, type AppHarness } from '../support/app-harness';

// Debian's chromium; `.ci/run` installs it and sets REQUIRE_CHROMIUM=1, so CI never skips this file.
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
const required = process.env.REQUIRE_CHROMIUM === '1';
const OUT = path.join(projectRoot(), 'test-output');
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

if (!present && !required) process.stderr.write(`\nBrowser tests SKIPPED: ${CHROMIUM} is missing (apt-get install chromium)\n`);
// Functions below run in the page; the project compiles without the DOM library, so declare its globals
// for this file only. (String predicates would not do: the page's CSP forbids eval, which they need.)
declare const document: any;
declare const window: any;

const describeBrowser = present || required ? describe : describe.skip;

describeBrowser(`preview page and GraphQL IDE in headless Chromium${present ? '' : ` (skipped: no ${CHROMIUM})`}`, () => {
  let harness: AppHarness;
  let app: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let profileId: string;
  /** The token of profileId's account; pages get it in the URL's fragment, as the README says. */
  let token: string;
  const foreignRequests: string[] = [];
  const requestUrls: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!present) throw new Error(`REQUIRE_CHROMIUM=1 but ${CHROMIUM} is missing: install Debian's chromium package`);
    mkdirSync(OUT, { recursive: true });
    harness = await startHarness();
    app = await startApp({ services: harness.services, auth: harness.auth, logger: createLogger('silent') });
    profileId = (await harness.services.store.listProfiles(1)).profiles[0].id;
    token = (await harness.headersFor({ ownerOf: profileId })).authorization.replace(/^Bearer /, '');
    // launch() gives Chromium a fresh temporary profile, so no earlier run's cache can make a poster "load".
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const origin = new URL(app.url).origin;
    context.on('request', (r) => {
      requestUrls.push(r.url());
      if (new URL(r.url()).origin !== origin) foreignRequests.push(r.url());
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await harness?.close();
  });

  async function open(pathAndQuery: string, withToken = true): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(new URL(pathAndQuery, app.url).href + (withToken ? `#token=${encodeURIComponent(token)}` : ''));
    await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 30_000 });
    return page;
  }

  it('renders the homepage rows as poster strips whose images load, and saves a screenshot', async () => {
    const page = await open(`/preview?profile=${encodeURIComponent(profileId)}&device=TV&time=2026-11-27T20:00`);
    const state = await page.getAttribute('body', 'data-state');
    if (state !== 'ready') throw new Error(`preview shows an error: ${await page.textContent('#errors')}`);
    await page.waitForFunction(() => [...document.images].every((img: any) => img.complete), undefined, { timeout: 30_000 });
    const rows = await page.$$eval('main section', (sections) =>
      sections.map((s) => ({
        title: s.querySelector('h2')?.textContent ?? '',
        reason: s.querySelector('.why')?.textContent ?? '',
        posters: [...s.querySelectorAll('figure')].map((f) => {
          const img = f.querySelector('img')!;
          return {
            src: img.src,
            width: img.naturalWidth,
            caption: f.querySelector('figcaption')?.textContent ?? '',
            hover: f.getAttribute('title') ?? '',
          };
        }),
      })),
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const row of rows) {
      expect(row.title.trim()).not.toBe('');
      expect(row.posters.length).toBeGreaterThanOrEqual(1);
      for (const p of row.posters) {
        expect(p.src).toMatch(/\/artwork\/[^/]+\.svg$/);
        expect(p.width).toBeGreaterThan(0);
        expect(p.caption.trim()).not.toBe('');
        expect(p.hover.length).toBeGreaterThan(p.caption.length);
      }
    }
    expect(rows.filter((r) => r.posters.length >= 3).length).toBeGreaterThanOrEqual(3);
    expect(await page.textContent('#meta')).toContain('TV · 2026-11-27 20:00');
    expect(await page.inputValue('select[name=device]')).toBe('TV');
    // Hovering a poster shows why it is there (the screenshot keeps that overlay on the first row's first poster).
    await page.hover('main section figure');
    await page.waitForFunction(() => window.getComputedStyle(document.querySelector('main section figure .reason')).opacity === '1');
    expect((await page.textContent('main section figure .reason'))!.trim()).not.toBe('');
    await page.screenshot({ path: path.join(OUT, 'preview.png'), fullPage: true });
    await page.close();
  });

  it('shows invalid parameters as text, never as markup, and asks for no homepage', async () => {
    const injected = '<img src=x onerror="window.pwned=1">';
    const homepageQueries: string[] = [];
    context.on('request', (r) => void (r.postData()?.includes('homepage(') && homepageQueries.push(r.url())));
    const page = await open(`/preview?profile=&device=TOASTER&time=${encodeURIComponent(injected)}`);
    expect(homepageQueries).toEqual([]);
    expect(await page.getAttribute('body', 'data-state')).toBe('error');
    const text = (await page.textContent('#errors')) ?? '';
    expect(text).toContain('profile must not be empty');
    expect(text).toContain('device must be one of TV, PHONE, TABLET, WEB');
    expect(text).toContain(`time must be a local date-time like 2026-11-27T20:00, not "${injected}"`);
    expect(await page.$$eval('#errors img, main *', (n) => n.length)).toBe(0);
    expect(await page.evaluate(() => typeof window.pwned)).toBe('undefined');
    await page.close();
  });

  it('shows the GraphQL error code and message for an unknown profile', async () => {
    const page = await open('/preview?profile=no-such-profile&device=PHONE&time=2026-11-25T12:30');
    expect(await page.getAttribute('body', 'data-state')).toBe('error');
    expect(await page.textContent('#errors')).toMatch(/NOT_FOUND.*no-such-profile/);
    await page.close();
  });

  it("shows UNAUTHENTICATED without a token and FORBIDDEN for another account's profile", async () => {
    const anonymous = await open(`/preview?profile=${encodeURIComponent(profileId)}`, false);
    expect(await anonymous.getAttribute('body', 'data-state')).toBe('error');
    expect(await anonymous.textContent('#errors')).toMatch(/UNAUTHENTICATED/);
    await anonymous.close();
    const owner = (await harness.services.store.getProfiles([profileId]))[0]!.accountId;
    const foreign = harness.world.profiles.find((p) => p.accountId !== owner)!;
    const page = await open(`/preview?profile=${encodeURIComponent(foreign.id)}`);
    expect(await page.getAttribute('body', 'data-state')).toBe('error');
    expect(await page.textContent('#errors')).toMatch(/FORBIDDEN.*another account/);
    await page.close();
  });

  it('takes a pasted token, keeps it in the tab, and never puts it in a URL', async () => {
    const page = await open(`/preview?profile=${encodeURIComponent(profileId)}&device=TV`, false);
    expect(await page.getAttribute('body', 'data-state')).toBe('error');
    await page.fill('#token', token);
    await page.selectOption('select[name=device]', 'PHONE');
    // The time field is empty: left out of the URL, it takes the API's default (now).
    await Promise.all([page.waitForURL(/\?profile=[^&]+&device=PHONE$/), page.click('form button')]);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
    expect(await page.textContent('#meta')).toContain('PHONE');
    // The next page of the same tab still has it, from sessionStorage.
    await page.goto(new URL(`/preview?profile=${encodeURIComponent(profileId)}&device=WEB`, app.url).href);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
    // A token in the fragment is taken out of the address bar.
    const fromFragment = await open('/preview');
    expect(fromFragment.url()).not.toContain('token');
    await fromFragment.close();
    await page.close();
  });

  it("takes the API defaults for parameters left out: the account's first profile, WEB, now", async () => {
    const page = await open('/preview');
    expect(await page.getAttribute('body', 'data-state')).toBe('ready');
    expect(await page.inputValue('input[name=profile]')).toBe(profileId);
    expect(await page.inputValue('select[name=device]')).toBe('WEB');
    expect(await page.$$eval('main section', (s) => s.length)).toBeGreaterThanOrEqual(3);
    await page.close();
  });

  it('runs the example query in the GraphQL IDE and shows its result', async () => {
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${app.url}#token=${encodeURIComponent(token)}`);
    expect(page.url()).not.toContain('token');
    await page.click('.graphiql-execute-button', { timeout: 30_000 });
    await page.waitForFunction(() => /"requestId"/.test(document.querySelector('.graphiql-response')?.textContent ?? ''), undefined, {
      timeout: 30_000,
    });
    const result = (await page.textContent('.graphiql-response')) ?? '';
    expect(result).toContain('"displayTitle"');
    expect(result).not.toContain('"errors"');
    await page.screenshot({ path: path.join(OUT, 'ide.png') });
    await page.close();
  });

  it('reached no other origin, sent no token in a URL, and threw no script errors', () => {
    expect(foreignRequests).toEqual([]);
    expect(requestUrls.filter((u) => u.includes(token.slice(-16)))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
