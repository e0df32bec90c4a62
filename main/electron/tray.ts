import type { AppServices } from '../app/services.ts';
import { type TrayIconState, trayIconState } from '../app/state.ts';
import { type TrayAction, type TrayMenuItem, trayModel } from '../app/tray-model.ts';
import type { ElectronApis, ImageLike, MenuItemOptionsLike } from './apis.ts';

/**
 * The tray icon and its menu, kept in step with the app's state. The icon follows each change at
 * once; the menu is rebuilt at most once per `intervalMs`.
 */
export function createTrayController(
  apis: ElectronApis,
  services: AppServices,
  iconFor: (state: TrayIconState) => ImageLike,
  onAction: (action: TrayAction) => void,
  rebuild: { setTimer: (fn: () => void, ms: number) => () => void; intervalMs: number; now: () => Date },
): { destroy(): void } {
  const initial = trayModel(services.state(), rebuild.now());
  const tray = apis.createTray(iconFor(initial.icon));
  let shownIcon = initial.icon;
  let shownTip: string | undefined;
  let cancelPending: (() => void) | undefined;
  let destroyed = false;
  const showIcon = (icon: TrayIconState) => {
    if (icon === shownIcon) return;
    tray.setImage(iconFor(icon));
    shownIcon = icon;
  };
  const render = () => {
    cancelPending = undefined;
    const model = trayModel(services.state(), rebuild.now());
    showIcon(model.icon);
    if (model.tooltip !== shownTip) tray.setToolTip(model.tooltip);
    shownTip = model.tooltip;
    // Linux (StatusNotifier/AppIndicator) only shows a menu handed over again: rebuild, not patch.
    tray.setContextMenu(apis.Menu.buildFromTemplate(model.menu.map((item) => menuItem(item, onAction))));
  };
  render();
  services.onStateChange((state) => {
    if (destroyed) return;
    // The icon is one comparison and tells the most: it follows at once; the menu is batched,
    // since a check of a thousand clusters changes the state a thousand times.
    showIcon(trayIconState(state));
    cancelPending ??= rebuild.setTimer(render, rebuild.intervalMs);
  });
  return {
    destroy() {
      destroyed = true;
      cancelPending?.();
      cancelPending = undefined;
      tray.destroy();
    },
  };
}

function menuItem(item: TrayMenuItem, onAction: (action: TrayAction) => void): MenuItemOptionsLike {
  if (item.type === 'separator') return { type: 'separator' };
  if (item.type === 'submenu') {
    return { type: 'submenu', label: item.label, submenu: item.items.map((i) => menuItem(i, onAction)) };
  }
  const out: MenuItemOptionsLike = { type: item.type, label: item.label, enabled: item.enabled };
  if (item.type === 'checkbox') out.checked = item.checked;
  if (item.toolTip) out.toolTip = item.toolTip;
  const action = item.action;
  if (action) out.click = () => onAction(action);
  return out;
}
