const { test, expect } = require('./fixtures');
const { registerAndConfirm } = require('./helpers');

/** A customer of their own (the demo's people keep their passwords and addresses for the other specs). */
async function newCustomer(page, label) {
  const email = `${label}-${Date.now()}@example.com`;
  await registerAndConfirm(page, {
    organization: `Recovery ${label} ${Date.now()}`,
    name: 'Robin Recover',
    email,
    password: 'tangerine kettle orbit',
  });
  return email;
}
const { waitForMail, linkTo } = require('./mail');

test('a customer who forgot the password resets it by mail and signs in', async ({ page, browser, consoleErrors }) => {
  // The other device, signed out by the reset, gets 401 "Please sign in".
  consoleErrors.expect(/status of 401 \(Unauthorized\)/);
  // Robin is signed in on another device: the reset signs that session out.
  const other = await browser.newContext();
  const laptop = await other.newPage();
  const email = await newCustomer(laptop, 'robin');

  await page.goto('/sign-in');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
  await page.getByLabel('E-mail address').fill(email.toUpperCase());
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page.getByRole('status')).toContainText('If an account uses this address');

  const mail = await waitForMail(email, /Reset your password/);
  expect(mail.text).toContain('30 minutes');
  const link = linkTo(mail.text, '/reset-password');
  await page.goto(link);
  await expect(page.getByText(`For the account ${email}`)).toBeVisible();
  await page.getByLabel('New password').fill('marble canyon lantern');
  await page.getByRole('button', { name: 'Save the new password' }).click();
  await expect(page).toHaveURL(/\/sign-in\?done=password$/);
  await expect(page.getByRole('status')).toContainText('Your new password is saved');

  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill('marble canyon lantern');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  // The link worked once.
  await page.goto(link);
  await expect(page.getByRole('alert')).toContainText('does not work any more');
  await expect(page.getByRole('link', { name: 'Ask for a new link' })).toBeVisible();

  // The other device is signed out.
  await laptop.goto('/account');
  await expect(laptop.getByRole('heading', { name: 'Please sign in' })).toBeVisible();
  await other.close();
});

test('a person changes their address by a link to the new one', async ({ page }) => {
  const oldAddress = await newCustomer(page, 'mover');
  const newAddress = `moved-${Date.now()}@example.com`;
  await page.goto('/account');
  const card = page.getByRole('region', { name: 'E-mail address' });
  await card.getByLabel('New e-mail address').fill(newAddress);
  await card.getByLabel('Your password').fill('tangerine kettle orbit');
  await page.getByRole('button', { name: 'Send confirmation link' }).click();
  await expect(page.getByRole('status')).toContainText('We sent a confirmation link to the new address');
  await waitForMail(oldAddress, /about to change/);

  const mail = await waitForMail(newAddress, /Confirm your new e-mail address/);
  await page.goto(linkTo(mail.text, '/account/confirm-address'));
  await expect(page.getByText(newAddress)).toBeVisible();
  await page.getByRole('button', { name: 'Yes, use this address' }).click();
  await expect(page.getByRole('status')).toContainText('Your address is changed');
  await page.goto('/account');
  await expect(page.getByText(`Signed in as ${newAddress}`)).toBeVisible();
  await waitForMail(oldAddress, /was changed/);
});
