import { describe, expect, it } from 'vitest';
import { splitBody } from './split-body.ts';

describe('splitBody', () => {
  it('sets apart a quoted reply with its attribution, also when the attribution wraps', () => {
    const parts = splitBody('My image failed.\n\nOn Fri, 20 Nov 2026 at 09:00, Support <support@\nprismposter.com> wrote:\n> Was it the video studio?\n> Thanks');
    expect(parts.own).toBe('My image failed.');
    expect(parts.quoted).toContain('Was it the video studio?');
    expect(parts.quoted).toContain('wrote:');
  });

  it('keeps inline answers between quoted lines as the sender\'s own', () => {
    const parts = splitBody('> Which studio?\nVideo.\n> And when?\nAt 9:40.');
    expect(parts.own).toBe('Video.\nAt 9:40.');
    expect(parts.quoted).toBe('Which studio?\nAnd when?');
  });

  it('cuts Outlook\'s original message and header block (a reply) from the text', () => {
    const parts = splitBody('It was music.\n\n-----Original Message-----\nFrom: Support\nSent: Friday\nTo: Leo\nSubject: Music\n\nWas it the video studio?');
    expect(parts.own).toBe('It was music.');
    expect(parts.forwarded).toBeNull();
    expect(parts.quoted).toContain('Was it the video studio?');
  });

  it('reads a forwarded message: its header block apart, its text kept', () => {
    const parts = splitBody('See below.\n\n---------- Forwarded message ---------\nFrom: Sam <sam@example.com>\nDate: Thu, Nov 19, 2026 at 3:20 PM\nSubject: fail\nTo: <support@prismposter.com>\n\nMy storyboard failed.\n\n> older quote', true);
    expect(parts.own).toBe('See below.');
    expect(parts.forwarded).toEqual({
      headers: { from: 'Sam <sam@example.com>', date: 'Thu, Nov 19, 2026 at 3:20 PM', subject: 'fail', to: '<support@prismposter.com>' },
      text: 'My storyboard failed.',
    });
    expect(parts.quoted).toBe('older quote');
  });

  it('sets apart signatures: the "-- " delimiter, phone tags, and a sign-off with a few short lines', () => {
    expect(splitBody('It failed.\n-- \nMaya, video editor').signature).toBe('Maya, video editor');
    expect(splitBody('It failed.\n\nSent from my iPhone').own).toBe('It failed.');
    const signOff = splitBody('It failed at 9.\n\nBest regards,\nMaya Berg\nMusic producer, Berlin');
    expect(signOff.own).toBe('It failed at 9.\n\nBest regards,');
    expect(signOff.signature).toBe('Maya Berg\nMusic producer, Berlin');
  });

  it('leaves a plain message as it is', () => {
    expect(splitBody('Line one.\r\nLine two.')).toEqual({ own: 'Line one.\nLine two.', forwarded: null, quoted: '', signature: '' });
  });
});
