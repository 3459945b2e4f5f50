const { expect } = require('@playwright/test');

const DEMO_PASSWORD = 'rapport-demo';

/** Sign in through the form and wait for the dashboard. */
async function signIn(page, email, password = DEMO_PASSWORD) {
  await page.goto('/sign-in');
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/**
 * Register a new organization through the form, confirm the address with the
 * link from the mail, and arrive on the dashboard signed in.
 */
async function registerAndConfirm(page, { organization, name, email, password }) {
  const { waitForMail, linkTo } = require('./mail');
  await page.goto('/register');
  await page.getByLabel('Organization').fill(organization);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Check your e-mail' })).toBeVisible();
  const mail = await waitForMail(email, /Confirm your e-mail address/);
  await page.goto(linkTo(mail.text, '/register/confirm'));
  await expect(page.getByText(`Finish creating the account for ${email.toLowerCase()}`)).toBeVisible();
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Confirm and sign in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/**
 * A signed-in customer opens a case through the form (once the page is
 * interactive) and arrives on it. Returns the case number, `C-1234`.
 */
async function openCase(page, { subject, category, description }) {
  await page.goto('/cases/new');
  await page.locator('body[data-hydrated]').waitFor();
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('Category').selectOption({ label: category });
  await page.getByLabel('Description').fill(description);
  await page.getByRole('button', { name: 'Open case' }).click();
  await expect(page).toHaveURL(/\/cases\/C-\d+$/);
  return page.url().match(/C-\d+$/)[0];
}

/** The link texts of the main navigation. */
async function navLinks(page) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
}

module.exports = { DEMO_PASSWORD, signIn, navLinks, openCase, registerAndConfirm };
