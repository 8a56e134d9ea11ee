/** appPage: the files the window loads, found from the built main's folder as in out/ and app.asar. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { appPage, isAppUrl } from '../../../src/main/app-page';
import { ROOT } from '../../helpers/runlab-cli';

describe('appPage', () => {
  const page = appPage(join(ROOT, 'out/main'));

  it('finds the renderer, the preload and the window icon next to the built main', async () => {
    expect(page.indexFile).toBe(join(ROOT, 'out/renderer/index.html'));
    expect(page.preloadFile).toBe(join(ROOT, 'out/preload/index.cjs'));
    expect(page.iconFile).toBe(join(ROOT, 'resources/icons/512x512.png'));
    expect(existsSync(page.iconFile)).toBe(true);
    expect(await sharp(page.iconFile).metadata()).toMatchObject({ format: 'png', width: 512, height: 512 });
  });

  it('calls only the built index.html our own page', () => {
    expect(isAppUrl(page, `file://${join(ROOT, 'out/renderer/index.html')}#/history`)).toBe(true);
    expect(isAppUrl(page, `file://${join(ROOT, 'out/renderer/other.html')}`)).toBe(false);
    expect(isAppUrl(page, 'https://example.com/')).toBe(false);
    expect(isAppUrl(page, 'not a url')).toBe(false);
  });
});
