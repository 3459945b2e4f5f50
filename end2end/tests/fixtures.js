// Every spec takes `test` and `expect` from here, not from @playwright/test.
//
// A test fails when any page it opens (in the default context or in one it
// makes with `browser.newContext()`) logs a console error, throws an uncaught
// exception, or the wasm panics (the panic hook logs the panic as a console
// error; an `unreachable` trap is an uncaught exception). A test that means to
// cause an error declares exactly which, before it happens:
//
//   test('...', async ({ page, consoleErrors }) => {
//     consoleErrors.expect(/status of 403/);
//
// Each declared pattern must then be seen at least once, so a declaration
// cannot outlive the error it was written for.
const base = require('@playwright/test');

const test = base.test.extend({
  consoleErrors: [
    async ({ browser, context }, use) => {
      const seen = [];
      const watchPage = (page) => {
        page.on('console', (message) => {
          if (message.type() === 'error') {
            const where = message.location();
            seen.push(`console error on ${page.url()}: ${message.text()} (${where.url}:${where.lineNumber})`);
          }
        });
        page.on('pageerror', (error) => {
          seen.push(`uncaught exception on ${page.url()}: ${error.message}`);
        });
      };
      const watchContext = (watched) => {
        watched.pages().forEach(watchPage);
        watched.on('page', watchPage);
      };
      watchContext(context);
      // Contexts the test makes itself (one per person in a journey).
      const newContext = browser.newContext;
      browser.newContext = async (...options) => {
        const made = await newContext.apply(browser, options);
        watchContext(made);
        return made;
      };
      const expected = [];
      try {
        await use({ expect: (pattern) => expected.push(pattern) });
      } finally {
        browser.newContext = newContext;
      }
      const unexpected = seen.filter((error) => !expected.some((pattern) => pattern.test(error)));
      base.expect(unexpected, 'the pages logged errors no test expected').toEqual([]);
      const unseen = expected.filter((pattern) => !seen.some((error) => pattern.test(error)));
      base.expect(unseen.map(String), 'errors the test expected did not happen').toEqual([]);
    },
    { auto: true },
  ],
});

module.exports = { test, expect: base.expect };
