import type { Header } from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { isTrustedSender, parseAuthenticationResults } from './sender-trust.ts';

const h = (key: string, value: string): Header => ({ key, originalKey: key, value });
const from = h('from', 'Maya <maya@example.com>');
const ours = (rest: string) => h('authentication-results', `mx.desk.test; ${rest}`);

describe('isTrustedSender', () => {
  it('trusts dmarc=pass for the From domain from our own server only', () => {
    expect(isTrustedSender([ours('dmarc=pass (p=reject; dis=none) header.from=Example.COM'), from], 'maya@example.com', 'mx.desk.test')).toBe(true);
    expect(isTrustedSender([ours('dmarc=pass header.from=example.com'), from], 'maya@example.com', null)).toBe(false);
    expect(isTrustedSender([h('authentication-results', 'mx.other.test; dmarc=pass header.from=example.com'), from], 'maya@example.com', 'mx.desk.test')).toBe(false);
    expect(isTrustedSender([ours('dmarc=fail header.from=example.com'), from], 'maya@example.com', 'mx.desk.test')).toBe(false);
    expect(isTrustedSender([ours('dmarc=pass header.from=other.example'), from], 'maya@example.com', 'mx.desk.test')).toBe(false);
    expect(isTrustedSender([ours('spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com'), from], 'maya@example.com', 'mx.desk.test')).toBe(false);
  });

  it('believes only the topmost header of our server: a sender can write a forged one further down', () => {
    const headers = [ours('dmarc=fail header.from=example.com'), ours('dmarc=pass header.from=example.com'), from];
    expect(isTrustedSender(headers, 'maya@example.com', 'mx.desk.test')).toBe(false);
  });

  it('never trusts a message with several From addresses', () => {
    const pass = ours('dmarc=pass header.from=example.com');
    expect(isTrustedSender([pass, h('from', 'maya@example.com, eve@example.com')], 'maya@example.com', 'mx.desk.test')).toBe(false);
    expect(isTrustedSender([pass, from, h('from', 'eve@example.com')], 'maya@example.com', 'mx.desk.test')).toBe(false);
  });

  it('parses results with comments, versions and quoted values', () => {
    expect(parseAuthenticationResults('MX.Desk.Test 1; dmarc=pass (p=none; sp=none) header.from="example.com"; spf=softfail smtp.mailfrom=a@b.c')).toEqual({
      authservId: 'mx.desk.test',
      results: [
        { method: 'dmarc', result: 'pass', props: { 'header.from': 'example.com' } },
        { method: 'spf', result: 'softfail', props: { 'smtp.mailfrom': 'a@b.c' } },
      ],
    });
  });
});
