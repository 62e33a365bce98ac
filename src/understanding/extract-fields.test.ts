import { describe, expect, it } from 'vitest';
import { extractFields as extract } from './extract-fields.ts';
import { en } from './locales/en.ts';

/** The email intake's reading (moved here with src/email/extract-fields.ts). */
const extractFields = (text: string) => extract(text, en, 'email');

describe('extractFields', () => {
  it('reads the prompt and the error as quoted, and the settings', () => {
    const f = extractFields('The prompt was “a paper boat at dusk” and it showed "Generation failed: model timeout". 4K, 2 reference images, 8-second clip.');
    expect(f).toMatchObject({
      prompt: 'a paper boat at dusk',
      errorMessage: 'Generation failed: model timeout',
      settings: { resolution: '4k', referenceImages: 2, durationSeconds: 8 },
    });
  });

  it('reads "prompt:" and "error:" lines without quotes, leaving trailing settings out of the prompt', () => {
    const f = extractFields('prompt: neon city street in the rain, 1024 x 1024\nerror: Something went wrong. Please try again.');
    expect(f.prompt).toBe('neon city street in the rain');
    expect(f.settings).toEqual({ resolution: '1024x1024' });
    expect(f.errorMessage).toBe('Something went wrong. Please try again.');
  });

  it('names the studio only when one is meant', () => {
    expect(extractFields('My storyboard failed').studio).toBe('storyboard');
    expect(extractFields('The music was fine, but the video failed.').studio).toBe('video');
    expect(extractFields('I make images and videos. Something failed.').studio).toBeNull();
    expect(extractFields('It failed, 2 reference images.').studio).toBeNull();
    // A studio word inside the prompt is the prompt's, not the report's.
    expect(extractFields('The prompt was "a music video of a cat" and the image failed.').studio).toBe('image');
  });

  it('finds the account the text names, run ids and Library links in order, and steps tried', () => {
    const f = extractFields(
      'I sign in with maya.b@example.com. See https://app.prismposter.com/library/lib_12 and gen_77x.\nI retried twice, then used a simpler prompt and checked my credits.',
    );
    expect(f.accountEmail).toBe('maya.b@example.com');
    expect(f.generationIds).toEqual(['lib_12', 'gen_77x']);
    expect(f.stepsTried).toEqual(['retry', 'simplify', 'checked_credits']);
  });

  it('finds nothing in a message that says nothing', () => {
    expect(extractFields('Hello, can you call me?')).toMatchObject({
      accountEmail: null,
      studio: null,
      prompt: null,
      settings: null,
      errorMessage: null,
      generationIds: [],
      stepsTried: [],
    });
  });
});
