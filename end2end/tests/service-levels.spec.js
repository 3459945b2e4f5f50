const { test, expect } = require('./fixtures');
const { signIn } = require('./helpers');

test('an admin adds a holiday and sets a time zone; a bad zone names the field and keeps the value', async ({ page, consoleErrors }) => {
  // The bad zone is refused: the server answers 422 with the field's message.
  consoleErrors.expect(/status of 422 \(Unprocessable Entity\)/);
  await signIn(page, 'admin@rapport.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Service levels' }).click();
  await expect(page.getByRole('heading', { name: 'Service levels' })).toBeVisible();
  await page.locator('body[data-hydrated]').waitFor();

  await page.getByLabel('Date').fill('2030-12-25');
  await page.getByLabel('Name').fill('Christmas Day');
  await page.getByRole('button', { name: 'Add holiday' }).click();
  await expect(page.getByRole('button', { name: 'Remove Christmas Day (2030-12-25)' })).toBeVisible();

  await page.getByLabel('Time zone').fill('Mars/Olympus_Mons');
  await page.getByRole('button', { name: 'Save opening hours' }).click();
  await expect(page.locator('#field-time_zone-error')).toBeVisible();
  await expect(page.getByLabel('Time zone')).toHaveValue('Mars/Olympus_Mons');
});

test('agents see the time left or the breach on a case and in the queue', async ({ page }) => {
  await signIn(page, 'agent@rapport.example');
  await page.goto('/queue?queue=breaching');
  const first = page.locator('table tbody tr').first();
  await expect(first.locator('.sla-breached')).toContainText('overdue by');
  await first.locator('a').nth(1).click();
  // The target still running is overdue (one already missed says "missed by").
  await expect(page.locator('.facts dd.sla-breached').filter({ hasText: 'overdue by' }).first()).toBeVisible();
});
