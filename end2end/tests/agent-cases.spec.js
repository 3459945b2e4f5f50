// An agent opens a case for a customer who called (found by search, or made
// a contact), and adds and removes followers of the case.
const path = require('path');
const { test, expect } = require('./fixtures');
const { signIn } = require('./helpers');
const { waitForMail } = require('./mail');

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

test('an agent opens a case for a customer who called and adds a follower', async ({ page, browser, consoleErrors }) => {
  consoleErrors.expect(/status of 422/);
  const subject = `Label printer offline ${Date.now()}`;
  const outsider = `walter-${Date.now()}@outside.example`;
  await signIn(page, 'agent@rapport.example');
  await page.goto('/queue');
  await page.getByRole('link', { name: 'New case for a customer' }).click();
  await expect(page).toHaveURL(/\/queue\/new-case$/);
  await page.locator('body[data-hydrated]').waitFor();

  // Find Nick by his organization, and choose him.
  await page.getByLabel('Search by name, e-mail or organization').fill('northwind');
  await page.getByRole('search', { name: 'Find the customer' }).getByRole('button', { name: 'Search' }).click();
  const found = page.getByRole('list', { name: 'Customers found' });
  await expect(found.getByText('nick@northwind.example')).toBeVisible();
  await screenshots(page, 'agent-case-search');
  await found.getByRole('link', { name: 'Open a case for Nick Northwind' }).click();
  await expect(page).toHaveURL(/requester=\d+/);
  await page.locator('body[data-hydrated]').waitFor();
  await expect(page.getByRole('region', { name: 'Requester' })).toContainText('Nick Northwind');

  // A form without a subject comes back with the field named.
  await page.getByLabel('How did they reach you?').selectOption('phone');
  await page.getByLabel('Category').selectOption({ label: 'Technical problem' });
  await page.getByLabel('Description').fill('Called at 9:10: the label printer in the warehouse shows error E42.');
  await page.getByRole('button', { name: 'Open the case' }).click();
  await expect(page.getByText('Write a subject.')).toBeVisible();
  await page.getByLabel('Subject').fill(subject);
  await screenshots(page, 'agent-case-form');
  await page.getByRole('button', { name: 'Open the case' }).click();
  await expect(page).toHaveURL(/\/cases\/C-\d+$/);
  await expect(page.getByRole('heading', { name: subject })).toBeVisible();
  const facts = page.locator('dl.facts').first();
  await expect(facts).toContainText('Came by');
  await expect(facts).toContainText('Phone');
  await expect(facts).toContainText('Nick Northwind');
  // Nick gets the usual mail.
  // Every mail of a case has the subject "[C-1042] <subject>", so clients thread it.
  const mail = await waitForMail('nick@northwind.example', /^\[C-\d+\] /);
  expect(mail.subject).toContain(subject);
  expect(mail.text).toContain('We received your case');

  // Followers: a colleague of Nick's, and an outside address.
  await page.locator('body[data-hydrated]').waitFor();
  const followers = page.getByRole('region', { name: 'Followers' });
  await expect(followers).toContainText('Nobody follows this case.');
  await followers.getByLabel('Add a follower by e-mail').fill('olivia@northwind.example');
  await followers.getByRole('button', { name: 'Add follower' }).click();
  await expect(followers.getByRole('status')).toHaveText('olivia@northwind.example now follows this case.');
  await expect(followers.getByRole('listitem').filter({ hasText: 'Olivia Northwind' })).toBeVisible();
  await followers.getByLabel('Add a follower by e-mail').fill(outsider);
  await followers.getByRole('button', { name: 'Add follower' }).click();
  const walter = followers.getByRole('listitem').filter({ hasText: outsider });
  await expect(walter).toContainText('Unsorted');
  await screenshots(page, 'case-followers');
  if (process.env.SCREENSHOTS_DIR) {
    await page.setViewportSize({ width: 375, height: 900 });
    await followers.screenshot({ path: path.join(process.env.SCREENSHOTS_DIR, 'followers-panel-375.png') });
    await page.setViewportSize({ width: 1280, height: 720 });
  }
  await walter.getByRole('button', { name: /^Remove walter-/ }).click();
  await expect(followers.getByRole('status')).toHaveText('The follower was removed.');
  await expect(followers.getByText(outsider)).toHaveCount(0);
  const caseAddress = page.url();

  // Olivia, Northwind's customer admin, sees who follows and may add colleagues only.
  const context = await browser.newContext();
  const olivia = await context.newPage();
  await signIn(olivia, 'olivia@northwind.example');
  await olivia.goto(caseAddress);
  const seen = olivia.getByRole('region', { name: 'Followers' });
  await expect(seen.getByRole('listitem')).toHaveCount(1);
  await expect(seen).toContainText('Olivia Northwind');
  await expect(seen).toContainText('A colleague at your organization');
  await expect(seen.getByRole('button', { name: /^Remove/ })).toHaveCount(0);
  await context.close();
});

test('an agent makes a contact for a caller nobody knows, without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const email = `pia-${Date.now()}@northwind.example`;
  await signIn(page, 'agent@rapport.example');
  await page.goto('/queue/new-case?q=' + encodeURIComponent(email));
  await expect(page.getByText('Nobody matches. Make them a contact below.')).toBeVisible();

  await page.getByLabel('Name', { exact: true }).fill('Pia Phone');
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Organization', { exact: true }).selectOption({ label: 'Northwind Traders' });
  await page.getByRole('button', { name: 'Make contact and continue' }).click();
  await expect(page.getByRole('status')).toHaveText('Pia Phone is now a contact.');
  await page.getByLabel('How did they reach you?').selectOption('email');
  await page.getByLabel('Subject').fill('Forwarded: invoice address wrong');
  await page.getByLabel('Category').selectOption({ label: 'Invoices and payment' });
  await page.getByLabel('Description').fill('Forwarded by the front desk: the invoice address is the old one.');
  await page.getByRole('button', { name: 'Open the case' }).click();
  await expect(page).toHaveURL(/\/cases\/C-\d+$/);
  const facts = page.locator('dl.facts').first();
  await expect(facts).toContainText('E-mail');
  await expect(facts).toContainText('Pia Phone');
  const mail = await waitForMail(email, /^\[C-\d+\] /);
  expect(mail.text).toContain('We received your case');
  await context.close();
});
