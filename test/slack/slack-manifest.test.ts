import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND } from '../../adapters/slack/slash-command.ts';

const manifest = readFileSync(new URL('../../adapters/slack/manifest.yaml', import.meta.url), 'utf8');

describe('adapters/slack/manifest.yaml', () => {
  it('points events, interactivity and the command at POST /slack/events', () => {
    expect(manifest.match(/^\s+(?:url|request_url): https:\/\/[^\s]+\/slack\/events$/gm)).toHaveLength(3);
    expect(manifest).toMatch(/^\s+interactivity:\n\s+is_enabled: true$/m);
  });

  it('declares the command the app listens to and the scopes and events it uses', () => {
    expect(manifest).toContain(`- command: ${COMMAND}\n`);
    for (const scope of ['chat:write', 'commands', 'users:read', 'channels:history', 'groups:history']) {
      expect(manifest).toMatch(new RegExp(`^\\s+- ${scope}\\b`, 'm'));
    }
    for (const event of ['message.channels', 'message.groups']) expect(manifest).toMatch(new RegExp(`^\\s+- ${event}$`, 'm'));
    expect(manifest).toMatch(/socket_mode_enabled: false/);
  });
});
