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

/** The link texts of the main navigation. */
async function navLinks(page) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
}

module.exports = { DEMO_PASSWORD, signIn, navLinks };
