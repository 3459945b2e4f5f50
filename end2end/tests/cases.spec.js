const { test, expect } = require('./fixtures');
const { openCase, signIn } = require('./helpers');

/** A signed-in page in a browser context of its own. */
async function personPage(browser, email) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

test('a case from opening to rating: customer with a file, agent, internal note, reply, solve, rate', async ({ browser }) => {
  const subject = `Scanner stopped working ${Date.now()}`;
  const customer = await personPage(browser, 'nick@northwind.example');
  await customer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
  await customer.getByRole('link', { name: 'Open a new case' }).click();
  // The preview needs the page to be interactive.
  await customer.locator('body[data-hydrated]').waitFor();
  await customer.getByLabel('Subject').fill(subject);
  await customer.getByLabel('Category').selectOption({ label: 'Technical problem' });
  await customer.getByLabel('Priority').selectOption('high');
  await customer.getByLabel('Description').fill('The scanner shows **error 42** since this morning.');
  await customer.getByRole('button', { name: 'Preview' }).click();
  // The preview sits under the description, in the form, where the customer is looking.
  const preview = customer.locator('form').getByRole('region', { name: 'Preview' });
  await expect(preview.locator('strong')).toHaveText('error 42');
  await expect(preview).toBeInViewport();
  await customer.getByLabel('Attach files (optional)').setInputFiles({
    name: 'scanner-log.txt', mimeType: 'text/plain', buffer: Buffer.from('E42 at 08:14\nE42 at 08:15\n'),
  });
  await customer.getByRole('button', { name: 'Open case' }).click();
  await expect(customer).toHaveURL(/\/cases\/C-\d+$/);
  await expect(customer.getByRole('heading', { name: subject })).toBeVisible();
  const caseUrl = customer.url();

  // The agent finds it in the unassigned queue and takes it.
  const agent = await personPage(browser, 'agent@rapport.example');
  await agent.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queue' }).click();
  await agent.getByRole('link', { name: subject }).click();
  // The customer's file is there, and downloads as a file with its name.
  const [download] = await Promise.all([
    agent.waitForEvent('download'),
    agent.getByRole('link', { name: /scanner-log\.txt/ }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('scanner-log.txt');
  await agent.getByRole('button', { name: 'Assign to me' }).click();
  await expect(agent.locator('.facts')).toContainText('Sam Agent');

  await agent.getByLabel('Message').fill('Firmware 1.2 is known to break scanners: secret-note-marker');
  await agent.getByLabel('Internal note (only company staff see it)').check();
  await agent.getByRole('button', { name: 'Send' }).click();
  await expect(agent.getByText('secret-note-marker')).toBeVisible();

  await agent.getByLabel('Message').fill('Please install firmware 1.3 and tell us if it helps.');
  await agent.getByLabel('Status after sending').selectOption('pending');
  await agent.getByRole('button', { name: 'Send' }).click();
  await expect(agent.getByText('Please install firmware 1.3')).toBeVisible();

  // The customer sees the reply, never the note, and answers.
  await customer.goto(caseUrl);
  await expect(customer.getByText('Please install firmware 1.3')).toBeVisible();
  await expect(customer.getByText('secret-note-marker')).toHaveCount(0);
  await expect(customer.locator('.status-banner')).toContainText('Waiting for you');
  await customer.getByLabel('Message').fill('Firmware 1.3 fixed it, thank you!');
  await customer.getByRole('button', { name: 'Send' }).click();
  await expect(customer.locator('.status-banner')).toContainText('Open');

  // The agent solves it; the customer rates the answer.
  await agent.goto(caseUrl);
  await agent.getByLabel('Message').fill('Glad to hear it. Closing this as solved.');
  await agent.getByLabel('Status after sending').selectOption('solved');
  await agent.getByRole('button', { name: 'Send' }).click();
  await expect(agent.locator('.status-banner')).toContainText('Solved');

  await customer.goto(caseUrl);
  await customer.getByLabel('Your rating').selectOption('5');
  await customer.getByLabel('Comment (optional)').fill('Very quick');
  await customer.getByRole('button', { name: 'Send rating' }).click();
  await expect(customer.getByText('5 out of 5')).toBeVisible();
});

/**
 * Opens `url` with the browser code held back, as on a slow line: the page
 * shows the server's HTML and takes input, but is not interactive yet. Returns
 * the function that lets the code load; it waits until the page is hydrated.
 */
async function openStillLoading(page, url) {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/*.wasm', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return async () => {
    release();
    await page.locator('body[data-hydrated]').waitFor();
    await page.unroute('**/*.wasm');
  };
}

test('what is chosen, typed and ticked while a page still loads is kept and sent', async ({ browser }) => {
  const stamp = Date.now();
  const customer = await personPage(browser, 'nick@northwind.example');
  const opened = { category: 'Technical problem', description: 'It started after the update.' };
  const first = await openCase(customer, { ...opened, subject: `Label printer offline ${stamp}` });
  const second = await openCase(customer, { ...opened, subject: `Label printer jams ${stamp}` });

  // The customer's case list: the search typed before the page is ready stays.
  let ready = await openStillLoading(customer, '/cases');
  await customer.getByLabel('Search subject and messages').fill('Label printer');
  await customer.getByLabel('Status').selectOption('active');
  await ready();
  await expect(customer.getByLabel('Search subject and messages')).toHaveValue('Label printer');
  await expect(customer.getByLabel('Status')).toHaveValue('active');

  // The agent ticks one case before the queue is ready and one after: both change.
  const agent = await personPage(browser, 'agent@rapport.example');
  ready = await openStillLoading(agent, `/queue?queue=unassigned&q=${stamp}`);
  await agent.getByLabel(`Select ${first}`).check();
  await ready();
  await agent.getByLabel(`Select ${second}`).check();
  await expect(agent.getByLabel(`Select ${first}`)).toBeChecked();
  await agent.getByLabel('Assign ticked cases to').selectOption('me');
  await agent.getByRole('button', { name: 'Apply to ticked cases' }).click();
  await expect(agent.getByRole('status').filter({ hasText: 'Changed' }))
    .toHaveText(new RegExp(`^Changed (${first} and ${second}|${second} and ${first}): assigned them to you\\.$`));

  // The agent answers and solves before the case page is ready: it is solved.
  ready = await openStillLoading(agent, `/cases/${first}`);
  await agent.getByLabel('Message').fill('The 2.1 driver fixes this. Closing it as solved.');
  await agent.getByLabel('Status after sending').selectOption('solved');
  await ready();
  await expect(agent.getByLabel('Status after sending')).toHaveValue('solved');
  await agent.getByRole('button', { name: 'Send' }).click();
  await expect(agent.locator('.status-banner')).toContainText('Solved');
  await expect(agent.getByText('The 2.1 driver fixes this.')).toBeVisible();
});

test('a status change on a stale view shows the conflict and keeps the text typed', async ({ browser, consoleErrors }) => {
  // The second save is refused: the server answers 409 Conflict.
  consoleErrors.expect(/status of 409 \(Conflict\)/);
  const agent = await personPage(browser, 'agent@rapport.example');
  await agent.goto('/queue?queue=open');
  await agent.locator('table a[href^="/cases/C-"]').first().click();
  await expect(agent.getByRole('heading', { name: 'Manage' })).toBeVisible();
  // The case's status box and the reply's "Status after sending" are told
  // apart: each label names its own box.
  await expect(agent.getByRole('region', { name: 'Manage' }).getByLabel('Status', { exact: true })).toHaveCount(1);
  const caseUrl = agent.url();

  // Meanwhile an admin changes the priority.
  const admin = await personPage(browser, 'admin@rapport.example');
  await admin.goto(caseUrl);
  // Chosen before hydration, the choice could be reset by it and nothing saved.
  await admin.locator('body[data-hydrated]').waitFor();
  const current = await admin.getByLabel('Priority', { exact: true }).inputValue();
  await admin.getByLabel('Priority', { exact: true }).selectOption(current === 'urgent' ? 'low' : 'urgent');
  await admin.getByRole('button', { name: 'Save changes' }).click();
  await expect(admin.locator('.thread-change').last()).toContainText('changed priority');

  // With JavaScript the refusal comes back to the page as a 409; before
  // hydration the form would post natively and the 409 would never be logged.
  // A plain reply would land whatever changed; a status chosen on the old
  // view is what is refused.
  await agent.locator('body[data-hydrated]').waitFor();
  await agent.getByLabel('Message').fill('My carefully written answer');
  const now = await agent.getByRole('region', { name: 'Manage' }).getByLabel('Status', { exact: true }).inputValue();
  await agent.getByLabel('Status after sending').selectOption(now === 'on_hold' ? 'pending' : 'on_hold');
  await agent.getByRole('button', { name: 'Send' }).click();
  await expect(agent.getByText('Someone else changed this case')).toBeVisible();
  await expect(agent.getByLabel('Message')).toHaveValue('My carefully written answer');
});

test('another organization gets "not found" for a case address', async ({ browser, consoleErrors }) => {
  // The other organization's case page answers 404 Not Found.
  consoleErrors.expect(/status of 404 \(Not Found\)/);
  const olivia = await personPage(browser, 'olivia@northwind.example');
  await olivia.goto('/cases');
  await olivia.locator('table a[href^="/cases/C-"]').first().click();
  const caseUrl = olivia.url();
  const carla = await personPage(browser, 'carla@acme.example');
  await carla.goto(caseUrl);
  await expect(carla.getByRole('heading', { name: 'Something went wrong' })).toHaveCount(0);
  await expect(carla.getByText('We could not find that.')).toBeVisible();
});

test('the new-case form asks for a category and clears a message once the field is filled', async ({ page, consoleErrors }) => {
  // The empty form is refused: 422, naming the fields.
  consoleErrors.expect(/status of 422 \(Unprocessable Entity\)/);
  await signIn(page, 'nick@northwind.example');
  await page.goto('/cases/new');
  await page.locator('body[data-hydrated]').waitFor();
  await expect(page.getByLabel('Category')).toHaveValue('');
  await page.getByRole('button', { name: 'Open case' }).click();
  const subjectError = page.getByText('Write a subject.');
  await expect(subjectError).toBeVisible();
  await page.getByLabel('Subject').fill('Label printer offline');
  await expect(subjectError).toBeHidden();
  await expect(page.getByLabel('Subject')).not.toHaveAttribute('aria-invalid', 'true');
});

test('after filtering the case list, Back shows the list and the filter it had', async ({ page }) => {
  await signIn(page, 'nick@northwind.example');
  await page.goto('/cases');
  await page.locator('body[data-hydrated]').waitFor();
  const all = await page.locator('table tbody tr').count();
  await page.getByLabel('Status').selectOption('closed');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/status=closed/);
  await expect(page.getByLabel('Status')).toHaveValue('closed');
  await page.goBack();
  await expect(page).toHaveURL(/\/cases$/);
  await expect(page.locator('table tbody tr')).toHaveCount(all);
  await expect(page.getByLabel('Status')).toHaveValue('');
});
