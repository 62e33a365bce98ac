import { NormalizerEn, StemmerEn, registerTrigrams } from '@nlpjs/lang-en-min';
import * as chrono from 'chrono-node/en';
import type { LocalePack } from './locale-pack.ts';

const normalizer = new NormalizerEn();
const stemmer = new StemmerEn();
const words = (text: string) => new Set(text.split(/\s+/).filter(Boolean));
/** A lookup table: stems and stemmed phrases, `|`-separated. */
const list = (text: string) => text.split('|');

/** English: the language built and measured in full (BENCHMARKS.md, "Understanding people"). */
export const en: LocalePack = {
  locale: 'en',
  alpha3: 'eng',
  // NLP.js's English trigram model (@nlpjs/lang-en-min) for the language guesser.
  registerTrigrams: (guesser) => registerTrigrams({ get: () => guesser }),
  normalize: (text) => normalizer.normalize(text),
  stem: (tokens) => stemmer.stem(tokens),
  parseDates: (text, ref) => chrono.parse(text, ref),

  contractions: [
    [/\bcan'?t\b/g, 'can not'],
    [/\bwon'?t\b/g, 'will not'],
    [/\bain'?t\b/g, 'is not'],
    [/n't\b/g, ' not'],
    [/'m\b/g, ' am'],
    [/'re\b/g, ' are'],
    [/'ve\b/g, ' have'],
    [/'ll\b/g, ' will'],
    [/'d\b/g, ' would'],
    [/\b(it|that|what|there|here|he|she|who|where)'s\b/g, '$1 is'],
    [/'s\b/g, ''],
  ],
  rewrites: {
    dont: 'do not', didnt: 'did not', doesnt: 'does not', isnt: 'is not', wasnt: 'was not', werent: 'were not',
    arent: 'are not', wont: 'will not', cant: 'can not', cannot: 'can not', couldnt: 'could not', havent: 'have not',
    hasnt: 'has not', hadnt: 'had not', aint: 'is not', shouldnt: 'should not', wouldnt: 'would not', dnt: 'do not',
    didn: 'did not', doesn: 'does not', don: 'do not', isn: 'is not', wasn: 'was not', haven: 'have not', hasn: 'has not',
    its: 'it is', im: 'i am', ive: 'i have', ill: 'i will', youre: 'you are', thats: 'that is', whats: 'what is',
    theres: 'there is', lets: 'let us', gonna: 'going to', wanna: 'want to', gotta: 'got to',
    u: 'you', ur: 'your', r: 'are', y: 'why', pls: 'please', plz: 'please', plse: 'please', pleas: 'please',
    thx: 'thanks', thnx: 'thanks', ty: 'thanks', tysm: 'thanks', thanx: 'thanks', nvm: 'never mind', nevermind: 'never mind',
    idk: 'i do not know', rn: 'right now', bc: 'because', cuz: 'because', coz: 'because', cos: 'because',
    ok: 'okay', k: 'okay', kk: 'okay', okk: 'okay', okey: 'okay', ya: 'yeah', yea: 'yeah', yah: 'yeah', ye: 'yeah',
    yup: 'yep', yas: 'yes', yess: 'yes', ja: 'yes', nah: 'nope', naw: 'nope', nop: 'nope', hii: 'hi', hiya: 'hi', heya: 'hey',
    msg: 'message', vid: 'video', pic: 'picture', pics: 'pictures', img: 'image', imgs: 'images', creds: 'credits',
    acct: 'account', gen: 'generation', gens: 'generations', w: 'with', wo: 'without', b4: 'before', agn: 'again',
    smth: 'something', sth: 'something', smthg: 'something', tho: 'though', thru: 'through', ppl: 'people', bot: 'bot',
    videostudio: 'video studio', imagestudio: 'image studio', musicstudio: 'music studio', storyboardstudio: 'storyboard studio',
    anymore: 'any more', nomore: 'no more', noone: 'no one', gotcha: 'got it', sry: 'sorry', srsly: 'seriously',
    wtf: 'what the hell', omg: 'oh my god', lol: 'haha', lmao: 'haha', ffs: 'for god sake', tbh: 'to be honest',
  },
  negators: words('not no never without nor neither nothing none nobody'),
  postNegators: words(''),
  finalNegators: words(''),
  leadingNo: {
    words: words('no'),
    fillers: words('yeah yes oh ah um uh well'),
    statementStart: words('it i that this the still we my you thanks thank sorry wait same its nope'),
  },
  scopeSkip: words(''),
  scopeBreakers: words('but and so because though although then however while whereas yet just or if when since'),
  desire: words('need want wish hope please get make can could would must should how gotta'),
  failureNouns: words('error errors timeout failure problem issue message capacity'),
  cessation: words('gone away disappeared vanished stopped stop cleared anymore'),
  lookups: {
    success: list('work|worked|helped|success|succeeded|fixed|solved|sorted|finished|done|completed|arrived|appeared|rendered fine|went through|came out|came through|showed up|popped up|turned up|did it|did the trick|that helped|it helped|emoji_ok|emoji_happy|got it|there it is|ready|in my library|in the library|downloaded|loaded'),
    failure: list('fail|failed|failure|error|errors|broke|broken|crashed|timeout|time out|timed out|same|again|emoji_bad|hangs|hung|frozen|no luck|no dice|nothing changed|did nothing|no difference|useless'),
    send: list('send|submit|escalate|forward|file it|report it|go ahead|do it|ship it|fire away|sounds right|sounds good|looks good|looks right|confirm|ticket|pass it on'),
    hold: list('never mind|hold off|hold on|later|tomorrow|cancel|forget it|forget about it|wait|leave it|not now|skip|rather not|myself|no need|not necessary|unnecessary|not needed|do not bother'),
    yes: list('yes|yeah|yep|sure|okay|correct|right|absolutely|definitely|certainly|of course|affirmative|exactly|indeed|aye|uh huh|mhm|why not|i guess so|i think so|true|emoji_ok'),
    no: list('no|nope|negative|nay|wrong|incorrect|i guess not|i do not think so|not really|emoji_bad'),
    repeat: list('still|again|same|keeps|every time|twice|three times|each time|retried|tried again|any more|no longer|stopped'),
    waiting: list('queued|queue|processing|pending|spinning|loading|waiting|progress|hours|minutes|forever|ages|long|sits there|stuck|frozen|rendering|generating|running|in progress|not yet|yet|emoji_wait'),
    greet: list('hello|hi|hey|yo|hiya|howdy|morning|good afternoon|good evening|sup|greetings|anyone there|anybody|how are you'),
    thanks: list('thanks|thank you|cheers|appreciate|grateful'),
    bye: list('bye|goodbye|see ya|cya|good one|nice day|that is all|that is it|nothing else|nothing more|all set|i am good|i am fine|we are done|close|end chat|no further|no more questions'),
    person: list('human|person|agent|someone|somebody|representative|manager|supervisor|operator|staff|real|live|call|phone|bot|speak|talk|chat with|contact|reach'),
    money: list('refund|credits|credit|money|charged|charge|paid|pay|balance|cost|owe|compensate|deducted|wasted|back'),
    ask: list('how|why|what|where|when|which|is there|do i|does|should i|can i|will|is it|are there'),
    studio: list('video|image|music|song|storyboard|clip|picture|photo|render|track|studio|generation|prompt'),
    other: list('other|another|different|else|none|neither|older|last week|not listed|not in the list|not there|unrelated|wrong run|not the one|not this one|not that one'),
  },
  fields: {
    studios: [
      ['video', /\b(?:videos?|vids?|vidéos?|clips?|animations?)\b|\bvideo ?studio\b|動画|ビデオ|视频|видео/i],
      ['image', /\b(?<!reference )(?:images?|pictures?|photos?|pics?|imgs?|bild(?:er)?|imagen(?:es)?)\b|\bimage ?studio\b|画像|图片|изображени|картинк/i],
      ['music', /\b(?:music|musik|musique|música|songs?|soundtracks?|audio|melody|tracks?)\b|\bmusic ?studio\b|音楽|音乐|музык/i],
      ['storyboard', /\bstory ?boards?\b|\bstoryboard ?studio\b|ストーリーボード|раскадровк/i],
    ],
    explicitStudio: /\b(video|image|music|storyboard) ?studio\b/i,
    clauses: /(?<=[.!?;])\s+|\n+|,?\s+\b(?:but|while|whereas|although|and then|then)\b\s+|,\s+(?=(?:the|my|but|and|that|which)\b)/i,
    promptLine: /\bprompt(?: was| is)?\s*[:\-–]\s*([^\n]{3,600})/i,
    errorAfterColon:
      /\b(?:(?:the )?error(?: message)?(?: was| is| said| says)?|failed with|fails with|it said|it says|message(?: was| said)?|got(?: this| the| an?)?(?: error)?)\s*[:\-–]\s*([^\n]{3,400})/i,
    settings: {
      references: /\b(\d{1,2}|no|a|an|one|two|three|four|five|six)\s+reference\s+(?:images?|photos?|pictures?)\b/i,
      referencesLabel: /\breference (?:images?|photos?)\s*[:=]\s*(\d{1,2})\b/i,
      duration: /\b(\d{1,3})[-\s]?(?:seconds?|secs?|s)[-\s](?:long\b|video|clip|song|track|animation)|\bduration\D{0,12}?(\d{1,3})\s?(?:seconds?|secs?|s)\b/i,
      numbers: { no: 0, a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6 },
    },
    timeHint: /\d{1,2}(?::|h)\d\d\b|\d\s?[ap]\.?m\b|\bago\b|\b(?:noon|midday|midnight)\b|\b(?:at|around|about|by|since)\s+\d{1,2}\b/i,
    bareHour: {
      pattern:
        /\b(?:around|about|approx\.?|approximately|roughly)\s+(\d{1,2})(?![\d:.,]|\s*(?:min|h\b|hours?|credits?|%|x\b|k\b|p\b|s\b|days?|weeks?|runs?|times?|seconds?|secs?|panels?|images?|videos?|songs?|tries|attempts?))/gi,
      prefix: 'at ',
    },
    beforePrompt: /\bprompts?\b[^.!?\n"“„«']{0,40}$/i,
    afterPrompt: /^\s*(?:as|was|is) (?:the|my) prompt\b/i,
    beforeError: /\b(?:error|errors|message|said|says|saying|showed|shows|displayed|displays|reads|read|popup|pop-up|got|notice|banner|failed with|with|gave me|giving me|gives me)\b[^.!?\n"“„«']{0,40}$/i,
    labels: {
      prompt: /^(?:the )?(?:my )?prompt(?: text| used)?(?: was| is)?$/i,
      error: /^(?:the )?(?:error|error message|message|reason|failure reason|details?)(?: was| is| shown| said)?$/i,
      time: /^(?:time|date|when|started|submitted|created|failed at|time \(utc\)|timestamp)$/i,
      studio: /^(?:studio|tool|app)$/i,
      account: /^(?:account|account email|e-?mail|login)$/i,
      generation: /^(?:generation(?: id)?|run(?: id)?|job(?: id)?|id)$/i,
    },
    account:
      /\b(?:my account(?: email| e-mail| address)?(?: is| =)?|account(?: email| e-mail)?\s*(?:is|:)|(?:sign|log|logged|signed)[- ]?(?:in|on|up) (?:with|as|using)|registered (?:with|under|as)|account (?:under|with))\s*:?\s*<?([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})>?/i,
    trouble:
      /\b(?:fail\w*|errors?|error(?:ed|ing)|erroring|stuck|broke\w*|crash\w*|didn'?t work|did not work|does ?n[o']?t work|won'?t|never (?:finished|arrived|appeared|loaded)|timed? ?out|charged|lost|missing|hangs?|hung|spinning|processing|fehlgeschlagen|fehler|échoué|erreur)\b|失敗|エラー|失败|ошибк|не работает/i,
    fine: /\b(?:worked|works|was fine|went fine|went through|succeeded|finished|came out|turned out|no problems?)\b/i,
    steps: [
      ['retry', /\b(?:retried|re-tried|tried (?:it )?again|tried (?:it )?(?:twice|three times|\d+ times|several times|multiple times|a few times|a couple (?:of )?times)|re-?ran|re-?submitted|regenerated|after retrying|retrying)\b/i],
      ['simplify', /\b(?:simplif(?:y|ied)|shorter prompt|simpler prompt|shortened (?:the |my )?prompt|lower(?:ed)? (?:the )?resolution|removed (?:the )?reference)/i],
      ['checked_credits', /\b(?:checked (?:my |the )?(?:credits?|balance)|credits? (?:page|history)|my (?:credits?|balance) (?:dropped|went down|decreased)|credits? (?:were|was) (?:taken|deducted|charged))/i],
    ],
    morning: /\b(?:morning|a\.?m\.?)\b/i,
    evening: /\b(?:afternoon|evening|tonight|night|p\.?m\.?)\b/i,
  },
};
