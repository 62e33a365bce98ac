import { describe, expect, it } from 'vitest';
import { classifySmtpError, createSmtpSender } from './smtp-sender.ts';

describe('classifySmtpError', () => {
  it.each([
    [{ message: 'mailbox unavailable', code: 'EENVELOPE', responseCode: 550 }, false],
    [{ message: 'message too big', code: 'EMESSAGE', responseCode: 552 }, false],
    [{ message: 'try again later', code: 'EENVELOPE', responseCode: 451 }, true],
    [{ message: 'connect ECONNREFUSED 127.0.0.1:2525', code: 'ECONNECTION' }, true],
    [{ message: 'Greeting never received', code: 'ETIMEDOUT' }, true],
    [{ message: 'Invalid login', code: 'EAUTH' }, false],
    [{ message: 'No recipients defined', code: 'EENVELOPE' }, false],
    [new Error('socket hang up ECONNRESET'), true],
  ])('%o → retryable %s', (error, retryable) => {
    expect(classifySmtpError(error)).toMatchObject({ status: 'failed', retryable });
  });
});

describe('createSmtpSender', () => {
  it('answers a failure as a value when nothing listens', async () => {
    const smtp = createSmtpSender('smtp://127.0.0.1:1', { timeoutMs: 1000 });
    try {
      const result = await smtp.send({
        from: 'support@prismposter.test',
        to: 'maya@example.com',
        subject: 'x',
        text: 'x',
        html: '<p>x</p>',
        messageId: '<out_1@prismposter.test>',
        inReplyTo: null,
        references: [],
        headers: {},
      });
      expect(result).toMatchObject({ status: 'failed', retryable: true });
    } finally {
      smtp.close();
    }
  });
});
