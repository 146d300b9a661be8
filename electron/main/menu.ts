/** The application menu: standard roles only (no remote links: the app is offline). */
import { app, Menu, type MenuItemConstructorOptions } from 'electron';

/** `showLogs` opens the log file's folder (Help → Show logs). */
export function installMenu(isDev: boolean, showLogs: () => void): void {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        // Reload and DevTools only in development: a reload mid-recording would drop the session.
        ...(isDev ? [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }] : []),
      ],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'Show logs', click: showLogs }, { label: `About ${app.getName()}`, click: () => app.showAboutPanel() }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
