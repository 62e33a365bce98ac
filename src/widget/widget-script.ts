import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build` puts the widget and where the Node server reads it from. */
export const WIDGET_SCRIPT_PATH = join(dirname(fileURLToPath(import.meta.url)), '../../dist/widget.js');

/** The built widget, read on each request (a rebuild shows at once), or null when it is not built. */
export async function readWidgetScript(path = WIDGET_SCRIPT_PATH): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return null;
    throw error;
  }
}
