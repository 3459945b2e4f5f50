const { test, expect } = require('./fixtures');
const { signIn, navLinks } = require('./helpers');

const roles = [
  { email: 'olivia@northwind.example', heading: 'Your support portal', nav: ['Dashboard', 'Cases', 'Orders', 'Workshops', 'Organization', 'Service report', 'Knowledge base', 'Account'] },
  { email: 'nick@northwind.example', heading: 'Your support portal', nav: ['Dashboard', 'Cases', 'Orders', 'Workshops', 'Knowledge base', 'Account'] },
  { email: 'agent@rapport.example', heading: 'Agent desk', nav: ['Dashboard', 'Queue', 'Reports', 'Orders', 'Knowledge base', 'Account'] },
  { email: 'trainer@rapport.example', heading: 'Trainer desk', nav: ['Dashboard', 'Write', 'Insights', 'Knowledge base', 'Account'] },
  { email: 'admin@rapport.example', heading: 'Administration', nav: ['Dashboard', 'Queue', 'Reports', 'Orders', 'Users', 'Organizations', 'Incoming mail', 'Service levels', 'Write', 'Insights', 'Knowledge base', 'Account'] },
];

for (const role of roles) {
  test(`${role.email} signs in and sees their navigation`, async ({ page }) => {
    await signIn(page, role.email);
    await expect(page.getByRole('heading', { name: role.heading })).toBeVisible();
    expect(await navLinks(page)).toEqual(role.nav);
    await expect(page.getByText(role.email).first()).toBeVisible();
  });
}

test('a wrong password shows the error and keeps the e-mail typed', async ({ page, consoleErrors }) => {
  // The refusal comes back to the hydrated page as a 422; the form posted
  // without JavaScript is the test below.
  consoleErrors.expect(/status of 422 \(Unprocessable Entity\)/);
  await page.goto('/sign-in');
  await page.locator('body[data-hydrated]').waitFor();
  await page.getByLabel('E-mail address').fill('nick@northwind.example');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('That e-mail and password do not match an account.')).toBeVisible();
  await expect(page.getByLabel('E-mail address')).toHaveValue('nick@northwind.example');
  await expect(page).toHaveURL(/\/sign-in/);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('sign-in works and the dashboard renders', async ({ page }) => {
    await signIn(page, 'carla@acme.example');
    await expect(page.getByRole('heading', { name: 'Your support portal' })).toBeVisible();
    await expect(page.getByText('Acme Robotics').first()).toBeVisible();
  });

  test('a wrong password shows the error', async ({ page }) => {
    await page.goto('/sign-in');
    await page.getByLabel('E-mail address').fill('ahmed@acme.example');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText('That e-mail and password do not match an account.')).toBeVisible();
    await expect(page.getByLabel('E-mail address')).toHaveValue('ahmed@acme.example');
    await expect(page.getByLabel('Password')).toHaveValue('');
  });

  test('registration errors keep what was typed', async ({ page }) => {
    await page.goto('/register');
    await page.getByLabel('Organization').fill('No Script Ltd');
    await page.getByLabel('Your name').fill('Noel Script');
    await page.getByLabel('E-mail address').fill('noel@noscript.example');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByText('Choose a password of at least 10 characters.')).toBeVisible();
    await expect(page.getByLabel('Organization')).toHaveValue('No Script Ltd');
    await expect(page.getByLabel('Your name')).toHaveValue('Noel Script');
    await expect(page.getByLabel('E-mail address')).toHaveValue('noel@noscript.example');
  });
});

test('the layout fits a phone-width screen', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await signIn(page, 'admin@rapport.example');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
