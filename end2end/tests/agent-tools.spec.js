const { test, expect } = require('./fixtures');
const { signIn } = require('./helpers');

/** A signed-in page in a browser context of its own. */
async function personPage(browser, email) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

test('an agent uses a canned reply, tags the case, and a second agent is shown as present', async ({ browser }) => {
  // Presence is polled every 20 s: this test waits up to two intervals for it.
  test.setTimeout(120_000);
  const agent = await personPage(browser, 'agent@rapport.example');
  await agent.goto('/queue?queue=open');
  await agent.getByRole('link', { name: 'Canned replies' }).click();
  const title = `Firmware hint ${Date.now()}`;
  const form = agent.getByRole('region', { name: 'New canned reply' });
  await form.getByLabel('Title').fill(title);
  await form.getByLabel('Text').fill('Hello {{customer_first_name}}, please update the firmware ({{case_number}}).');
  await form.getByRole('button', { name: 'Add canned reply' }).click();
  await expect(agent.getByRole('heading', { name: title })).toBeVisible();

  await agent.goto('/queue?queue=open&q=Password+reset');
  await agent.getByRole('link', { name: 'Password reset e-mail never arrives' }).click();
  const caseUrl = agent.url();
  const number = caseUrl.split('/').pop();
  // Hydrated, the canned reply goes into what was typed; the page stays as it is.
  await agent.locator('body[data-hydrated]').waitFor();
  const message = agent.getByLabel('Message');
  await message.fill('Thanks for the screenshots.');
  await agent.getByLabel('Canned reply').selectOption({ label: title });
  await agent.getByRole('button', { name: 'Insert into reply' }).click();
  await expect(message).toHaveValue(
    `Thanks for the screenshots.\n\nHello Greta, please update the firmware (${number}).`);
  await expect(message).toBeFocused();
  await expect(agent).toHaveURL(caseUrl);

  await agent.getByLabel('Tags').fill('mail-delivery, spf');
  await agent.getByRole('button', { name: 'Save changes' }).click();
  await expect(agent.locator('.facts .tag')).toHaveText(['mail-delivery', 'spf']);

  // A second agent opens the same case: both are warned. The first agent's
  // page is not reloaded: it asks who else is there every 20 seconds
  // (`Presence` in app/src/pages/case_page.rs), so the warning comes within
  // one interval. The timeouts leave a whole second interval to spare.
  await expect(agent).toHaveURL(caseUrl);
  // Gone after any reload or full navigation: proof the page stayed as it was.
  await agent.evaluate(() => { window.__presenceNoReload = true; });
  const admin = await personPage(browser, 'admin@rapport.example');
  await admin.goto(caseUrl);
  await expect(admin.getByRole('status').filter({ hasText: 'Also working on this case: Sam Agent' }))
    .toBeVisible({ timeout: 20_000 });
  await expect(agent.getByRole('status').filter({ hasText: 'Also working on this case: Ada Admin' }))
    .toBeVisible({ timeout: 45_000 });
  expect(await agent.evaluate(() => window.__presenceNoReload)).toBe(true);
  await expect(agent).toHaveURL(caseUrl);

  // The queue filters by the new tag.
  await agent.goto('/queue?queue=open');
  await agent.getByText('More filters and order').click();
  await agent.getByLabel('Tag').fill('spf');
  await agent.getByRole('button', { name: 'Filter' }).click();
  await expect(agent.locator('table tbody tr')).toHaveCount(1);
  await expect(agent.locator('table tbody')).toContainText('Password reset e-mail never arrives');
});

test('an agent assigns two unassigned cases at once and merges a duplicate', async ({ browser, consoleErrors }) => {
  // Applying with nothing ticked is refused (422), by design.
  consoleErrors.expect(/status of 422 \(Unprocessable Entity\)/);
  const agent = await personPage(browser, 'agent@rapport.example');
  await agent.goto('/queue?queue=unassigned');
  const rows = agent.locator('table tbody tr');
  const before = await rows.count();
  expect(before).toBeGreaterThan(1);
  const first = (await rows.nth(0).locator('a').first().textContent()).trim();
  const second = (await rows.nth(1).locator('a').first().textContent()).trim();
  await agent.getByLabel(`Select ${first}`).check();
  await agent.getByLabel(`Select ${second}`).check();
  await agent.getByLabel('Assign ticked cases to').selectOption('me');
  await agent.getByRole('button', { name: 'Apply to ticked cases' }).click();
  await expect(agent.getByRole('link', { name: first, exact: true })).toHaveCount(0);
  await expect(agent.getByRole('link', { name: second, exact: true })).toHaveCount(0);
  // It says what was done, and nothing stays ticked or chosen: the rows moved
  // up, and a tick left behind would now be on another case.
  await expect(agent.getByRole('status').filter({ hasText: 'Changed' }))
    .toHaveText(`Changed ${first} and ${second}: assigned them to you.`);
  await expect(agent.locator('input[name="numbers[]"]:checked')).toHaveCount(0);
  await expect(agent.getByLabel('Assign ticked cases to')).toHaveValue('');
  // One more click without ticking anything changes nothing, and says why.
  const unticked = await rows.count();
  await agent.getByRole('button', { name: 'Apply to ticked cases' }).click();
  await expect(agent.getByText('Tick the cases to change first.')).toBeVisible();
  await expect(rows).toHaveCount(unticked);
  await agent.goto('/queue?queue=mine');
  await expect(agent.getByRole('link', { name: first, exact: true })).toBeVisible();

  // Merge: Nick's dark-mode request goes into his export case.
  await agent.goto('/queue?queue=open&q=export');
  await agent.getByRole('link', { name: 'Cannot export the monthly report to CSV' }).click();
  const target = agent.url().split('/').pop();
  // The duplicate, as Nick finds it in his list.
  const nick = await personPage(browser, 'nick@northwind.example');
  await nick.goto('/cases?q=dark+mode');
  await nick.getByRole('link', { name: 'Feature request: dark mode' }).click();
  const duplicateUrl = nick.url();
  await agent.goto(duplicateUrl);
  await agent.locator('body[data-hydrated]').waitFor();
  await agent.getByLabel('Merge this case into').fill(target);
  // It cannot be undone: without the tick it is refused, naming the box.
  await agent.getByRole('button', { name: 'Merge' }).click();
  await expect(agent.getByRole('alert').filter({ hasText: 'Tick the box to confirm' })).toBeVisible();
  await agent.getByLabel('Yes, close this case for good').check();
  await agent.getByRole('button', { name: 'Merge' }).click();
  await expect(agent).toHaveURL(new RegExp(`/cases/${target}$`));
  await expect(agent.getByText('was merged into this case')).toBeVisible();
  await nick.goto(duplicateUrl);
  await expect(nick.locator('.alert', { hasText: 'This case was merged into' })).toBeVisible();
});
