const { test, expect } = require('./fixtures');
const { signIn } = require('./helpers');

/** A signed-in page in a browser context of its own. */
async function personPage(browser, email) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

test('a customer admin finds an overdue invoice, opens a case about it, and the agent sees the invoice beside the case', async ({ browser }) => {
  // The dashboard says something is overdue and leads to it.
  const carla = await personPage(browser, 'carla@acme.example');
  const invoices = carla.getByRole('region', { name: 'Overdue invoices' });
  await expect(invoices).toContainText('overdue');
  await invoices.getByRole('link', { name: /^All overdue invoices \(\d+\)$/ }).click();
  await expect(carla).toHaveURL(/\/invoices\?status=overdue$/);
  const main = carla.getByRole('main');
  await expect(main.getByLabel('Status')).toHaveValue('overdue');
  const firstInvoice = main.getByRole('table').getByRole('link', { name: /^INV-/ }).first();
  const invoiceNumber = (await firstInvoice.textContent()).trim();
  await firstInvoice.click();

  // The invoice reads like an invoice: overdue, with its totals by tax rate.
  await expect(carla.getByRole('heading', { name: `Invoice ${invoiceNumber}` })).toBeVisible();
  await expect(main.locator('.invoice')).toContainText('Overdue');
  await expect(main.locator('.invoice')).toContainText('Tax total');
  await expect(main.locator('.invoice')).toContainText('Amount due');

  // "Open a case about this invoice": the form comes pre-filled and names the invoice.
  await main.getByRole('link', { name: 'Open a case about this invoice' }).click();
  await expect(carla).toHaveURL(/\/cases\/new\?about=invoice/);
  await expect(main.getByLabel('Subject')).toHaveValue(`Question about invoice ${invoiceNumber}`);
  const category = main.getByLabel('Category');
  await expect(category.locator('option:checked')).toHaveText('Invoices and payment');
  await expect(main.getByRole('region', { name: 'Your case is about' })).toContainText(`Invoice ${invoiceNumber}`);
  await main.getByLabel('Description').fill('We paid this invoice on the 3rd by bank transfer. Can you check?');
  await main.getByRole('button', { name: 'Open case' }).click();
  await expect(carla).toHaveURL(/\/cases\/C-\d+$/);
  const caseUrl = carla.url();
  const about = carla.getByRole('region', { name: 'This case is about' });
  await expect(about).toContainText(`Invoice ${invoiceNumber}`);
  await expect(about).toContainText('Overdue');

  // The agent sees what the case is about, and the organization's unpaid invoices beside it.
  const agent = await personPage(browser, 'agent@rapport.example');
  await agent.goto(caseUrl);
  await expect(agent.getByRole('region', { name: 'This case is about' }).getByRole('link', { name: `Invoice ${invoiceNumber}` })).toBeVisible();
  const business = agent.getByRole('region', { name: 'Acme Robotics: orders' });
  await expect(business.getByRole('link', { name: invoiceNumber })).toBeVisible();
  // The link opens the invoice for the agent too.
  await business.getByRole('link', { name: invoiceNumber }).click();
  await expect(agent.getByRole('heading', { name: `Invoice ${invoiceNumber}` })).toBeVisible();
  await expect(agent.getByRole('main')).toContainText('Acme Robotics');
});

test('an agent looks up an order by number, and a customer of another organization gets "not found"', async ({ browser, consoleErrors }) => {
  // The other organization's order page answers 404 Not Found; a number
  // that does not exist is refused to the running page with a 422.
  consoleErrors.expect(/status of 404 \(Not Found\)/);
  consoleErrors.expect(/status of 422 \(Unprocessable Entity\)/);
  const agent = await personPage(browser, 'agent@rapport.example');
  await agent.goto('/orders');
  await agent.locator('body[data-hydrated]').waitFor();
  const main = agent.getByRole('main');
  // An order of Acme's (staff see every organization's, with its name).
  const firstOrder = main.getByRole('row').filter({ hasText: 'Acme Robotics' }).first().getByRole('link', { name: /^SO-/ });
  const orderNumber = (await firstOrder.textContent()).trim();
  await main.getByLabel('Order, invoice, delivery or tracking number').fill(orderNumber.toLowerCase());
  await main.getByRole('button', { name: 'Find' }).click();
  await expect(agent).toHaveURL(new RegExp(`/orders/${orderNumber}$`));
  await expect(agent.getByRole('heading', { name: `Order ${orderNumber}` })).toBeVisible();

  // A number that does not exist names the field and keeps what was typed.
  await agent.goto('/orders');
  await agent.locator('body[data-hydrated]').waitFor();
  await main.getByLabel('Order, invoice, delivery or tracking number').fill('SO-0000-0000');
  await main.getByRole('button', { name: 'Find' }).click();
  await expect(main.getByText('No order, invoice or delivery has this number')).toBeVisible();
  await expect(main.getByLabel('Order, invoice, delivery or tracking number')).toHaveValue('SO-0000-0000');

  // Globex's Greta gets "not found" for Acme's order, as for one that does not exist.
  const greta = await personPage(browser, 'greta@globex.example');
  const response = await greta.goto(`/orders/${orderNumber}`);
  expect(response.status()).toBe(404);
  await expect(greta.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(greta.getByRole('main')).not.toContainText('Acme');
});
