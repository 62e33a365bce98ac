import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('widget configuration', () => {
  it('signs the demo page in only over the seeded demo data by default; WIDGET_DEMO=on or off says otherwise', () => {
    expect(loadConfig({}).widget.demo).toBe('auto');
    for (const value of ['auto', 'on', 'off'] as const) expect(loadConfig({ WIDGET_DEMO: value }).widget.demo).toBe(value);
  });

  it('refuses any other WIDGET_DEMO, naming it', () => {
    for (const bad of ['yes', 'true', '1']) expect(() => loadConfig({ WIDGET_DEMO: bad })).toThrow(/WIDGET_DEMO/);
  });
});

describe('automatic refunds configuration', () => {
  it('limits automatic refunds per account over 24 hours by default; AUTO_REFUND_WINDOW_HOURS sets the window', () => {
    expect(loadConfig({})).toMatchObject({ autoRefundLimit: 0, autoRefundWindowMs: 24 * 60 * 60 * 1000 });
    expect(loadConfig({ AUTO_REFUND_LIMIT: '50', AUTO_REFUND_WINDOW_HOURS: '168' })).toMatchObject({ autoRefundLimit: 50, autoRefundWindowMs: 168 * 60 * 60 * 1000 });
  });

  it('refuses an AUTO_REFUND_WINDOW_HOURS that is not a whole number of hours from 1, naming it', () => {
    for (const bad of ['0', '-24', 'a day', '1.5']) expect(() => loadConfig({ AUTO_REFUND_WINDOW_HOURS: bad })).toThrow(/^configuration: AUTO_REFUND_WINDOW_HOURS: /);
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

describe('staff console configuration', () => {
  it('starts sign-in links with PUBLIC_URL, by default http://localhost:PORT', () => {
    expect(loadConfig({}).console.publicUrl).toBe('http://localhost:8787');
    expect(loadConfig({ PORT: '9000' }).console.publicUrl).toBe('http://localhost:9000');
    expect(loadConfig({ PUBLIC_URL: 'https://support.prismposter.com/' }).console.publicUrl).toBe('https://support.prismposter.com');
  });

  it('refuses a PUBLIC_URL that is no http(s) origin, naming it', () => {
    for (const bad of ['support.prismposter.com', 'ftp://support.prismposter.com', 'https://prismposter.com/support']) {
      expect(() => loadConfig({ PUBLIC_URL: bad })).toThrow(/^configuration: PUBLIC_URL: /);
    }
  });
});
