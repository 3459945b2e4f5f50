const { test, expect } = require('./fixtures');
const { signIn } = require('./helpers');

const shots = process.env.SHOTS_DIR;

async function screenshots(page, name) {
  if (!shots) return;
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${shots}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('an admin changes a weight and sees the score change; a bad weight is named', async ({ page, consoleErrors }) => {
  consoleErrors.expect(/status of 422 \(Unprocessable Entity\)/);
  await signIn(page, 'admin@rapport.example');
  await page.goto('/reports/health');
  await expect(page.getByRole('heading', { name: 'Account health' })).toBeVisible();
  await page.locator('body[data-hydrated]').waitFor();
  await screenshots(page, 'health-list');

  // The organization most at risk, and the signal that lowers its score most.
  const first = page.locator('.health-table tbody tr').first();
  const name = (await first.locator('th a').textContent()).trim();
  const score = Number(await first.locator('.score').innerText());
  const driver = first.locator('.drivers li').first();
  const signal = await driver.getAttribute('data-signal');
  const points = Number(await driver.getAttribute('data-points'));
  expect(points).not.toBe(0);

  // A bad weight is refused, named, and keeps what was typed.
  const other = signal === 'reopens' ? 'workshops' : 'reopens';
  await page.locator(`input[name="${other}"]`).fill('500');
  await page.getByRole('button', { name: 'Save the weights' }).click();
  await expect(page.locator(`#field-${other}-error`)).toBeVisible();
  await expect(page.locator(`input[name="${other}"]`)).toHaveValue('500');

  // Leaving that signal out moves the score by its points.
  await page.locator(`input[name="${other}"]`).fill('100');
  await page.locator(`input[name="${signal}"]`).fill('0');
  await page.getByRole('button', { name: 'Save the weights' }).click();
  await expect(page.locator('p.alert-success[role=status]')).toContainText('The weights are saved');
  const row = page.locator('.health-table tbody tr').filter({ has: page.getByRole('link', { name, exact: true }) });
  await expect(row.locator('.score')).toHaveText(String(Math.min(100, score - points)));
});

test('an admin records that a customer left, and it shows on its page and the churn page', async ({ page }) => {
  await signIn(page, 'admin@rapport.example');
  await page.goto('/reports/health');
  await page.locator('body[data-hydrated]').waitFor();
  const link = page.locator('.health-table tbody tr th a').first();
  const name = (await link.textContent()).trim();
  await link.click();
  await expect(page.getByRole('heading', { name: `${name}: health` })).toBeVisible();
  await page.locator('body[data-hydrated]').waitFor();
  await screenshots(page, 'health-organization');

  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel('Day', { exact: true }).fill(today);
  await page.getByLabel('Reason').fill('Moved to a cheaper supplier');
  await page.getByRole('button', { name: 'Record that the customer left' }).click();
  await expect(page.locator('p.alert-success[role=status]')).toContainText('Recorded: the customer left.');
  await expect(page.locator('.churn-events')).toContainText(`Left on ${today}: Moved to a cheaper supplier`);
  await expect(page.getByRole('button', { name: 'Record that the customer came back' })).toBeVisible();

  await page.goto('/reports/churn');
  await expect(page.getByRole('heading', { name: 'Churn', exact: true })).toBeVisible();
  await expect(page.getByTestId('model-needs')).toContainText('29 more needed');
  const month = today.slice(0, 7);
  await expect(page.getByRole('row').filter({ hasText: month }).first()).toBeVisible();
  await screenshots(page, 'churn');
});
