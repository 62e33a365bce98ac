import { describe, expect, it } from 'vitest';
import { maskSecrets } from './mask-secrets.ts';

describe('maskSecrets: card numbers', () => {
  it.each([
    ['4111 1111 1111 1111', '1111'],
    ['4111-1111-1111-1111', '1111'],
    ['4111111111111111', '1111'],
    ['5500 0000 0000 0004', '0004'],
    ['3782 822463 10005', '0005'],
    ['6011-1111-1111-1117', '1117'],
    ['4222222222222', '2222'],
  ])('masks %s to its last four digits', (card, last4) => {
    const masked = maskSecrets(`I paid with ${card} yesterday.`);
    expect(masked).toBe(`I paid with [card ending ${last4}] yesterday.`);
  });

  it('masks a card written next to its expiry or security code', () => {
    expect(maskSecrets('card 4111 1111 1111 1111 123 exp 12/28')).toBe('card [card ending 1111] 123 exp 12/28');
    expect(maskSecrets('4242 4242 4242 4242 12 28')).toBe('[card ending 4242] 12 28');
    expect(maskSecrets('4012888888881881-123')).toBe('[card ending 1881]-123');
  });

  it('masks every card of a message, at its start and end too', () => {
    expect(maskSecrets('4111111111111111 then 5500-0000-0000-0004')).toBe('[card ending 1111] then [card ending 0004]');
    expect(maskSecrets('old card: 4111 1111 1111 1111\nnew card: 5500 0000 0000 0004')).toBe(
      'old card: [card ending 1111]\nnew card: [card ending 0004]',
    );
  });

  it.each([
    ['a number of card length that fails Luhn', 'card 4111 1111 1111 1112 declined'],
    ['an order id', 'order 1234567890123 was charged twice'],
    ['an international phone number', 'call me on +49 30 1234 5678 90 or +1 415 555 2671'],
    ['a run id', 'gen_123 and gen_m2 failed'],
    ['a run id glued to card-like digits', 'see run gen_4111111111111111'],
    ['amounts, dates and resolutions', 'charged 40 credits on 2026-11-20 at 14:05, 4k, 1024x1024, 1080p'],
    ['a plain sentence', 'My festival poster failed twice.'],
  ])('leaves %s untouched', (_what, text) => {
    expect(maskSecrets(text)).toBe(text);
  });
});

describe('maskSecrets: passwords', () => {
  it.each([
    ['password: hunter2', 'password: [masked]'],
    ['my password is hunter2', 'my password is [masked]'],
    ['pwd=hunter2', 'pwd=[masked]'],
    ['Password = hunter2!', 'Password = [masked]'],
    ['my password was hunter2 before the reset', 'my password was [masked] before the reset'],
    ['password is: hunter2', 'password is: [masked]'],
    ['passcode - 99ballons', 'passcode - [masked]'],
    ['PIN 4821', 'PIN [masked]'],
    ['pass: hunter2', 'pass: [masked]'],
    ['my password is "correct horse battery" ok', 'my password is [masked] ok'],
  ])('masks %j', (text, expected) => {
    const masked = maskSecrets(text);
    expect(masked).toBe(expected);
    expect(masked).not.toMatch(/hunter2|4821|99ballons|horse/);
  });

  it('masks a password inside a longer message', () => {
    expect(maskSecrets('I logged in (password: s3cret!) and the run failed')).toBe('I logged in (password: [masked] and the run failed');
  });

  it('leaves "pass" in ordinary sentences alone', () => {
    const text = 'Can you pass this to the team? I passed the prompt check.';
    expect(maskSecrets(text)).toBe(text);
  });

  it('masks cards and passwords in one message', () => {
    expect(maskSecrets('pwd=abc123 and card 4111 1111 1111 1111')).toBe('pwd=[masked] and card [card ending 1111]');
  });
});
