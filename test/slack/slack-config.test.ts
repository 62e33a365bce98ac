import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

describe('Slack configuration', () => {
  it('is off without a token and a signing secret', () => {
    expect(loadConfig({}).slack).toBeNull();
    expect(loadConfig({ SLACK_TRIAGE_CHANNEL: 'C1' }).slack).toBeNull();
  });

  it("takes the token, the secret and the channel, with Slack's own API by default", () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_TRIAGE_CHANNEL: 'C1' }).slack).toEqual({
      botToken: 'xoxb-1',
      signingSecret: 's',
      triageChannel: 'C1',
      apiUrl: 'https://slack.com/api/',
    });
    const local = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_TRIAGE_CHANNEL: 'C1', SLACK_API_URL: 'http://127.0.0.1:9/api' });
    expect(local.slack?.apiUrl).toBe('http://127.0.0.1:9/api/');
  });

  it('names the missing variable', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_TRIAGE_CHANNEL: 'C1' })).toThrow(/SLACK_SIGNING_SECRET is required/);
    expect(() => loadConfig({ SLACK_SIGNING_SECRET: 's', SLACK_TRIAGE_CHANNEL: 'C1' })).toThrow(/SLACK_BOT_TOKEN is required/);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' })).toThrow(/SLACK_TRIAGE_CHANNEL is required/);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'x', SLACK_SIGNING_SECRET: 's', SLACK_TRIAGE_CHANNEL: 'C1', SLACK_API_URL: 'not a url' })).toThrow(/SLACK_API_URL/);
  });
});
