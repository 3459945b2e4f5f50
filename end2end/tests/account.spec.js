const { test, expect } = require('./fixtures');
const { signIn, registerAndConfirm } = require('./helpers');

/** A new customer of their own, so no other spec's times move with their zone. */
async function registerSomeone(page) {
  await registerAndConfirm(page, {
    organization: `Zone Testers ${Date.now()}`,
    name: 'Zoe Zone',
    email: `zoe-${Date.now()}@example.com`,
    password: 'tangerine kettle orbit',
  });
}

test('any IANA time zone can be found and saved; an unknown one is named', async ({ page, consoleErrors }) => {
  consoleErrors.expect(/status of 422/);
  await registerSomeone(page);
  await page.goto('/account');
  await page.locator('body[data-hydrated]').waitFor();
  const zone = page.getByLabel('Time zone');
  // Every zone is suggested, not a short list.
  expect(await page.locator('#field-time_zone-zones option').count()).toBeGreaterThan(400);
  await expect(page.locator('#field-time_zone-zones option[value="America/Argentina/Ushuaia"]')).toHaveCount(1);

  await zone.fill('Mars/Olympus');
  await page.getByRole('button', { name: 'Save time zone' }).click();
  await expect(page.locator('#field-time_zone-error')).toContainText('“Mars/Olympus” is not a time zone we know');
  await expect(zone).toHaveValue('Mars/Olympus');

  await zone.fill('Pacific/Chatham');
  await page.getByRole('button', { name: 'Save time zone' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toHaveText('Saved your time zone: Pacific/Chatham.');
  await expect(zone).toHaveValue('Pacific/Chatham');

  await page.getByLabel('Your name').fill('Zoe Zonewell');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toHaveText('Saved your name: Zoe Zonewell.');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('an unknown zone comes back as typed; a good one is saved and said', async ({ page }) => {
    await registerSomeone(page);
    await page.goto('/account');
    const zone = page.getByLabel('Time zone');
    await zone.fill('Europe/Atlantis');
    await page.getByRole('button', { name: 'Save time zone' }).click();
    await expect(page.locator('#field-time_zone-error')).toContainText('“Europe/Atlantis” is not a time zone we know');
    await expect(zone).toHaveValue('Europe/Atlantis');

    await zone.fill('asia/kathmandu');
    await page.getByRole('button', { name: 'Save time zone' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toHaveText('Saved your time zone: Asia/Kathmandu.');
    await expect(zone).toHaveValue('Asia/Kathmandu');
  });
});
