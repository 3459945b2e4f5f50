const { test, expect } = require('./fixtures');
const { navLinks } = require('./helpers');

test('a visitor registers, reaches the dashboard, and can sign out and back in', async ({ page, consoleErrors }) => {
  // Signed out, the dashboard answers 401 "Please sign in"; the short
  // password is refused to the running page with a 422.
  consoleErrors.expect(/status of 401 \(Unauthorized\)/);
  consoleErrors.expect(/status of 422 \(Unprocessable Entity\)/);
  const email = `new-${Date.now()}@example.com`;
  await page.goto('/');
  await page.locator('body[data-hydrated]').waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Register' }).click();
  await expect(page.getByRole('heading', { name: 'Create an account' })).toBeVisible();

  await page.getByLabel('Organization').fill('Initech Playwright');
  await page.getByLabel('Your name').fill('Peter Gibbons');
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  // A too-short password is named, and what was typed is kept.
  await expect(page.getByText('Choose a password of at least 10 characters.')).toBeVisible();
  await expect(page.getByLabel('E-mail address')).toHaveValue(email);

  await page.getByLabel('Password').fill('a long enough password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { name: 'Your support portal' })).toBeVisible();
  await expect(page.getByText('Initech Playwright')).toBeVisible();
  expect(await navLinks(page)).toEqual(['Dashboard', 'Cases', 'Orders', 'Workshops', 'Organization', 'Knowledge base', 'Account']);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' })).toBeVisible();
  await page.goto('/dashboard');
  await expect(page.getByRole('heading', { name: 'Please sign in' })).toBeVisible();
});

test('registering twice with the same e-mail names the e-mail field', async ({ page, consoleErrors }) => {
  // Refused to the running page with a 422 (the form without JavaScript is
  // in sign-in.spec.js).
  consoleErrors.expect(/status of 422 \(Unprocessable Entity\)/);
  await page.goto('/register');
  await page.locator('body[data-hydrated]').waitFor();
  await page.getByLabel('Organization').fill('Duplicate Inc');
  await page.getByLabel('Your name').fill('Someone Else');
  await page.getByLabel('E-mail address').fill('OLIVIA@northwind.example');
  await page.getByLabel('Password').fill('another long password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('An account with this e-mail address already exists')).toBeVisible();
  await expect(page.getByLabel('Your name')).toHaveValue('Someone Else');
});
