const { test, expect } = require('./fixtures');
const { signIn } = require('./helpers');

const SHOTS = process.env.SCREENSHOT_DIR || 'test-results/screenshots';

/** A call to the REST API with `token`, as another system would make it. */
async function callApi(request, token, path) {
  return request.get(`/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } });
}

test('a customer admin makes a token, sees it once, uses it on the API and revokes it', async ({ page, request }) => {
  await signIn(page, 'olivia@northwind.example');
  await page.waitForSelector('body[data-hydrated]');
  await page.goto('/account');
  await page.getByRole('link', { name: 'Manage API tokens' }).click();
  await expect(page).toHaveURL(/\/account\/api-tokens$/);
  await page.waitForSelector('body[data-hydrated]');

  // A customer admin may only give what they may do in the portal.
  await expect(page.getByLabel(/Read cases, messages and attachments/)).toBeVisible();
  await expect(page.getByLabel(/Send products, orders/)).toHaveCount(0);

  const name = `CRM sync ${Date.now()}`;
  await page.getByLabel('Name').fill(name);
  await page.getByLabel(/Read cases, messages and attachments/).check();
  await page.getByRole('button', { name: 'Make the token' }).click();
  const secretField = page.getByLabel('Token', { exact: true });
  await expect(secretField).toBeVisible();
  const secret = await secretField.inputValue();
  expect(secret).toMatch(/^rpt_[0-9a-f]{64}$/);
  await expect(page.getByText('this is the only time Rapport shows it')).toBeVisible();
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${SHOTS}/api-tokens-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });

  // The token works, as Olivia, limited to her organization.
  const me = await callApi(request, secret, '/me');
  expect(me.status()).toBe(200);
  const who = await me.json();
  expect(who.email).toBe('olivia@northwind.example');
  expect(who.scopes).toEqual(['cases:read']);

  // Shown once: after a reload only its first characters remain.
  await page.reload();
  await expect(page.getByLabel('Token', { exact: true })).toHaveCount(0);
  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row.getByText(secret.slice(0, 12) + '…')).toBeVisible();
  await expect(row.getByText('Active')).toBeVisible();

  await row.getByRole('button', { name: `Revoke the token ${name}` }).click();
  await expect(page.getByText('The token is revoked: it no longer works.')).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(name) }).getByText('Revoked')).toBeVisible();
  const refused = await callApi(request, secret, '/me');
  expect(refused.status()).toBe(401);
  expect(refused.headers()['content-type']).toBe('application/problem+json');
});

test('a customer who is not their organization\'s admin has no tokens page', async ({ page }) => {
  await signIn(page, 'nick@northwind.example');
  await page.goto('/account');
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Manage API tokens' })).toHaveCount(0);
});

test('the API reference lists the endpoints with their scopes', async ({ page }) => {
  await page.goto('/developers/api');
  await expect(page.getByRole('heading', { name: 'Rapport API reference' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'GET /api/v1/changes' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'openapi.json' })).toBeVisible();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a token without a scope names the scopes and keeps the name typed', async ({ page }) => {
    await signIn(page, 'agent@rapport.example');
    await page.goto('/account/api-tokens');
    await page.getByLabel('Name').fill('Chat tool');
    await page.getByRole('button', { name: 'Make the token' }).click();
    await expect(page.locator('#field-scopes-error')).toHaveText('Tick at least one thing the token may do.');
    await expect(page.getByLabel('Name')).toHaveValue('Chat tool');

    await page.getByLabel(/Open cases, reply, write notes/).check();
    await page.getByRole('button', { name: 'Make the token' }).click();
    const secret = await page.getByLabel('Token', { exact: true }).inputValue();
    expect(secret).toMatch(/^rpt_/);
  });
});
