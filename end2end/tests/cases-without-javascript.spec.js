const { test, expect } = require('./fixtures');
const { signIn } = require('./helpers');

// Every case action is a plain HTML form: these run with JavaScript switched off.
test.use({ javaScriptEnabled: false });

test('a customer opens a case with a file; a refused file keeps the text typed', async ({ page }) => {
  await signIn(page, 'ahmed@acme.example');
  await page.goto('/cases/new');
  const subject = `Label printer offline ${Date.now()}`;
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('Description').fill('The label printer shows *offline* since the update.');
  // No category is chosen until the customer chooses one.
  await expect(page.getByLabel('Category')).toHaveValue('');
  await page.getByLabel('Category').selectOption({ label: 'Technical problem' });
  await page.getByLabel('Attach files (optional)').setInputFiles({
    name: 'driver.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ'),
  });
  await page.getByRole('button', { name: 'Open case' }).click();
  await expect(page.getByText('“driver.exe” is a type of file we do not accept')).toBeVisible();
  await expect(page.getByLabel('Subject')).toHaveValue(subject);
  await expect(page.getByLabel('Description')).toHaveValue('The label printer shows *offline* since the update.');

  await page.getByLabel('Attach files (optional)').setInputFiles({
    name: 'printer-status.txt', mimeType: 'text/plain', buffer: Buffer.from('status: offline'),
  });
  await page.getByRole('button', { name: 'Open case' }).click();
  await expect(page).toHaveURL(/\/cases\/C-\d+$/);
  await expect(page.getByRole('heading', { name: subject })).toBeVisible();
  await expect(page.getByRole('link', { name: /printer-status\.txt/ })).toBeVisible();
});

test('Preview shows the description rendered, under it, and keeps everything typed', async ({ page }) => {
  await signIn(page, 'nick@northwind.example');
  await page.goto('/cases/new');
  await page.getByLabel('Subject').fill('Scanner shows error 42');
  await page.getByLabel('Category').selectOption({ label: 'Technical problem' });
  await page.getByLabel('Priority').selectOption('high');
  await page.getByLabel('Description').fill('Since this morning:\n\n- **error 42**\n- a beep');
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.locator('form').getByRole('region', { name: 'Preview' });
  await expect(preview.locator('strong')).toHaveText('error 42');
  await expect(preview.locator('li')).toHaveCount(2);
  await expect(page.getByLabel('Subject')).toHaveValue('Scanner shows error 42');
  await expect(page.getByLabel('Category')).not.toHaveValue('');
  await expect(page.getByLabel('Priority')).toHaveValue('high');
  await expect(page.getByLabel('Description')).toHaveValue('Since this morning:\n\n- **error 42**\n- a beep');
  // Nothing was opened: the case is sent with its own button.
  await page.getByRole('button', { name: 'Open case' }).click();
  await expect(page).toHaveURL(/\/cases\/C-\d+$/);
  await expect(page.getByRole('heading', { name: 'Scanner shows error 42' })).toBeVisible();
});

test('an agent inserts a canned reply, replies and bulk-assigns from the queue', async ({ page }) => {
  await signIn(page, 'agent@rapport.example');
  await page.goto('/queue?queue=open&q=Uploads+over');
  await page.getByRole('link', { name: 'Uploads over 10 MB fail' }).click();
  await page.getByLabel('Canned reply').selectOption({ label: 'Solved, please confirm' });
  await page.getByRole('button', { name: 'Insert into reply' }).click();
  await expect(page.getByLabel('Message')).toHaveValue(/^Hello Carla,/);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.locator('.thread')).toContainText('is solved now');

  await page.goto('/queue?queue=unassigned');
  const number = (await page.locator('table tbody tr').first().locator('a').first().textContent()).trim();
  await page.getByLabel(`Select ${number}`).check();
  await page.getByLabel('Assign ticked cases to').selectOption('me');
  await page.getByRole('button', { name: 'Apply to ticked cases' }).click();
  await expect(page).toHaveURL(/\/queue\?queue=unassigned/);
  await expect(page.getByRole('link', { name: number, exact: true })).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Changed' }))
    .toHaveText(`Changed ${number}: assigned it to you.`);
});

test('a merge without the confirmation box is refused and keeps the number typed', async ({ page }) => {
  await signIn(page, 'agent@rapport.example');
  await page.goto('/queue?queue=open&q=Uploads+over');
  await page.getByRole('link', { name: 'Uploads over 10 MB fail' }).click();
  const here = page.url();
  await page.getByLabel('Merge this case into').fill('C-1001');
  await page.getByRole('button', { name: 'Merge' }).click();
  await expect(page.getByText('Tick the box to confirm: merging closes this case for good.')).toBeVisible();
  await expect(page.getByLabel('Merge this case into')).toHaveValue('C-1001');
  // Nothing was merged: the case is where it was, not closed.
  await page.goto(here);
  await expect(page.getByText('This case was merged into')).toHaveCount(0);
});
