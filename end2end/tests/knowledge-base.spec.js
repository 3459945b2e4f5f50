const { test, expect } = require('./fixtures');
const { signIn } = require('./helpers');

test('a visitor finds an article by search with a typo, sees the highlighted snippet and reads it', async ({ page }) => {
  await page.goto('/kb');
  await expect(page.getByRole('heading', { name: 'Knowledge base', level: 1 })).toBeVisible();
  await page.getByRole('main').getByLabel('Search the knowledge base').fill('priorty');
  await page.getByRole('main').getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/\/search\?q=priorty/);
  const hit = page.locator('.search-hit').filter({ has: page.getByRole('link', { name: 'Choose the right priority', exact: true }) });
  await expect(hit).toBeVisible();
  await expect(hit.locator('mark').first()).toHaveText(/priority/i);
  // Facets count only what a visitor may read, and filter.
  await page.getByRole('complementary', { name: 'Filters' }).getByRole('link', { name: /Training material/ }).click();
  await expect(page).toHaveURL(/kind=training/);
  await page.getByRole('link', { name: 'Clear filters' }).click();
  await hit.getByRole('link', { name: 'Choose the right priority' }).click();
  await expect(page.getByRole('heading', { name: 'Choose the right priority', level: 1 })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Breadcrumbs' })).toContainText('Cases');
  await expect(page.getByText('Sign in to tell us.')).toBeVisible();
});

test('suggestions appear while typing in the header search', async ({ page }) => {
  await page.goto('/kb');
  await page.locator('body[data-hydrated]').waitFor();
  await page.getByLabel('Search help articles').fill('case stat');
  const suggestion = page.getByRole('list', { name: 'Suggested articles' }).getByRole('link', { name: 'Case statuses explained' });
  await expect(suggestion).toBeVisible();
  await suggestion.click();
  await expect(page.getByRole('heading', { name: 'Case statuses explained', level: 1 })).toBeVisible();
});

test('a long article has a table of contents and a signed-in reader votes once', async ({ page }) => {
  await signIn(page, 'greta@globex.example');
  await page.goto('/kb/open-a-case-that-gets-solved-quickly');
  const toc = page.getByRole('navigation', { name: 'On this page' });
  await expect(toc).toBeVisible();
  await toc.getByRole('link').first().click();
  await expect(page).toHaveURL(/#h-/);
  await page.getByRole('button', { name: 'Yes, it helped' }).click();
  await expect(page.getByText('Thank you for your feedback.')).toBeVisible();
  await page.reload();
  await expect(page.getByText('Thank you for your feedback.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Yes, it helped' })).toHaveCount(0);
});

test('a customer starting a case gets an article suggested and marks it as solving the problem', async ({ page }) => {
  await signIn(page, 'ahmed@acme.example');
  await page.goto('/cases');
  const casesBefore = await page.locator('table tbody tr').count();
  await page.goto('/cases/new');
  await page.locator('body[data-hydrated]').waitFor();
  await page.getByLabel('Subject').fill('Which case status means waiting for me');
  const suggestions = page.getByRole('complementary', { name: 'Answers that may help' });
  const article = suggestions.getByRole('listitem').filter({ hasText: 'Case statuses explained' });
  await expect(article).toBeVisible();
  await article.getByRole('button', { name: 'This solved my problem' }).click();
  await expect(page.getByRole('heading', { name: 'Glad that helped' })).toBeVisible();
  await expect(page.getByLabel('Subject')).toBeHidden();
  await page.goto('/cases');
  await expect(page.locator('table tbody tr')).toHaveCount(casesBefore);
});

test('search works without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/search?q=attach+files');
  await expect(page.locator('.search-hit').first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'Attach files to a case' })).toBeVisible();
  // Internal articles never show up for a visitor, not even as a count.
  await page.goto('/search?q=escalation+policy');
  await expect(page.getByRole('link', { name: 'Escalation policy' })).toHaveCount(0);
  await context.close();
});
