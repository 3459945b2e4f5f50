// The team reports: an agent reads them, changes the period and clicks
// through from a bar to the cases it counts; a customer admin reads their
// organization's service report.
const path = require('path');
const { test, expect } = require('./fixtures');
const { signIn } = require('./helpers');

/** Screenshots for people to look at, when SCREENSHOTS_DIR says where. */
async function screenshots(page, name) {
  const dir = process.env.SCREENSHOTS_DIR;
  if (!dir) return;
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(dir, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

test('an agent changes the period and clicks a bar through to its cases', async ({ page }) => {
  await signIn(page, 'agent@rapport.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
  await expect(page).toHaveURL(/\/reports$/);
  await expect(page.getByRole('heading', { name: 'Team reports', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Volume', level: 2 })).toBeVisible();
  await page.locator('body[data-hydrated]').waitFor();

  // The last 90 days, compared with the 90 before.
  await page.getByLabel('Period', { exact: true }).selectOption('90');
  await page.getByLabel('Compare with the previous period').check();
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/period=90/);
  await expect(page).toHaveURL(/compare=1/);
  await expect(page.getByText(/Compared with \d{4}-\d{2}-\d{2} to/)).toBeVisible();
  await expect(page.getByRole('link', { name: 'Download CSV' })).toHaveAttribute('href', /\/reports\/cases\.csv\?period=90&compare=1/);
  await screenshots(page, 'reports');

  // A day's "Opened" bar with cases: the list shows exactly that many.
  const chart = page.locator('figure', { hasText: 'Opened and solved per day' });
  const bar = chart.getByRole('link', { name: /^Opened, .+: [1-9]\d* cases?$/ }).first();
  const counted = Number((await bar.getAttribute('aria-label')).match(/: (\d+) cases?$/)[1]);
  expect(counted).toBeGreaterThan(0);
  await bar.click();
  await expect(page).toHaveURL(/\/queue\?queue=all&created_from=\d{4}-\d{2}-\d{2}&created_to=/);
  await expect(page.getByRole('heading', { name: 'Queue' })).toBeVisible();
  await expect(page.locator('table tbody tr')).toHaveCount(counted);
});

test('a customer admin reads the service report of their organization', async ({ page }) => {
  await signIn(page, 'olivia@northwind.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Service report' }).click();
  await expect(page).toHaveURL(/\/organization\/report$/);
  await expect(page.getByRole('heading', { name: 'Service report', level: 1 })).toBeVisible();
  await expect(page.getByText('How support served Northwind Traders in the period.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Open cases by age', level: 2 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Agents' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Download CSV' })).toHaveAttribute('href', /\/organization\/report\.csv/);
  await screenshots(page, 'service-report');
});
