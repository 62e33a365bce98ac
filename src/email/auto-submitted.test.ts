import type { Header } from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { isAutoSubmitted } from './auto-submitted.ts';

const h = (key: string, value: string): Header => ({ key, originalKey: key, value });

describe('isAutoSubmitted (RFC 3834)', () => {
  it.each([
    ['Auto-Submitted: auto-replied', [h('auto-submitted', 'auto-replied')]],
    ['Auto-Submitted: auto-generated (with a comment)', [h('auto-submitted', 'auto-generated (vacation)')]],
    ['Precedence: bulk', [h('precedence', 'bulk')]],
    ['Precedence: junk', [h('precedence', 'Junk')]],
    ['Precedence: list', [h('precedence', 'list')]],
    ['List-Id', [h('list-id', 'Creators <creators.lists.example.com>')]],
    ['an empty return path', [h('return-path', '<>')]],
    ['a delivery report', [h('content-type', 'multipart/report; report-type=delivery-status; boundary=x')]],
    ['an Exchange out-of-office', [h('x-auto-response-suppress', 'All')]],
  ])('is machine mail: %s', (_, headers) => {
    expect(isAutoSubmitted(headers, 'maya@example.com')).toBe(true);
  });

  it('is machine mail from a mailer daemon or a no-reply address', () => {
    expect(isAutoSubmitted([], 'MAILER-DAEMON@mx.example.net')).toBe(true);
    expect(isAutoSubmitted([], 'no-reply@example.com')).toBe(true);
  });

  it('is a person otherwise, also with Auto-Submitted: no and an ordinary return path', () => {
    expect(isAutoSubmitted([h('auto-submitted', 'no'), h('return-path', '<maya@example.com>'), h('precedence', 'first-class')], 'maya@example.com')).toBe(false);
  });
});
