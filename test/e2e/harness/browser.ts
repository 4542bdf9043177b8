// A real headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core.
// No browser is ever downloaded: scripts/test-all.sh installs Debian's package.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export interface HeadlessChromium {
  browser: BrowserContext;
  close(): Promise<void>;
}

/** A fresh profile each time: no cookie, cache or history from another run. */
export async function launchChromium(): Promise<HeadlessChromium> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (scripts/test-all.sh does it)`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required',
    ],
    viewport: { width: 412, height: 915 }, // a phone's screen
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
  });
  return {
    browser: context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export type { Browser };
