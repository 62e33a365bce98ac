import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('chat configuration', () => {
  it('keeps 256 flow actors between turns by default; CHAT_LIVE_ACTORS sets it, 0 included', () => {
    expect(loadConfig({}).chat.liveActors).toBe(256);
    expect(loadConfig({ CHAT_LIVE_ACTORS: '0' }).chat.liveActors).toBe(0);
    expect(loadConfig({ CHAT_LIVE_ACTORS: ' ' }).chat.liveActors).toBe(256);
  });

  it('refuses a CHAT_LIVE_ACTORS that is not a whole number, naming it', () => {
    for (const bad of ['-1', 'many', '2.5']) expect(() => loadConfig({ CHAT_LIVE_ACTORS: bad })).toThrow(/CHAT_LIVE_ACTORS/);
  });
});

describe('email configuration', () => {
  it('allows 20 auto-replies an hour to unverified senders by default; AUTO_REPLY_UNVERIFIED_PER_HOUR sets it, 0 included', () => {
    expect(loadConfig({}).email.autoReplyUnverifiedPerHour).toBe(20);
    expect(loadConfig({ AUTO_REPLY_UNVERIFIED_PER_HOUR: '0' }).email.autoReplyUnverifiedPerHour).toBe(0);
    expect(loadConfig({ AUTO_REPLY_UNVERIFIED_PER_HOUR: '200' }).email.autoReplyUnverifiedPerHour).toBe(200);
  });

  it('refuses an AUTO_REPLY_UNVERIFIED_PER_HOUR that is not a whole number, naming it', () => {
    for (const bad of ['-1', 'lots', '1.5', '1e3']) {
      expect(() => loadConfig({ AUTO_REPLY_UNVERIFIED_PER_HOUR: bad })).toThrow('configuration: AUTO_REPLY_UNVERIFIED_PER_HOUR: ');
    }
  });
});
