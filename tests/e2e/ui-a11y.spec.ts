/**
 * Accessibility in Chromium with axe-core: every view passes WCAG 2 A/AA (contrast of text
 * and hints included) in the light and the dark theme; dark follows the system by default
 * and the Settings choice overrides it; the keyboard reaches everything it should (focus on
 * each view's title after a route change, arrow keys move focus in segmented controls, ?
 * opens the shortcut list). Screenshots of each view in both themes at three sizes.
 */
import { seedSyntheticRuns } from '../../bench/synthetic-runs';
import { expect, test } from './fixtures/lab-host';
import { axe, saveShots } from './ui-helpers';

// axe is injected as a script: let it past the page's strict CSP (the app's own code still runs under it).
test.use({ bypassCSP: true });

const SIZES = [
  { width: 1024, height: 700 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

test('every view passes axe (WCAG 2 AA) in light and dark; dark follows the system; keyboard focus', async ({ page, labHost }) => {
  test.setTimeout(180_000);
  const runs = await seedSyntheticRuns(
    labHost.home,
    [0, 1].map((i) => ({
      name: `seeded ${i ? 'momentum' : 'baseline'}`,
      iterations: 750,
      itersPerEpoch: 125,
      floor: 0.1 + i * 0.05,
      seed: i + 1,
      config: { lr: [0.5, 0.1][i]!, epochs: 6, optimizer: i ? 'momentum' : 'sgd' },
    })),
  );
  const ids = runs.map((r) => r.id);
  const views = [
    { name: 'new', hash: '#/new', ready: 'start-run' },
    { name: 'live', hash: `#/live?runs=${ids[0]}`, ready: 'loss-chart' },
    { name: 'history', hash: '#/history', ready: 'history-table' },
    { name: 'compare', hash: `#/compare?runs=${ids.join(',')}`, ready: 'summary-table' },
    { name: 'settings', hash: '#/settings', ready: 'theme-choice' },
  ];

  // The system says dark, the setting says nothing: dark.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${labHost.url}#/settings`);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByTestId('theme-resolved')).toHaveText('Showing the dark theme.');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');

  const problems: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const view of views) {
      await page.goto(`${labHost.url}${view.hash}`);
      await expect(page.getByTestId(view.ready).first()).toBeVisible();
      await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
      await page.waitForTimeout(300);
      for (const line of await axe(page)) problems.push(`${scheme} ${view.name}: ${line}`);
      await saveShots(page, `a11y-${view.name}`, SIZES, [scheme]);
    }
  }
  expect(problems, problems.join('\n')).toEqual([]);

  // The setting overrides the system, and is kept.
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${labHost.url}#/settings`);
  await page.getByTestId('theme-choice').getByRole('radio', { name: 'Dark' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  // Arrow keys move the selection and the focus together.
  await page.getByTestId('theme-choice').getByRole('radio', { name: 'Dark' }).focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('theme-choice').getByRole('radio', { name: 'Light' })).toBeFocused();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('theme-choice').getByRole('radio', { name: 'Follow the system' })).toBeFocused();

  // A route change puts the focus on the new view's title; shortcuts go to views; ? lists them.
  await page.locator('body').click({ position: { x: 600, y: 600 } });
  await page.keyboard.press('h');
  await expect(page).toHaveURL(/#\/history/);
  await expect(page.getByRole('heading', { level: 1, name: 'History' })).toBeFocused();
  await page.keyboard.press('/');
  await expect(page.getByTestId('history-filter')).toBeFocused();
  // Typed into a field, a letter is a letter, not a shortcut.
  await page.keyboard.type('c');
  await expect(page).toHaveURL(/#\/history/);
  await expect(page.getByTestId('history-filter')).toHaveValue('c');
  await page.getByTestId('history-filter').fill('');
  await page.getByTestId('nav-compare').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Compare' })).toBeFocused();
  await page.keyboard.press('Shift+?');
  await expect(page.getByTestId('shortcuts-dialog')).toBeVisible();
  await expect(page.getByTestId('shortcuts-dialog')).toContainText('Switch the y axis between linear and log');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('shortcuts-dialog')).not.toBeVisible();
});
