const { test, expect } = require('./fixtures');
const { signIn } = require('./helpers');

/** Fill the editor's fields (the category: the first one listed). */
async function fillArticle(page, { title, body }) {
  if (title !== undefined) await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Summary').fill('How to print shipping labels for an order.');
  await page.getByLabel('Category').selectOption({ index: 1 });
  await page.getByLabel('Tags').fill('labels, printing');
  await page.getByLabel('Text', { exact: true }).fill(body);
}

test('a trainer writes a draft with a live preview, submits it for review and publishes it; a visitor finds it by search with a typo', async ({ page, browser }) => {
  await signIn(page, 'trainer@rapport.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Write' }).click();
  await expect(page).toHaveURL(/\/write$/);
  await page.getByRole('link', { name: 'New article' }).click();
  await expect(page).toHaveURL(/\/write\/new$/);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();

  const title = `Print labels from the portal ${Date.now()}`;
  await fillArticle(page, {
    title,
    body: '## Before you start\n\nCheck that the thermoprinter is **online**.\n\n## Steps\n\n1. Open the order.\n2. Choose *Print label*.\n',
  });
  await page.getByLabel('Who may read it').selectOption('public');
  // The preview follows the typing, rendered as the published page will be.
  const preview = page.getByRole('region', { name: 'Preview' });
  await expect(preview.getByRole('heading', { name: 'Before you start' })).toBeVisible();
  await expect(preview.locator('strong')).toHaveText('online');
  await expect(preview.getByRole('navigation', { name: 'Table of contents' }).getByRole('link', { name: 'Steps' })).toBeVisible();

  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page).toHaveURL(/\/write\/\d+\?done=created$/);
  await expect(page.getByText('Draft saved (revision 1).')).toBeVisible();
  const address = (await page.locator('.slug-line code').textContent()).trim();
  expect(address).toMatch(/^\/kb\/print-labels-from-the-portal-\d+$/);

  await page.getByRole('button', { name: 'Submit for review' }).click();
  await expect(page).toHaveURL(/done=submitted$/);
  await expect(page.getByText('Revision 1 is submitted for review.')).toBeVisible();
  await expect(page.locator('.article-status .article-state')).toHaveText('In review');

  await page.getByRole('button', { name: 'Publish' }).click();
  await expect(page).toHaveURL(/done=published$/);
  await expect(page.getByText('Published: readers now see revision 1.')).toBeVisible();

  // The reader's page shows it.
  await page.getByRole('link', { name: 'Published page' }).click();
  await expect(page).toHaveURL(new RegExp(`${address}$`));
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();

  // A visitor finds it at once by searching with a typo, the word marked in the snippet.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto('/search?q=thermoprnter');
  const hit = visitor.locator('.search-hit').filter({ hasText: title });
  await expect(hit).toBeVisible();
  await expect(hit.locator('mark')).toHaveText('thermoprinter');
  await hit.getByRole('link', { name: title }).click();
  await expect(visitor.getByRole('heading', { level: 1, name: title })).toBeVisible();
});

test('a trainer compares two revisions and restores the older one', async ({ page }) => {
  await signIn(page, 'trainer@rapport.example');
  await page.goto('/write/new');
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await fillArticle(page, { title: `Label sizes ${Date.now()}`, body: 'Labels are 4 by 6 inches.\n' });
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page).toHaveURL(/done=created$/);
  await page.getByLabel('Text', { exact: true }).fill('Labels are 10 by 15 cm.\n');
  await page.getByLabel('What changed (optional)').fill('Metric sizes');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page).toHaveURL(/done=saved$/);

  await page.getByRole('link', { name: 'History', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Changes from revision 1 to revision 2' })).toBeVisible();
  await expect(page.locator('del.diff-removed')).toContainText('Labels are 4 by 6 inches.');
  await expect(page.locator('ins.diff-added')).toContainText('Labels are 10 by 15 cm.');
  await expect(page.getByRole('cell', { name: 'Metric sizes' })).toBeVisible();

  await page.getByRole('button', { name: 'Restore this revision (revision 1)' }).click();
  await expect(page).toHaveURL(/done=restored$/);
  await expect(page.getByLabel('Text', { exact: true })).toHaveValue('Labels are 4 by 6 inches.');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a draft without a title names the title and keeps the text typed', async ({ page }) => {
    await signIn(page, 'trainer@rapport.example');
    await page.goto('/write/new');
    await fillArticle(page, { body: 'Some *text* that must not be lost.' });
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect(page.locator('#field-title-error')).toHaveText('Write a title.');
    await expect(page.getByLabel('Text', { exact: true })).toHaveValue('Some *text* that must not be lost.');
    await expect(page.getByLabel('Tags')).toHaveValue('labels, printing');

    // Fixed, it saves; the preview page renders what was saved.
    await page.getByLabel('Title', { exact: true }).fill(`No script needed ${Date.now()}`);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect(page).toHaveURL(/\/write\/\d+\?done=created$/);
    await page.getByRole('link', { name: 'Preview', exact: true }).click();
    await expect(page.getByText('Preview of revision 1 (Draft).')).toBeVisible();
    await expect(page.locator('.article-body em')).toHaveText('text');
  });
});
