const http = require('http');
const { test, expect } = require('./fixtures');
const { signIn } = require('./helpers');

// A tiny receiver: records each request and answers 200.
function startReceiver() {
  const got = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      got.push({ path: req.url, id: req.headers['webhook-id'], signature: req.headers['webhook-signature'], body });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('received <ok>');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, got, url: `http://127.0.0.1:${server.address().port}/hook` }));
  });
}

test('an admin subscribes, sees the secret once, sends a test event and sees it in the log', async ({ page, consoleErrors }) => {
  // The bad address is refused: the server answers 422 with the field's message.
  consoleErrors.expect(/status of 422 \(Unprocessable Entity\)/);
  const receiver = await startReceiver();
  try {
    await signIn(page, 'admin@rapport.example');
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
    await page.locator('body[data-hydrated]').waitFor();

    // A bad address names the field and keeps what was typed.
    await page.getByLabel('Address (URL)').fill('ftp://example.com/hook');
    await page.getByLabel('Description').fill('Our CRM');
    await page.getByRole('checkbox', { name: /case\.created/ }).check();
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect(page.locator('#new-url-error')).toContainText('https://');
    await expect(page.getByLabel('Address (URL)')).toHaveValue('ftp://example.com/hook');
    await expect(page.getByLabel('Description')).toHaveValue('Our CRM');

    await page.getByLabel('Address (URL)').fill(receiver.url);
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect(page.getByText('The subscription is made.')).toBeVisible();
    const secret = page.locator('.hooks-secret-value');
    await expect(secret).toContainText('whsec_');

    // Shown once: not after a reload.
    await page.reload();
    await expect(page.getByRole('heading', { name: receiver.url })).toBeVisible();
    await expect(page.locator('.hooks-secret-value')).toHaveCount(0);
    await page.locator('body[data-hydrated]').waitFor();

    await page.getByRole('button', { name: 'Send a test event' }).click();
    await expect(page.getByText('A test event is queued')).toBeVisible();
    await expect.poll(() => receiver.got.length, { timeout: 15000 }).toBeGreaterThan(0);
    expect(receiver.got[0].signature).toMatch(/^v1,/);
    expect(JSON.parse(receiver.got[0].body).type).toBe('webhook.test');

    // The log shows the try, the answer escaped.
    await expect.poll(async () => {
      await page.reload();
      return page.locator('.hooks-delivery').first().innerText();
    }, { timeout: 15000 }).toContain('Delivered');
    const delivery = page.locator('.hooks-delivery').first();
    await expect(delivery).toContainText('webhook.test');
    await expect(delivery.locator('td').nth(1)).toHaveText('200');
    await expect(delivery.locator('.hooks-excerpt')).toHaveText('received <ok>');
    await expect(page.getByRole('row', { name: new RegExp(receiver.url.replace(/[.]/g, '\\.')) })).toContainText('200');

    await page.setViewportSize({ width: 375, height: 800 });
    await page.screenshot({ path: test.info().outputPath('webhooks-375.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: test.info().outputPath('webhooks-1280.png'), fullPage: true });
  } finally {
    receiver.server.close();
  }
});
