import { toLocale } from '../../i18n/locales.ts';
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
  /**
   * The language to speak in (`en`, `fr`, `es`, `de`, `pt`, or a tag such as `fr-CA`): the host page's
   * own. Left out (or one the desk does not speak), the browser's; else the user's first message decides.
   */
  locale?: string;
}

const script = document.currentScript;
const scriptOrigin = script instanceof HTMLScriptElement && script.src ? new URL(script.src).origin : location.origin;
let current: Widget | null = null;

/** The first of the browser's languages the desk speaks, if any. */
function browserLocale() {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const locale = toLocale(tag);
    if (locale) return locale;
  }
  return null;
}

/** Mounts the help widget (once per page: a second call replaces the first). */
function init(options: InitOptions = {}) {
  current?.destroy();
  current = null;
  const user = options.user && options.user.email && options.user.hash ? options.user : null;
  if (options.user && !user) console.warn('PrismSupport: user needs both email and hash; continuing without identity');
  const apiBase = (options.apiBase ?? scriptOrigin).replace(/\/+$/, '');
  const mount = () => {
    current = mountWidget({ apiBase, user, locale: toLocale(options.locale) ?? browserLocale() }, __WIDGET_CSS__);
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
