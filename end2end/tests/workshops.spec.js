const { test, expect } = require('./fixtures');
const { signIn } = require('./helpers');

/** A signed-in page in a browser context of its own. */
async function personPage(browser, email) {
  const context = await browser.newContext({ timezoneId: 'Europe/Zurich' });
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

/** A date `days` from today, as `<input type="date">` takes it. */
function inDays(days) {
  const d = new Date(Date.now() + days * 24 * 3600 * 1000);
  return d.toISOString().slice(0, 10);
}

test('a trainer publishes a workshop with two sessions; customers find it by search, register, wait, and move up', async ({ browser, consoleErrors }) => {
  // A session in the past is refused: the server answers 422 with the field's message.
  consoleErrors.expect(/status of 422 \(Unprocessable Entity\)/);
  // The trainer writes the workshop like an article, of the kind Workshop, and publishes it.
  const trainer = await personPage(browser, 'trainer@rapport.example');
  await trainer.goto('/write/new');
  await expect(trainer.locator('body[data-hydrated]')).toBeAttached();
  const stamp = Date.now();
  const title = `Quokka gripper calibration ${stamp}`;
  await trainer.getByLabel('Kind').selectOption('workshop');
  await trainer.getByLabel('Who may read it').selectOption('customers');
  await trainer.getByLabel('Title', { exact: true }).fill(title);
  await trainer.getByLabel('Summary').fill('Calibrate your gripper sensors with a trainer, hands-on.');
  await trainer.getByLabel('Category').selectOption({ index: 1 });
  await trainer.getByLabel('Tags').fill('sensors, calibration');
  await trainer.getByLabel('Text', { exact: true }).fill('## What you will learn\n\nHow to calibrate the **gripper sensors** of your robot arms.\n');
  await trainer.getByRole('button', { name: 'Save draft' }).click();
  await expect(trainer).toHaveURL(/\/write\/\d+\?done=created$/);
  await trainer.getByRole('button', { name: 'Submit for review' }).click();
  await expect(trainer).toHaveURL(/done=submitted$/);
  await trainer.getByRole('button', { name: 'Publish' }).click();
  await expect(trainer).toHaveURL(/done=published$/);

  // Two sessions: one with a single place in Basel, one online.
  await trainer.getByRole('link', { name: 'Sessions and registrations' }).click();
  await expect(trainer.getByRole('heading', { name: `Sessions of “${title}”` })).toBeVisible();
  const add = trainer.getByRole('form', { name: 'Add a session' });
  // A session in the past is refused, naming the field, and what was typed stays.
  await add.getByLabel('Date').fill(inDays(-2));
  await add.getByLabel('Start time').fill('14:00');
  await add.getByLabel('Time zone').selectOption('Europe/Zurich');
  await add.getByLabel('Duration (minutes)').fill('120');
  await add.getByLabel('Places').fill('1');
  await add.getByLabel('Place (address or room)').fill('Basel training centre, Room 2');
  await add.getByRole('button', { name: 'Add session' }).click();
  await expect(add.getByText('in the past')).toBeVisible();
  await expect(add.getByLabel('Place (address or room)')).toHaveValue('Basel training centre, Room 2');
  await add.getByLabel('Date').fill(inDays(14));
  await add.getByRole('button', { name: 'Add session' }).click();
  await expect(trainer.getByText('Session added. It is listed below.')).toBeVisible();
  // The list and a fresh, empty form come back with the new session.
  await expect(trainer.getByRole('article')).toHaveCount(1);
  await expect(add.getByLabel('Place (address or room)')).toHaveValue('');
  await add.getByLabel('Date').fill(inDays(21));
  await add.getByLabel('Start time').fill('10:00');
  await add.getByLabel('Places').fill('5');
  await add.getByLabel('Online link').fill('https://meet.example.com/quokka');
  await add.getByRole('button', { name: 'Add session' }).click();
  await expect(trainer.getByRole('article')).toHaveCount(2);

  // Ahmed finds it by searching for its topic; the hit shows its next sessions.
  const ahmed = await personPage(browser, 'ahmed@acme.example');
  const hit = ahmed.locator('.search-hit').filter({ hasText: title });
  // The index takes the new workshop within a second; search again until it is there.
  await expect(async () => {
    await ahmed.goto(`/search?q=${encodeURIComponent(`quokka gripper calibration ${stamp}`)}`);
    await expect(hit).toContainText('Workshop', { timeout: 1000 });
  }).toPass({ timeout: 20000 });
  await expect(hit.locator('.hit-sessions')).toContainText('1 place left');
  await hit.getByRole('link', { name: title }).click();
  await expect(ahmed.getByRole('heading', { level: 1, name: title })).toBeVisible();
  const sessions = ahmed.locator('#sessions');
  await expect(sessions).toContainText('Times in Europe/Zurich');
  const basel = sessions.locator('.session-card').filter({ hasText: 'Basel training centre' });
  await expect(basel).toContainText('14:00–16:00');
  await basel.getByRole('button', { name: 'Register' }).click();
  await expect(sessions.locator('.session-outcome')).toContainText('You are registered.');
  await expect(basel).toContainText('You are registered');
  const articleUrl = ahmed.url().replace(/[?#].*$/, '');

  // Nick comes second: the one place is taken, so he joins the waitlist.
  const nick = await personPage(browser, 'nick@northwind.example');
  await nick.goto(articleUrl);
  // With JavaScript running, the answer shows on the page (without, the page reloads).
  await expect(nick.locator('body[data-hydrated]')).toBeAttached();
  const nickBasel = nick.locator('#sessions .session-card').filter({ hasText: 'Basel training centre' });
  await expect(nickBasel).toContainText('Full');
  await nickBasel.getByRole('button', { name: 'Join the waitlist' }).click();
  await expect(nick.locator('#sessions .session-outcome')).toContainText('you are on the waitlist');
  await expect(nickBasel).toContainText('You are number 1 on the waitlist');

  // Ahmed cancels; Nick moves up.
  await basel.getByRole('button', { name: 'Cancel my registration' }).click();
  await expect(sessions.locator('.session-outcome')).toContainText('Your registration is cancelled.');
  await nick.reload();
  await expect(nickBasel).toContainText('You are registered');
  await nick.goto('/my-workshops');
  await expect(nick.getByRole('main')).toContainText(title);

  // The trainer sees Nick registered and nobody waiting.
  await trainer.reload();
  const card = trainer.getByRole('article').filter({ hasText: 'Basel training centre' });
  await expect(card.getByRole('row').filter({ hasText: 'Nick Northwind' })).toContainText('Registered');
  await expect(card).toContainText('Nobody waiting');
});
