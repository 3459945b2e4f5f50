const { test, expect } = require('./fixtures');
const { signIn } = require('./helpers');
const { waitForMail, linkTo } = require('./mail');

test('an admin creates an agent, who can then sign in; disabling ends access', async ({ page, browser, consoleErrors }) => {
  // Once disabled, the agent's next page answers 401 "Please sign in".
  consoleErrors.expect(/status of 401 \(Unauthorized\)/);
  const email = `agent-${Date.now()}@rapport.example`;
  await signIn(page, 'admin@rapport.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();

  await page.getByLabel('Name', { exact: true }).fill('Quinn Queue');
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Role', { exact: true }).selectOption('agent');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('The account is created.')).toBeVisible();
  await expect(page.getByRole('cell', { name: email })).toBeVisible();

  // The new agent chooses a password from the welcome mail, in a separate browser context.
  const agentContext = await browser.newContext();
  const agent = await agentContext.newPage();
  const welcome = await waitForMail(email, /Your Rapport account/);
  await agent.goto(linkTo(welcome.text, '/reset-password'));
  await agent.getByLabel('New password').fill('velvet harbor compass');
  await agent.getByRole('button', { name: 'Save the new password' }).click();
  await expect(agent).toHaveURL(/\/sign-in\?done=password$/);
  await signIn(agent, email, 'velvet harbor compass');
  await expect(agent.getByRole('heading', { name: 'Agent desk' })).toBeVisible();

  // The admin disables them, confirming first; their next page load is signed out.
  consoleErrors.expect(/status of 422/);
  await page.getByLabel('Search by name, e-mail or organization').fill(email);
  await page.getByRole('main').getByRole('button', { name: 'Search' }).click();
  const row = page.getByRole('row').filter({ hasText: email });
  // Hydrated, or the form would post natively and the 422 would never be logged.
  await page.locator('body[data-hydrated]').waitFor();
  await row.getByRole('button', { name: 'Disable' }).click();
  await expect(row.getByText('Tick the box to confirm')).toBeVisible();
  await expect(row.getByText('Disabled', { exact: true })).toHaveCount(0);
  await row.getByLabel('Yes, disable Quinn Queue').check();
  await row.getByRole('button', { name: 'Disable' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Disabled Quinn Queue' }))
    .toHaveText(`Disabled Quinn Queue (${email}). They can no longer sign in.`);
  await expect(page.getByRole('row').filter({ hasText: email }).getByText('Disabled', { exact: true })).toBeVisible();

  const signedOut = await agent.goto('/dashboard');
  expect(signedOut.status()).toBe(401);
  await expect(agent.getByRole('heading', { name: 'Please sign in' })).toBeVisible();
  await agentContext.close();
});

/** Create a staff account through the form; returns its e-mail address. */
async function createStaff(page, name, role) {
  const email = `${role}-${Date.now()}@rapport.example`;
  await page.goto('/admin/users');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Role', { exact: true }).selectOption(role);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('The account is created.')).toBeVisible();
  return email;
}

test('a role changes only once confirmed, and the page says what changed', async ({ page, consoleErrors }) => {
  consoleErrors.expect(/status of 422/);
  await signIn(page, 'admin@rapport.example');
  const email = await createStaff(page, 'Rita Role', 'agent');
  const row = page.getByRole('row').filter({ hasText: email });
  await page.locator('body[data-hydrated]').waitFor();
  await row.getByLabel('Role of Rita Role', { exact: true }).selectOption('trainer');
  await row.getByRole('button', { name: 'Change role' }).click();
  await expect(row.getByText('Tick the box to confirm')).toBeVisible();
  // Refused: the role chosen stays chosen, and nothing changed.
  await expect(row.getByLabel('Role of Rita Role', { exact: true })).toHaveValue('trainer');
  await row.getByLabel('Yes, change the role of Rita Role').check();
  await row.getByRole('button', { name: 'Change role' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Changed' }))
    .toHaveText("Changed Rita Role's role from agent to trainer.");
  await page.reload();
  await expect(page.getByRole('row').filter({ hasText: email }).getByLabel('Role of Rita Role', { exact: true })).toHaveValue('trainer');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('disabling and changing a role ask to confirm; enabling does not', async ({ page }) => {
    await signIn(page, 'admin@rapport.example');
    const email = await createStaff(page, 'Nora Noscript', 'agent');
    const row = () => page.getByRole('row').filter({ hasText: email });

    await row().getByLabel('Role of Nora Noscript', { exact: true }).selectOption('admin');
    await row().getByRole('button', { name: 'Change role' }).click();
    await expect(row().getByText('Tick the box to confirm')).toBeVisible();
    await expect(row().getByLabel('Role of Nora Noscript', { exact: true })).toHaveValue('admin');
    await row().getByLabel('Yes, change the role of Nora Noscript').check();
    await row().getByRole('button', { name: 'Change role' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Changed' }))
      .toHaveText("Changed Nora Noscript's role from agent to admin.");

    await row().getByRole('button', { name: 'Disable' }).click();
    await expect(row().getByText('Tick the box to confirm')).toBeVisible();
    await row().getByLabel('Yes, disable Nora Noscript').check();
    await row().getByRole('button', { name: 'Disable' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Disabled' }))
      .toHaveText(`Disabled Nora Noscript (${email}). They can no longer sign in.`);

    await row().getByRole('button', { name: 'Enable' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Enabled' }))
      .toHaveText(`Enabled Nora Noscript (${email}) again. They can sign in.`);
  });
});

test('a customer cannot open the admin pages', async ({ page, consoleErrors }) => {
  consoleErrors.expect(/status of 403 \(Forbidden\)/);
  await signIn(page, 'nick@northwind.example');
  const response = await page.goto('/admin/users');
  expect(response.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'Not available' })).toBeVisible();
  await expect(page.getByText('@rapport.example')).toHaveCount(0);
  await expect(page.locator('main form')).toHaveCount(0);
});

test('a page refused to a role answers 403 and shows no form; to a visitor 401', async ({ page, consoleErrors }) => {
  consoleErrors.expect(/status of 403 \(Forbidden\)/);
  consoleErrors.expect(/status of 401 \(Unauthorized\)/);
  await signIn(page, 'agent@rapport.example');
  for (const path of ['/cases/new', '/admin/users', '/admin/sla', '/organization', '/write/new']) {
    const response = await page.goto(path);
    expect(response.status(), path).toBe(403);
    await expect(page.getByRole('heading', { name: 'Not available' }), path).toBeVisible();
    await expect(page.locator('main form'), path).toHaveCount(0);
  }
  await page.context().clearCookies();
  const response = await page.goto('/queue');
  expect(response.status()).toBe(401);
  await expect(page.getByRole('heading', { name: 'Please sign in' })).toBeVisible();
  await expect(page.locator('main form')).toHaveCount(0);
});
