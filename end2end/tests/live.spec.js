const { test, expect } = require('./fixtures');
const { signIn } = require('./helpers');

/** A signed-in page in a browser context of its own. */
async function personPage(browser, email) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

// The product's promise: open pages show a change within 5 seconds.
const WITHIN = { timeout: 5_000 };

test('the queue shows a new case by itself and keeps the ticks and the typing', async ({ browser }) => {
  const agent = await personPage(browser, 'agent@rapport.example');
  await agent.goto('/queue?queue=unassigned');
  await agent.locator('body[data-hydrated]').waitFor();
  const rows = agent.locator('table tbody tr');
  const first = (await rows.nth(0).locator('a').first().textContent()).trim();
  await agent.getByLabel(`Select ${first}`).check();
  await agent.getByLabel('Assign ticked cases to').selectOption('me');
  const queueSearch = agent.getByRole('search', { name: 'Filter the queue' }).getByLabel('Search');
  await queueSearch.fill('half-typed');
  const countBefore = await agent.getByRole('link', { name: /^Unassigned/ }).locator('.count').textContent();

  // Meanwhile a customer opens a case.
  const subject = `Live queue check ${Date.now()}`;
  const customer = await personPage(browser, 'nick@northwind.example');
  await customer.goto('/cases/new');
  await customer.getByLabel('Subject').fill(subject);
  await customer.getByLabel('Category').selectOption({ label: 'Technical problem' });
  await customer.getByLabel('Description').fill('The scanner beeps twice and stops.');
  await customer.getByRole('button', { name: 'Open case' }).click();
  await expect(customer).toHaveURL(/\/cases\/C-\d+$/);

  await expect(agent.getByRole('link', { name: subject })).toBeVisible(WITHIN);
  await expect(agent.getByRole('link', { name: /^Unassigned/ }).locator('.count')).not.toHaveText(countBefore);
  // Nothing the agent was doing was lost.
  await expect(agent.getByLabel(`Select ${first}`)).toBeChecked();
  await expect(agent.getByLabel('Assign ticked cases to')).toHaveValue('me');
  await expect(queueSearch).toHaveValue('half-typed');
});

test('the case page shows a reply and who else is looking by itself, and keeps the answer being typed', async ({ browser }) => {
  const agent = await personPage(browser, 'agent@rapport.example');
  await agent.goto('/queue?queue=open&q=Uploads+over');
  await agent.getByRole('link', { name: 'Uploads over 10 MB fail' }).click();
  await agent.locator('body[data-hydrated]').waitFor();
  const caseUrl = agent.url();
  await agent.getByLabel('Message').fill('Thanks, I am looking into');
  await agent.getByLabel('Message').focus();

  // The customer answers meanwhile, on their own page.
  const customer = await personPage(browser, 'carla@acme.example');
  await customer.goto(caseUrl);
  const answer = `It fails with a 12 MB file too (${Date.now()})`;
  await customer.getByLabel('Message').fill(answer);
  await customer.getByRole('button', { name: 'Send' }).click();
  await expect(customer.getByText(answer)).toBeVisible();

  await expect(agent.getByRole('region', { name: 'Conversation' }).getByText(answer)).toBeVisible(WITHIN);
  await expect(agent.getByLabel('Message')).toHaveValue('Thanks, I am looking into');
  await expect(agent.getByLabel('Message')).toBeFocused();
  await agent.keyboard.type(' it now.');
  await expect(agent.getByLabel('Message')).toHaveValue('Thanks, I am looking into it now.');

  // Another agent opens the case: the first one sees it without reloading.
  const admin = await personPage(browser, 'admin@rapport.example');
  await admin.goto(caseUrl);
  await expect(agent.getByText(/Also working on this case: .*Admin/)).toBeVisible(WITHIN);

  // The answer was begun before the customer's message, which the agent has
  // seen arrive: a plain reply is never refused for that, it lands at once.
  await agent.getByRole('button', { name: 'Send' }).click();
  await expect(agent.getByRole('region', { name: 'Conversation' }).getByText('Thanks, I am looking into it now.')).toBeVisible();
});
