/**
 * The one data folder of the app and the CLI (recordings, library, datasets, models):
 * --user-data DIR (CLI), else $CELLSCRIBE_USER_DATA, else Electron's place for the app name
 * "CellScribe" on this OS (Linux: $XDG_CONFIG_HOME or ~/.config; macOS: ~/Library/Application
 * Support; Windows: %APPDATA%). Electron's main process sets its userData to this, so both
 * always agree (Electron's own default would use package.json's lower-case name on Linux).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_NAME = 'CellScribe';

export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_NAME);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_NAME);
}

export function userDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? (env.CELLSCRIBE_USER_DATA || defaultUserDataDir(env));
}
