const { test, expect } = require('./fixtures');
const { signIn } = require('./helpers');

test('a visitor searches from the front page, with suggestions, and every card is a link', async ({ page }) => {
  await page.goto('/');
  await page.locator('body[data-hydrated]').waitFor();
  const search = page.getByRole('search', { name: 'Search help' });
  await search.getByLabel('Search articles, guides and workshops').fill('case stat');
  const suggestion = search.getByRole('list', { name: 'Suggested articles' }).getByRole('link', { name: 'Case statuses explained' });
  await expect(suggestion).toBeVisible();
  await suggestion.click();
  await expect(page.getByRole('heading', { name: 'Case statuses explained', level: 1 })).toBeVisible();

  // The popular articles, categories and next workshops lead to their pages.
  await page.goto('/');
  await expect(page.getByRole('region', { name: 'Popular articles' }).getByRole('link').first()).toBeVisible();
  await page.getByRole('region', { name: 'Browse by category' }).getByRole('link').first().click();
  await expect(page).toHaveURL(/\/kb\/categories\//);
  await page.goto('/');
  const workshops = page.getByRole('region', { name: 'Upcoming workshops' });
  await workshops.getByRole('link').first().click();
  await expect(page).toHaveURL(/\/kb\/[^/]+#sessions$/);

  // A click anywhere on a card follows it; so does Enter on its link.
  await page.goto('/');
  const cards = page.getByRole('region', { name: 'What you can do' });
  // (On the card's text, not on its link: the link covers the card.)
  await cards.getByRole('article').filter({ hasText: 'Learn with our trainers' }).click();
  await expect(page).toHaveURL(/\/workshops$/);
  await page.goto('/');
  await cards.getByRole('link', { name: 'Knowledge base' }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/kb$/);
});

test('a signed-in person still finds the way to their dashboard from the front page', async ({ page }) => {
  await signIn(page, 'nick@northwind.example');
  await page.goto('/');
  await page.getByRole('link', { name: 'Go to your dashboard' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});

test('a customer admin sees their open cases and what waits for them, each linked', async ({ page }) => {
  await signIn(page, 'carla@acme.example');
  await expect(page.getByRole('heading', { name: 'What waits for you' })).toBeVisible();
  for (const name of ['Cases waiting for your reply', 'Overdue invoices', 'Your next workshops']) {
    await expect(page.getByRole('region', { name, exact: true })).toBeVisible();
  }
  const cases = page.getByRole('region', { name: "Your organization's open cases" });
  const firstCase = cases.getByRole('table').getByRole('link', { name: /^C-\d+$/ }).first();
  const number = (await firstCase.textContent()).trim();
  await firstCase.click();
  await expect(page).toHaveURL(new RegExp(`/cases/${number}$`));
  await page.goBack();
  await page.getByRole('link', { name: 'Open a case' }).click();
  await expect(page).toHaveURL(/\/cases\/new$/);
});

test('an agent starts from their queues and the deadlines at risk', async ({ page }) => {
  await signIn(page, 'agent@rapport.example');
  const queues = page.getByRole('navigation', { name: 'Your queues' });
  await queues.getByRole('link', { name: /^Unassigned \d+$/ }).click();
  await expect(page).toHaveURL(/\/queue\?queue=unassigned$/);
  // The queue's own order puts what breaches first.
  await expect(page.getByLabel('Sort by')).toHaveValue('');
  await page.goBack();
  const atRisk = page.getByRole('region', { name: 'Deadlines at risk', exact: true });
  await expect(atRisk).toBeVisible();
  await atRisk.getByRole('link', { name: /^All breaching cases \(\d+\)$/ }).click();
  await expect(page).toHaveURL(/\/queue\?queue=breaching$/);
  await expect(page.locator('tbody tr').first()).toHaveClass(/breached/);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the front page search goes to the search page', async ({ page }) => {
    await page.goto('/');
    await page.getByLabel('Search articles, guides and workshops').fill('priority');
    await page.getByRole('search', { name: 'Search help' }).getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/\/search\?q=priority$/);
    await expect(page.getByRole('link', { name: 'Choose the right priority' })).toBeVisible();
  });
});
