const { chromium } = require('playwright');
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  const base = 'http://127.0.0.1:3917';
  const shots = [
    ['forgot', '/forgot-password', null],
    ['sent', '/register/sent', null],
    ['badlink', '/reset-password?token=00', null],
    ['account', '/account', 'greta@globex.example'],
    ['users', '/admin/users', 'admin@rapport.example'],
    ['org', '/organization', 'olivia@northwind.example'],
  ];
  for (const width of [1280, 375]) {
    for (const [name, path, who] of shots) {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      if (who) {
        await page.goto(base + '/sign-in');
        await page.getByLabel('E-mail address').fill(who);
        await page.getByLabel('Password').fill('rapport-demo');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL(/dashboard/);
      }
      await page.goto(base + path);
      await page.waitForTimeout(800);
      await page.screenshot({ path: `/tmp/shot-${name}-${width}.png`, fullPage: true });
      await context.close();
    }
  }
  await browser.close();
})();
