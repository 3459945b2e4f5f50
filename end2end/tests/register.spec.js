const { test, expect } = require('./fixtures');
const { navLinks, registerAndConfirm } = require('./helpers');
const { waitForMail } = require('./mail');

test('a visitor registers, confirms the address by mail, and can sign out and back in', async ({ page, consoleErrors }) => {
  // Signed out, the dashboard answers 401 "Please sign in"; the weak
  // passwords are refused to the running page with a 422.
  consoleErrors.expect(/status of 401 \(Unauthorized\)/);
  consoleErrors.expect(/status of 422 \(Unprocessable Entity\)/);
  const email = `new-${Date.now()}@example.com`;
  await page.goto('/');
  await page.locator('body[data-hydrated]').waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Register' }).click();
  await expect(page.getByRole('heading', { name: 'Create an account' })).toBeVisible();
  await page.locator('body[data-hydrated]').waitFor();

  await page.getByLabel('Organization').fill('Initech Playwright');
  await page.getByLabel('Your name').fill('Peter Gibbons');
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  // A too-short password is named, and what was typed is kept.
  await expect(page.getByText('Choose a password of at least 10 characters.')).toBeVisible();
  await expect(page.getByLabel('E-mail address')).toHaveValue(email);
  // So is one that is easy to guess.
  await page.getByLabel('Password').fill('password12');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('This password is too easy to guess.')).toBeVisible();

  await registerAndConfirm(page, {
    organization: `Initech Playwright ${Date.now()}`,
    name: 'Peter Gibbons',
    email,
    password: 'tangerine kettle orbit',
  });
  await expect(page.getByRole('heading', { name: 'Your support portal' })).toBeVisible();
  expect(await navLinks(page)).toEqual(['Dashboard', 'Cases', 'Orders', 'Workshops', 'Organization', 'Service report', 'Knowledge base', 'Account']);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' })).toBeVisible();
  await page.goto('/dashboard');
  await expect(page.getByRole('heading', { name: 'Please sign in' })).toBeVisible();
});

test('registering with a known address answers as for any other and tells its owner', async ({ page }) => {
  await page.goto('/register');
  await page.locator('body[data-hydrated]').waitFor();
  await page.getByLabel('Organization').fill(`Duplicate Inc ${Date.now()}`);
  await page.getByLabel('Your name').fill('Someone Else');
  await page.getByLabel('E-mail address').fill('CARLA@acme.example');
  await page.getByLabel('Password').fill('another fine passphrase');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Check your e-mail' })).toBeVisible();
  const mail = await waitForMail('carla@acme.example', /Someone tried to register with your address/);
  expect(mail.text).toContain('/forgot-password');
});
