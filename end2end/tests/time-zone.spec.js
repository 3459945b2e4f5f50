const { test, expect } = require('./fixtures');
const { DEMO_PASSWORD } = require('./helpers');

// A first visit: the server cannot know the browser's zone before the page
// runs, so it renders in UTC; the page then tells it and shows its times again.
test('the first page of a first visit shows its times in the browser\'s zone', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ timezoneId: 'Asia/Tokyo' });
  // Signed in without a page ever running (as when the form is sent before
  // the script has loaded): a session, and no zone cookie yet.
  const signedIn = await context.request.post('/api/sign_in', {
    form: { email: 'nick@northwind.example', password: DEMO_PASSWORD },
    headers: { Accept: 'application/json', Origin: baseURL },
  });
  expect(signedIn.ok()).toBeTruthy();
  const page = await context.newPage();

  const response = await page.goto('/cases');
  expect(await response.text(), 'the server rendered the list in UTC').toMatch(/\d\d:\d\d UTC/);
  const table = page.getByRole('main').locator('table');
  await expect(table).toContainText(/\d\d:\d\d JST/);
  await expect(table).not.toContainText(/\d\d:\d\d UTC/);

  // From then on the server knows: the next page comes in the zone at once.
  const caseLink = table.locator('a[href^="/cases/C-"]').first();
  const caseUrl = await caseLink.getAttribute('href');
  const casePage = await page.request.get(caseUrl);
  expect(await casePage.text()).toMatch(/\d\d:\d\d JST/);
  await context.close();
});
