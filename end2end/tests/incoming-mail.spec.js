const { test, expect } = require('./fixtures');
const { signIn } = require('./helpers');
const { execFileSync } = require('child_process');

/**
 * Give one message to `rapport mail-in`, as a mail server's pipe does
 * (`cargo xtask test` passes RAPPORT_BIN and DATABASE_URL). Returns what it said.
 */
function mailIn(raw) {
  return execFileSync(process.env.RAPPORT_BIN, ['mail-in'], {
    input: raw.replace(/\n/g, '\r\n'),
    env: { ...process.env, RAPPORT_LOG: 'warn' },
  }).toString();
}

function message({ from, subject, body }) {
  const id = `<${Date.now()}.${Math.random().toString(36).slice(2)}@e2e.example>`;
  return `From: ${from}\nTo: support@rapport.localhost\nSubject: ${subject}\nMessage-ID: ${id}\nDate: Sat, 5 Dec 2026 10:00:00 +0000\n\n${body}\n`;
}

test('an admin sees mail that failed or was refused, downloads it and tries it again', async ({ page }) => {
  const stamp = Date.now();
  expect(mailIn(`not an e-mail at all ${stamp}\n`)).toMatch(/failed/);
  const stranger = `stranger-${stamp}@elsewhere.example`;
  expect(mailIn(message({ from: stranger, subject: 'Hello?', body: 'Who reads this?' }))).toMatch(/refused/);

  await signIn(page, 'admin@rapport.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Incoming mail' }).click();
  await expect(page.getByRole('heading', { name: 'Incoming mail', level: 1 })).toBeVisible();
  const failed = page.getByRole('row').filter({ hasText: 'Could not be processed' }).first();
  await expect(failed.getByText(/could not be read|has no mail headers/)).toBeVisible();
  const refused = page.getByRole('row').filter({ hasText: stranger });
  await expect(refused.getByText('Refused', { exact: true })).toBeVisible();
  await expect(refused.getByText(`the address ${stranger} is not known to us`)).toBeVisible();

  // The message as it came.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    refused.getByRole('link', { name: /Download message/ }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^message-\d+\.eml$/);

  // Try again: still not mail, and the page says so.
  await page.locator('body[data-hydrated]').waitFor();
  await failed.getByRole('button', { name: /Try message #\d+ again/ }).click();
  await expect(page.getByRole('status')).toContainText('was tried again: it still could not be processed');

  // What happens to mail from strangers.
  await page.getByLabel(/Keep it: make the sender a contact/).check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toContainText('Saved');
  await page.reload();
  await expect(page.getByLabel(/Keep it: make the sender a contact/)).toBeChecked();
  expect(mailIn(message({ from: `kept-${stamp}@elsewhere.example`, subject: 'Kept', body: 'Keep me' }))).toMatch(/processed: new case/);
  await page.getByLabel(/Refuse it/).check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toContainText('Saved');
});

test('an admin gives an organization an e-mail domain, and mail from there joins it', async ({ page, consoleErrors }) => {
  consoleErrors.expect(/status of 422/);
  const domain = `northwind-${Date.now()}.example`;
  await signIn(page, 'admin@rapport.example');
  await page.goto('/admin/organizations');
  await page.locator('body[data-hydrated]').waitFor();
  const section = page.getByRole('region', { name: 'E-mail domains' });
  const northwind = section.getByRole('row').filter({ hasText: 'Northwind Traders' });
  await northwind.getByLabel('New e-mail domain of Northwind Traders').fill(`@${domain.toUpperCase()}`);
  await northwind.getByRole('button', { name: 'Add' }).click();
  await expect(section.getByRole('status')).toContainText(`Added ${domain}`);
  await expect(northwind.getByRole('listitem').filter({ hasText: domain })).toBeVisible();

  // A domain belongs to one organization.
  const acme = section.getByRole('row').filter({ hasText: 'Acme Robotics' });
  await acme.getByLabel('New e-mail domain of Acme Robotics').fill(domain);
  await acme.getByRole('button', { name: 'Add' }).click();
  await expect(section.getByRole('alert')).toContainText(`${domain} is Northwind Traders's domain already`);

  // A stranger there becomes a contact of Northwind with a case.
  expect(mailIn(message({ from: `Nadia New <nadia@${domain}>`, subject: 'First mail', body: 'Hello from a new colleague.' })))
    .toMatch(/processed: new case C-\d+/);

  await northwind.getByRole('button', { name: `Remove ${domain} from Northwind Traders` }).click();
  await expect(section.getByRole('status')).toContainText(`Removed ${domain}`);
  await expect(northwind.getByRole('listitem').filter({ hasText: domain })).toHaveCount(0);
});
