// A customer admin's organization page (invitations by e-mail, removing a
// member) and Rapport admins' organizations page (rename, merge).
const fs = require('fs');
const path = require('path');
const { test, expect } = require('./fixtures');
const { signIn } = require('./helpers');

// Where the server writes its mail as .eml files: `cargo xtask test` passes
// the folder it gives the server (RAPPORT_MAIL_DIR) as MAIL_DIR.
const MAIL_DIR = process.env.MAIL_DIR || path.join(__dirname, '../../target/rapport/test/mail');

/** The text of an .eml file, with quoted-printable soft breaks and `=3D` undone. */
function readMail(file) {
  return fs.readFileSync(file, 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
}

/** The newest mail to `address`, waiting until the server's sender wrote it. */
async function mailTo(address) {
  let found;
  await expect.poll(() => {
    const files = fs.existsSync(MAIL_DIR) ? fs.readdirSync(MAIL_DIR).filter((f) => f.endsWith('.eml')) : [];
    const mails = files
      .map((f) => path.join(MAIL_DIR, f))
      .map((file) => ({ file, time: fs.statSync(file).mtimeMs, text: readMail(file) }))
      .filter((m) => new RegExp(`^To: .*${address.replace(/[.+]/g, '\\$&')}`, 'mi').test(m.text))
      .sort((a, b) => a.time - b.time);
    found = mails.pop();
    return Boolean(found);
  }, { message: `a mail to ${address} in ${MAIL_DIR}`, timeout: 15_000 }).toBe(true);
  return found.text;
}

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

  const mail = await mailTo(email);
  const link = mail.match(/https?:\/\/\S+\/register\?invitation=[0-9a-f]+/)[0];
  const colleagueContext = await browser.newContext();
  const colleague = await colleagueContext.newPage();
  await colleague.goto(link.replace(/^https?:\/\/[^/]+/, process.env.BASE_URL || 'http://127.0.0.1:3000'));
  await colleague.locator('body[data-hydrated]').waitFor();
  await expect(colleague.getByText('You are joining')).toContainText('Globex Logistics');
  // The address is the invitation's, shown and not editable.
  const address = colleague.getByLabel('E-mail address');
  await expect(address).toHaveValue(email);
  await expect(address).not.toBeEditable();
  await colleague.getByLabel('Your name').fill('Gary Globex');
  await colleague.getByLabel('Password').fill('gary long password 7');
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
  await page.getByLabel('Password').fill('a long enough password 7');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText("Ask that organization's admin to invite you")).toBeVisible();
  await expect(page.getByLabel('Your name')).toHaveValue('Gina Copycat');
});

/** Register a new organization in a context of its own; returns its name. */
async function newOrganization(browser, name) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/register');
  await page.locator('body[data-hydrated]').waitFor();
  await page.getByLabel('Organization').fill(name);
  await page.getByLabel('Your name').fill('Owner Person');
  await page.getByLabel('E-mail address').fill(`owner-${Date.now()}-${Math.random().toString(16).slice(2)}@example.com`);
  await page.getByLabel('Password').fill('a long enough password 7');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
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
