const { test, expect } = require('./fixtures');
const { openCase, signIn } = require('./helpers');
const { waitForMail, linkTo } = require('./mail');

/** A signed-in page in a browser context of its own. */
async function personPage(browser, email) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

test('an agent chooses their mails and hears of a new case in a category they follow', async ({ browser }) => {
  const agent = await personPage(browser, 'agent@rapport.example');
  await agent.goto('/account');
  await agent.locator('body[data-hydrated]').waitFor();
  const section = agent.getByRole('region', { name: 'Mail for agents' });
  await expect(section).toBeVisible();
  const mentions = section.getByLabel('Someone @mentions me in an internal note');
  const follow = section.getByLabel('Account and access');
  await mentions.uncheck();
  await follow.check();
  await section.getByRole('button', { name: 'Save mail choices' }).click();
  await expect(agent.getByRole('status').filter({ hasText: 'Saved' })).toHaveText('Saved your mail choices.');
  await agent.reload();
  await agent.locator('body[data-hydrated]').waitFor();
  await expect(section.getByLabel('Someone @mentions me in an internal note')).not.toBeChecked();
  await expect(section.getByLabel('A case is assigned to me')).toBeChecked();
  await expect(section.getByLabel('Account and access')).toBeChecked();
  for (const width of [1280, 375]) {
    await agent.setViewportSize({ width, height: 900 });
    await section.screenshot({ path: `test-results/agent-mails-${width}.png` });
  }

  // A customer opens a case in that category: the agent gets a mail written for agents.
  const subject = `Cannot reach the login page ${Date.now()}`;
  const customer = await personPage(browser, 'nick@northwind.example');
  const number = await openCase(customer, {
    subject, category: 'Account and access', description: 'The page stays **blank**.',
  });
  const mail = await waitForMail('agent@rapport.example', new RegExp(`^\\[${number}\\] ${subject}$`));
  expect(mail.text).toContain('-- Reply above this line --');
  expect(mail.text).toContain('New case in Account and access');
  expect(mail.text).toMatch(/Nick Northwind \(Northwind[^)]*\) opened case/);
  await agent.goto(linkTo(mail.text, `/cases/${number}`));
  await expect(agent.getByRole('heading', { name: subject })).toBeVisible();

  // Back to how the demo had it.
  await agent.goto('/account');
  await agent.locator('body[data-hydrated]').waitFor();
  await section.getByLabel('Someone @mentions me in an internal note').check();
  await section.getByLabel('Account and access').uncheck();
  await section.getByRole('button', { name: 'Save mail choices' }).click();
  await expect(agent.getByRole('status').filter({ hasText: 'Saved' })).toHaveText('Saved your mail choices.');
});

test('customers have no agent mail settings', async ({ page }) => {
  await signIn(page, 'nick@northwind.example');
  await page.goto('/account');
  await page.locator('body[data-hydrated]').waitFor();
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Mail for agents' })).toHaveCount(0);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the mail choices save and say so', async ({ page }) => {
    await signIn(page, 'admin@rapport.example');
    await page.goto('/account');
    const section = page.getByRole('region', { name: 'Mail for agents' });
    await section.getByLabel('A case is assigned to me').uncheck();
    await section.getByRole('button', { name: 'Save mail choices' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toHaveText('Saved your mail choices.');
    await expect(section.getByLabel('A case is assigned to me')).not.toBeChecked();
    await section.getByLabel('A case is assigned to me').check();
    await section.getByRole('button', { name: 'Save mail choices' }).click();
    await expect(section.getByLabel('A case is assigned to me')).toBeChecked();
  });
});
