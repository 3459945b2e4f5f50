const crypto = require('node:crypto');
const { test, expect } = require('./fixtures');
const { signIn, registerAndConfirm } = require('./helpers');

const PASSWORD = 'tangerine kettle orbit';
const SHOTS = process.env.SCREENSHOT_DIR || 'test-results/screenshots';

/** The bytes of a base32 secret (RFC 4648, as the account page shows it). */
function base32Bytes(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** An authenticator app: the RFC 6238 code (SHA-1, 6 digits, 30 s) at `ms`. */
function totp(secret, ms = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(ms / 1000 / 30)));
  const mac = crypto.createHmac('sha1', base32Bytes(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const number = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(number).padStart(6, '0');
}

test('the app code of RFC 6238', () => {
  // RFC 6238's SHA-1 key "12345678901234567890" at 59 s: 94287082.
  expect(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59_000)).toBe('287082');
});

/** Both widths of the page, for looking at. */
async function screenshots(page, name) {
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('a person sets up two-factor sign-in, signs out and signs in with a code', async ({ page, consoleErrors }) => {
  consoleErrors.expect(/status of 422/);
  const email = `tess-${Date.now()}@example.com`;
  await registerAndConfirm(page, {
    organization: `Two Factor Testers ${Date.now()}`,
    name: 'Tess Token',
    email,
    password: PASSWORD,
  });

  // Set up: the password, then the QR code and the key to type in.
  await page.goto('/account');
  await page.locator('body[data-hydrated]').waitFor();
  const section = page.locator('#two-factor');
  await section.getByLabel('Your password').fill(PASSWORD);
  await section.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  await expect(section.getByRole('img', { name: /QR code/ })).toBeVisible();
  const secret = (await section.locator('.secret-key').textContent()).trim();
  expect(secret.replace(/ /g, '')).toMatch(/^[A-Z2-7]{32}$/);
  await screenshots(page, 'account-two-factor-setup');

  // A wrong code is named; the app's code switches it on and shows the recovery codes.
  const setupCode = totp(secret);
  const wrong = setupCode === '000000' ? '111111' : '000000';
  await section.getByLabel('Code from the app').fill(wrong);
  await section.getByRole('button', { name: 'Switch on' }).click();
  await expect(section.locator('#setup-code-error')).toContainText('That code is not right');
  await section.getByLabel('Code from the app').fill(setupCode);
  await section.getByRole('button', { name: 'Switch on' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Two-factor sign-in is on' })).toBeVisible();
  const codes = section.locator('.recovery-code-list li');
  await expect(codes).toHaveCount(10);
  await expect(codes.first()).toHaveText(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
  await expect(section.getByText('Unused recovery codes: 10 of 10.')).toBeVisible();
  // This session is listed, without a button to end it here.
  const sessions = page.locator('#sessions');
  await expect(sessions.getByText('This session')).toBeVisible();
  await screenshots(page, 'account-two-factor-on');

  // Signing in now asks for the code.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' })).toBeVisible();
  await page.goto('/sign-in');
  await page.locator('body[data-hydrated]').waitFor();
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/sign-in\/two-factor$/);
  await expect(page.getByRole('heading', { name: 'Enter your code' })).toBeVisible();
  await page.locator('body[data-hydrated]').waitFor();
  await screenshots(page, 'two-factor-code');

  // The code of the setup was used; the app's next one signs in.
  await page.getByLabel('Code', { exact: true }).fill(setupCode);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#field-code-error')).toContainText('used already');
  await page.getByLabel('Code', { exact: true }).fill(totp(secret, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto('/account');
  await expect(page.locator('#two-factor').getByText('Unused recovery codes: 10 of 10.')).toBeVisible();
  await expect(page.locator('#sessions').getByText('This session')).toBeVisible();
});

test('the users page offers to require two-factor sign-in of staff', async ({ page }) => {
  // Only looked at here (switching it on would stop the other specs' staff
  // at the two-factor step); the HTTP tests switch it on and off.
  await signIn(page, 'admin@rapport.example');
  await page.goto('/admin/users');
  const rule = page.getByLabel('Require two-factor sign-in for staff (agents, trainers, admins)');
  await expect(rule).not.toBeChecked();
  await expect(page.getByRole('button', { name: 'Save sign-in setting' })).toBeVisible();
  await screenshots(page, 'admin-users-sign-in-rule');
});
