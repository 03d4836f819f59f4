/**
 * How the suite launches Debian's chromium (apt-get install chromium): Playwright's own browser download
 * is not used. Shared by the e2e config and the bench's Chromium renders.
 */
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
