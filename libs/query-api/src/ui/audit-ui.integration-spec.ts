import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type BrowserContext } from 'playwright-core';
import { deleteRun, groupEvents, insertHistory } from '../history.fixture';
import { READ_KEY, startQueryApi, type QueryApiHarness } from '../query-api.fixture';

// Needs Debian's chromium (`apt-get install -y chromium`); CI installs it.
describe('audit UI in a real browser', () => {
  let api: QueryApiHarness;
  let browser: BrowserContext;
  const group = `gui-${randomUUID()}`;
  const other = `gux-${randomUUID()}`;

  beforeAll(async () => {
    api = await startQueryApi();
    await insertHistory(api.db, [
      ...groupEvents({ run_id: api.runId, group_id: group, task_id: 'ui-task', rewards: [1, 0], toolError: [false, true] }),
      ...groupEvents({ run_id: api.runId, group_id: other, task_id: 'ui-other', domain: 'airline', rewards: [0] }),
    ]);
    // A fresh profile per run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chromium-')), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await deleteRun(api.db, api.runId);
    await api.close();
  });

  it('opens the list with a key, filters, opens a trajectory and shows its turns, tool error, reward and events', async () => {
    const page = await browser.newPage();
    await page.goto(`${api.started.url}/ui`);
    await page.fill('#key', READ_KEY);
    await page.click('#open');
    await page.fill('#filter-run_id', api.runId);
    await page.click('#apply');
    expect(await page.locator('tr.rollout-row').count()).toBe(3);

    await page.fill('#filter-task_id', 'ui-task');
    await page.fill('#filter-has_tool_error', 'true');
    await page.click('#apply');
    const rows = page.locator('tr.rollout-row');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-rollout-id')).toBe(`${group}-r1`);

    await rows.first().locator('a').click();
    await page.waitForSelector('#chat');
    expect(await page.textContent('#rollout-id')).toBe(`${group}-r1`);
    const roles = await page.locator('#chat .msg').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-role')));
    expect(roles).toEqual(['system', 'user', 'assistant', 'tool', 'assistant']);
    expect(await page.locator('#chat .msg[data-role="user"]').textContent()).toContain('where is my order #W1');
    expect(await page.locator('.call[data-tool-call-id="call-1"]').textContent()).toContain('get_order');
    expect(await page.locator('.tool-error').first().textContent()).toContain('order service timed out');
    expect(await page.locator('#rewards .reward-value').first().textContent()).toBe('0');
    expect(await page.locator('#rewards').textContent()).toContain('db-hash@1');
    expect(await page.locator('#rewards').textContent()).toContain('db_match=0');
    expect(await page.locator('#events tr.event-row').count()).toBe(8);
    expect(await page.locator('#events').textContent()).toContain('fixture.rollout.events/0@');
  });

  it('refuses an unknown key and reports a bad filter', async () => {
    const page = await browser.newPage();
    const denied = await page.goto(`${api.started.url}/ui?key=wrong-key-123`);
    expect(denied?.status()).toBe(401);
    expect(await page.textContent('#key-error')).toContain('unknown API key');
    const bad = await page.goto(`${api.started.url}/ui?key=${READ_KEY}&min_reward=lots`);
    expect(bad?.status()).toBe(400);
    expect(await page.textContent('#filter-error')).toContain('min_reward');
  });
});
