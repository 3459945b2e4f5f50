// A crawl of the whole site as each demo person, at a desk and on a phone:
// every page the main navigation reaches, and the first link of every other
// kind of page found on the way (a case, an article, an order, an invoice, a delivery, a workshop, a
// draft...). Each page must answer without an error status (its assets too),
// log no console error (the shared fixture), and have no accessibility
// violation that axe-core rates serious or critical.
const AxeBuilder = require('@axe-core/playwright').default;
const { test, expect } = require('./fixtures');
const { signIn } = require('./helpers');

const PEOPLE = [
  ['admin', 'admin@rapport.example'],
  ['agent', 'agent@rapport.example'],
  ['trainer', 'trainer@rapport.example'],
  ['customer admin', 'olivia@northwind.example'],
  ['customer', 'nick@northwind.example'],
];

const WIDTHS = [
  ['desk', { width: 1280, height: 900 }],
  ['phone', { width: 375, height: 740 }],
];

// The detail pages a list links to: the crawl follows the first link of each kind.
const DETAILS = [
  /^\/cases\/C-\d+$/,
  /^\/cases\/new$/,
  /^\/kb\/categories\/[^/]+$/,
  /^\/kb\/(?!categories\/)[^/]+$/,
  /^\/orders\/[^/?]+$/,
  /^\/invoices\/[^/?]+$/,
  /^\/deliveries\/[^/?]+$/,
  /^\/invoices$/,
  /^\/deliveries$/,
  /^\/my-workshops$/,
  /^\/write\/new$/,
  /^\/write\/insights$/,
  /^\/write\/\d+$/,
  /^\/write\/\d+\/preview$/,
  /^\/write\/\d+\/history$/,
  /^\/write\/\d+\/sessions$/,
  /^\/canned-replies$/,
  /^\/organization$/,
];

// Server functions a page calls from the browser by design once it is
// loaded: an agent's case page says the agent is looking at it.
const ASKED_BY_DESIGN = ['/api/case_presence'];

/** The same-site paths the page links to, in page order. */
async function linksOn(page) {
  const hrefs = await page.locator('a[href^="/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  return hrefs.map((href) => href.split('#')[0]).filter(Boolean);
}

/** Visit `path` and list what is wrong with it. */
async function check(page, path) {
  const problems = [];
  const failed = [];
  const onResponse = (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${new URL(response.url()).pathname}`);
  };
  page.on('response', onResponse);
  // Requests in flight, but for the case event stream, which stays open
  // (so the page never becomes "network idle").
  const inFlight = new Set();
  // Server functions the page called while it loaded: a page rendered on the
  // server sends its data along, so a hydrating page that asks again means
  // the server built something twice or the browser missed what it sent.
  const askedAgain = [];
  const started = (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.startsWith('/events/')) return;
    inFlight.add(request);
    if (request.method() === 'POST' && pathname.startsWith('/api/') && !pathname.startsWith('/api/v1/')
        && !ASKED_BY_DESIGN.includes(pathname)) askedAgain.push(pathname);
  };
  const ended = (request) => inFlight.delete(request);
  page.on('request', started);
  page.on('requestfinished', ended);
  page.on('requestfailed', ended);
  const response = await page.goto(path);
  if (!response || response.status() >= 400) problems.push(`${path} answered ${response && response.status()}`);
  await page.locator('body[data-hydrated]').waitFor();
  // Settled: nothing in flight for half a second (or ten seconds passed).
  for (let quiet = 0, waited = 0; quiet < 5 && waited < 100; waited++) {
    await page.waitForTimeout(100);
    quiet = inFlight.size === 0 ? quiet + 1 : 0;
  }
  page.off('response', onResponse);
  page.off('request', started);
  page.off('requestfinished', ended);
  page.off('requestfailed', ended);
  for (const failure of failed) problems.push(`${path} loaded ${failure}`);
  if (askedAgain.length > 0) problems.push(`${path} asked the server again while loading: ${askedAgain.join(', ')}`);
  const axe = await new AxeBuilder({ page }).analyze();
  for (const violation of axe.violations) {
    // Serious and critical ones, and two search landmarks of the same name
    // (moderate for axe, but a screen reader's landmark list cannot tell them apart).
    if (violation.impact === 'serious' || violation.impact === 'critical' || violation.id === 'landmark-unique') {
      const where = violation.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ');
      problems.push(`${path}: ${violation.impact} ${violation.id} (${violation.help}) at ${where}`);
    }
  }
  return problems;
}

for (const [widthName, viewport] of WIDTHS) {
  test.describe(`on a ${widthName} (${viewport.width} px)`, () => {
    test.use({ viewport });
    for (const [role, email] of PEOPLE) {
      test(`every page the ${role} can reach works and is accessible`, async ({ page }) => {
        test.setTimeout(180_000);
        await signIn(page, email);
        const navigation = await page
          .getByRole('navigation', { name: 'Main' })
          .locator('a[href^="/"]')
          .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
        const toVisit = [...new Set(['/', '/dashboard', '/account', '/search?q=export', ...navigation])];
        const visited = new Set();
        const followed = new Set();
        const problems = [];
        while (toVisit.length > 0) {
          const path = toVisit.shift();
          if (visited.has(path)) continue;
          visited.add(path);
          problems.push(...(await check(page, path)));
          // The first link of each kind of page it has not seen yet.
          for (const link of await linksOn(page)) {
            const kind = DETAILS.find((pattern) => pattern.test(link));
            if (kind && !followed.has(kind)) {
              followed.add(kind);
              toVisit.push(link);
            }
          }
        }
        test.info().annotations.push({ type: 'pages', description: [...visited].join(' ') });
        expect(visited.size).toBeGreaterThan(3);
        expect(problems, `problems on the ${role}'s pages`).toEqual([]);
      });
    }
  });
}
