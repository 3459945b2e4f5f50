const { chromium } = require('playwright-core');
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu'] });
  const base = 'http://127.0.0.1:3111';
  const shots = async (page, name, url, width) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(base + url);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: `/tmp/shot/${name}.png`, fullPage: true });
  };
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  /*await shots(page, 'kb-home', '/kb', 1280);
  await shots(page, 'kb-article', '/kb/open-a-case-that-gets-solved-quickly', 1280);
  await shots(page, 'kb-article-phone', '/kb/open-a-case-that-gets-solved-quickly', 390);
  await shots(page, 'search', '/search?q=priorty', 1280);
  await shots(page, 'search-phone', '/search?q=priorty', 390);*/
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(base + '/kb');
  await page.waitForLoadState('networkidle');
  await page.fill('#header-search-q', 'reset pass');
  await page.waitForTimeout(1200);
  await page.screenshot({ path: '/tmp/shot/header-suggest.png' });
  // customer new case
  await page.goto(base + '/sign-in');
  await page.fill('input[name=email]', 'nick@northwind.example');
  await page.fill('input[name=password]', 'rapport-demo');
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/dashboard');
  await page.goto(base + '/cases/new');
  await page.waitForLoadState('networkidle');
  await page.fill('input[name=subject]', 'How do I attach a screenshot');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: '/tmp/shot/new-case.png', fullPage: true });
  await browser.close();
})();
