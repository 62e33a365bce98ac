import type { WidgetUser } from './api.ts';
import { type Widget, mountWidget } from './widget.ts';

/** The widget's stylesheet, minified and put in by the build (scripts/build-widget.ts). */
declare const __WIDGET_CSS__: string;

/** What a host page passes to `PrismSupport.init`. */
export interface InitOptions {
  /** The desk's origin, e.g. `https://support.prismposter.com`; defaults to where widget.js came from. */
  apiBase?: string;
  /** The signed-in user, with the hash the host's server computed; leave out for anonymous help. */
  user?: WidgetUser | null;
}

const script = document.currentScript;
const scriptOrigin = script instanceof HTMLScriptElement && script.src ? new URL(script.src).origin : location.origin;
let current: Widget | null = null;

/** Mounts the help widget (once per page: a second call replaces the first). */
function init(options: InitOptions = {}) {
  current?.destroy();
  current = null;
  const user = options.user && options.user.email && options.user.hash ? options.user : null;
  if (options.user && !user) console.warn('PrismSupport: user needs both email and hash; continuing without identity');
  const apiBase = (options.apiBase ?? scriptOrigin).replace(/\/+$/, '');
  const mount = () => {
    current = mountWidget({ apiBase, user }, __WIDGET_CSS__);
  };
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });
  return {
    open: () => current?.open(),
    close: () => current?.close(),
    destroy: () => current?.destroy(),
  };
}

Object.assign(window, { PrismSupport: { init } });
