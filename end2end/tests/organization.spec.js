// A customer admin's organization page (invitations by e-mail, removing a
// member) and Rapport admins' organizations page (rename, merge).
const path = require('path');
const { test, expect } = require('./fixtures');
const { signIn, registerAndConfirm } = require('./helpers');
const { waitForMail, linkTo } = require('./mail');

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

test('a customer admin invites by e-mail, the colleague joins, and the admin removes them', async ({ page, browser }) => {
  const email = `gary-${Date.now()}@globex.example`;
  await signIn(page, 'greta@globex.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organization' }).click();
  await page.locator('body[data-hydrated]').waitFor();
  await page.getByLabel("Colleague's e-mail address").fill(email);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Invitation sent' }))
    .toHaveText(`Invitation sent to ${email}. The link in it works for 7 days.`);
  const invitation = page.getByRole('row').filter({ hasText: email });
  await expect(invitation.getByText('Pending')).toBeVisible();
  await expect(invitation.getByRole('cell', { name: 'Greta Globex' })).toBeVisible();

  const mail = await waitForMail(email, /invit/i);
  const colleagueContext = await browser.newContext();
  const colleague = await colleagueContext.newPage();
  await colleague.goto(linkTo(mail.text, '/register?invitation='));
  await colleague.locator('body[data-hydrated]').waitFor();
  await expect(colleague.getByText('You are joining')).toContainText('Globex Logistics');
  // The address is the invitation's, shown and not editable.
  const address = colleague.getByLabel('E-mail address');
  await expect(address).toHaveValue(email);
  await expect(address).not.toBeEditable();
  await colleague.getByLabel('Your name').fill('Gary Globex');
  await colleague.getByLabel('Password').fill('tangerine kettle orbit');
  await colleague.getByRole('button', { name: 'Create account' }).click();
  await expect(colleague).toHaveURL(/\/dashboard$/);
  await expect(colleague.getByText('Globex Logistics')).toBeVisible();

  await page.reload();
  await page.locator('body[data-hydrated]').waitFor();
  await expect(page.getByRole('row').filter({ hasText: email }).getByText('Accepted')).toBeVisible();
  await screenshots(page, 'organization');

  const member = page.getByRole('row').filter({ hasText: 'Gary Globex' });
  await member.getByLabel('Yes, remove Gary Globex').check();
  await member.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Removed' })).toHaveText(
    `Removed Gary Globex (${email}). They are signed out and can no longer sign in; their cases stay with the organization.`);
  await expect(page.getByRole('row').filter({ hasText: 'Gary Globex' }).getByText('Removed', { exact: true })).toBeVisible();

  // Gary's session is over: the site greets him as a visitor.
  await colleague.goto('/');
  await expect(colleague.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' })).toBeVisible();
  await colleagueContext.close();
});

test('a name already registered sends the newcomer to its admin', async ({ page, consoleErrors }) => {
  consoleErrors.expect(/status of 422 \(Unprocessable Entity\)/);
  await page.goto('/register');
  await page.locator('body[data-hydrated]').waitFor();
  await page.getByLabel('Organization').fill(' globex LOGISTICS ');
  await page.getByLabel('Your name').fill('Gina Copycat');
  await page.getByLabel('E-mail address').fill(`gina-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('tangerine kettle orbit');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText("Ask that organization's admin to invite you")).toBeVisible();
  await expect(page.getByLabel('Your name')).toHaveValue('Gina Copycat');
});

/** Register a new organization in a context of its own; returns its name. */
async function newOrganization(browser, name) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await registerAndConfirm(page, {
    organization: name,
    name: 'Owner Person',
    email: `owner-${Date.now()}-${Math.random().toString(16).slice(2)}@example.com`,
    password: 'tangerine kettle orbit',
  });
  await context.close();
  return name;
}

test('an admin renames an organization and merges it into another', async ({ page, browser, consoleErrors }) => {
  // The merge asked for without ticking the box is refused with a 422.
  consoleErrors.expect(/status of 422 \(Unprocessable Entity\)/);
  const stamp = Date.now();
  const first = await newOrganization(browser, `Merge Source ${stamp}`);
  const second = await newOrganization(browser, `Merge Target ${stamp}`);
  await signIn(page, 'admin@rapport.example');
  await page.goto('/admin/organizations');
  await page.locator('body[data-hydrated]').waitFor();

  const renamed = `${first} Renamed`;
  const row = page.getByRole('row').filter({ hasText: first });
  await row.getByLabel(`New name for ${first}`).fill(renamed);
  await row.getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Renamed' })).toHaveText(`Renamed to “${renamed}”.`);
  await screenshots(page, 'admin-organizations');

  await page.getByLabel('Merge this organization').selectOption({ label: renamed });
  await page.getByLabel('into this one').selectOption({ label: second });
  await page.getByRole('button', { name: 'Merge', exact: true }).click();
  await expect(page.getByText('Tick the box to confirm: merging cannot be undone.')).toBeVisible();
  await page.getByLabel('Yes, merge them').check();
  await page.getByRole('button', { name: 'Merge', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Merged' })).toContainText(`Merged into ${second}`);
  await expect(page.getByRole('row').filter({ hasText: renamed })).toHaveCount(0);
  const merged = page.getByRole('row').filter({ hasText: second });
  await expect(merged.getByRole('cell', { name: '2', exact: true }).first()).toBeVisible();
});
