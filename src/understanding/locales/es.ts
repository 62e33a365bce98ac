import NormalizerEs from '@nlpjs/lang-es/src/normalizer-es.js';
import StemmerEs from '@nlpjs/lang-es/src/stemmer-es.js';
import registerTrigrams from '@nlpjs/lang-es/src/trigrams.js';
import * as chrono from 'chrono-node/es';
import type { LocalePack } from './locale-pack.ts';
import { clockWithH, dayBefore, list, rx, timeAgo, withParsers, words } from './pack-helpers.ts';

const normalizer = new NormalizerEs();
const stemmer = new StemmerEs();
const EMAIL = String.raw`([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})`;
const NUMBERS = { un: 1, una: 1, uno: 1, media: 0.5, dos: 2, tres: 3, cuatro: 4, cinco: 5, diez: 10, quince: 15, veinte: 20, treinta: 30, cuarenta: 40 };

/** Spanish of Spain and Latin America: tú, usted and vos, "ya no falla", "sigue fallando", chat spellings. */
export const es: LocalePack = {
  locale: 'es',
  alpha3: 'spa',
  registerTrigrams: (guesser) => registerTrigrams({ get: () => guesser }),
  normalize: (text) => normalizer.normalize(text),
  stem: (tokens) => stemmer.stem(tokens),
  // chrono-node's Spanish lacks "hace 2 horas", "15h" and "anoche".
  parseDates: withParsers(chrono.casual, [
    clockWithH('(?:a las|sobre las|hacia las|a eso de las|desde las|las)'),
    timeAgo(/\bhace\s+(\d+|una?|media|dos|tres|cuatro|cinco|diez|quince|veinte|treinta|cuarenta)\s+(horas?|h|minutos?|mins?)\b/i, NUMBERS),
    dayBefore(/\banoche\b/i),
  ]),

  contractions: [],
  rewrites: {
    q: 'que', k: 'que', ke: 'que', xq: 'porque', xk: 'porque', pq: 'porque', porq: 'porque', pk: 'porque', tb: 'tambien', tmb: 'tambien', tmbn: 'tambien',
    x: 'por', d: 'de', pa: 'para', toy: 'estoy', ta: 'esta', tas: 'estas', sta: 'esta', porfa: 'por favor', porfi: 'por favor', plis: 'por favor',
    pls: 'por favor', xfa: 'por favor', xfavor: 'por favor', porfavor: 'por favor', sip: 'si', sep: 'si', sii: 'si', nop: 'no', nel: 'no', nones: 'no', nou: 'no',
    grax: 'gracias', grs: 'gracias', grasias: 'gracias', hla: 'hola', ola: 'hola', holis: 'hola', holi: 'hola', bn: 'bien', nd: 'nada', dnd: 'donde',
    jaja: 'haha', jajaja: 'haha', jajajaja: 'haha', jeje: 'haha', xd: 'haha', lol: 'haha', vid: 'video', img: 'imagen',
    okey: 'ok', okay: 'ok', oki: 'ok', okis: 'ok', oka: 'ok', okk: 'ok', tmp: 'tampoco', tpc: 'tampoco', npi: 'ni idea', ntp: 'no te preocupes',
    msj: 'mensaje', mje: 'mensaje', gral: 'general', ud: 'usted', uds: 'ustedes', vd: 'usted', xfis: 'por favor', salu2: 'saludos', weno: 'bueno', wenas: 'buenas',
  },
  // Cancelling negates what it governs: "cancela el envío" is no send.
  negators: words('no nunca jamas nada ni sin tampoco ningun ninguna ninguno nadie cancela cancelar cancele cancelen'),
  postNegators: words(''),
  finalNegators: words(''),
  leadingNo: {
    words: words('no'),
    fillers: words('pues bueno ah eh mm oh uh'),
    statementStart: words('sigue siguen sigo todavia aun igual mismo misma gracias perdon espera'),
  },
  scopeSkip: words('me te se le lo la les los las nos el un una mi tu su'),
  scopeBreakers: words('pero y asi porque aunque entonces luego cuando si o pues mientras sino despues ademas'),
  desire: words('quiero quisiera necesito necesita ojala favor puedes puede podrias podria podes tienes tiene deberia como espero quieres queria'),
  failureNouns: words('error errores fallo fallos problema problemas mensaje bug'),
  cessation: words('desaparecio desaparecido fue quito arreglado arreglo resuelto solucionado'),
  lookups: {
    success: list('funciona|funcionó|funcionar|anda|andar|va bien|ya va|salió bien|sale bien|se generó|generó|terminó|listo|lista|arreglado|arregló|solucionado|resuelto|apareció|llegó|en mi biblioteca|en la biblioteca|descargué|perfecto|genial|de lujo|joya|chévere|bacán|emoji_ok|emoji_happy|carga bien|se completó|completado|por fin|ya está'),
    failure: list('falla|fallando|falló|fallo|fallar|error|errores|se cae|se colgó|roto|rompió|crashea|crasheó|timeout|expiró|mismo error|otra vez|de nuevo|igual|lo mismo|nada cambió|no cambió nada|emoji_bad|sigue igual|peta|petó|no sirve|sirvió de nada|una mierda'),
    send: list('envía|envíalo|enviar|mándalo|mandar|manda|envíe|envíelo|reporta|repórtalo|reportar|dale|adelante|hazlo|hágalo|confirma|confirmo|confirmar|ticket|pásalo|procede|proceda|me parece bien|está bien así|mandá|mandalo'),
    hold: list('déjalo|déjelo|dejalo así|olvídalo|olvídelo|luego|después|más tarde|mañana|cancela|cancelar|espera|espere|ahora no|no hace falta|no es necesario|innecesario|no te molestes|yo mismo|yo misma|mejor no|todavía no lo mandes'),
    yes: list('sí|si|claro|vale|ok|correcto|exacto|exactamente|por supuesto|efectivamente|así es|eso|afirmativo|de acuerdo|bueno|ajá|seguro|obvio|va|emoji_ok|eso es|dale'),
    no: list('no|para nada|en absoluto|negativo|emoji_bad|claro que no|ni hablar|creo que no|qué va|no no'),
    repeat: list('sigue|siguen|todavía|aún|otra vez|de nuevo|igual|mismo|cada vez|siempre|dos veces|tres veces|reintenté|volví a|ya no|nuevamente'),
    waiting: list('cargando|procesando|en proceso|en cola|pendiente|esperando|generando|renderizando|tarda|tardando|colgado|pegado|trabado|atascado|congelado|horas|minutos|rato|siglos|todavía no|aún no|emoji_wait|girando|dando vueltas|no avanza|no termina'),
    greet: list('hola|buenas|buenos días|buenas tardes|buenas noches|hey|qué tal|alguien|hay alguien|saludos|qué onda'),
    thanks: list('gracias|muchas gracias|te agradezco|mil gracias|agradecido|agradecida|se agradece'),
    bye: list('adiós|chao|chau|hasta luego|nos vemos|eso es todo|nada más|es todo|todo bien|ya está|que tengas buen día|cerrar|eso sería todo'),
    person: list('humano|persona|agente|asesor|asesora|alguien|real|bot|robot|hablar|llamar|teléfono|soporte|operador|encargado|contactar|atención al cliente|persona real|ser humano'),
    money: list('reembolso|reembolsar|devolución|devuelvan|devolver|créditos|crédito|dinero|plata|pagué|cobraron|cobrado|cobro|saldo|costo|cuesta|descontaron|perdí|recuperar|euros|pesos|lana'),
    ask: list('cómo|por qué|qué|cuál|cuánto|cuántos|dónde|cuándo|se puede|puedo|hay|es normal|debo'),
    studio: list('video|imagen|música|canción|storyboard|clip|foto|render|pista|estudio|generación|prompt'),
    other: list('otro|otra|otra cosa|diferente|distinto|ninguno|ninguna|ninguno de estos|no está en la lista|no aparece|no es ese|no es esa|más antiguo|semana pasada|nada que ver|otro tema'),
  },
  fields: {
    studios: [
      ['video', rx(/\b(?:v[íi]deos?|vids?|clips?|animaci[óo]n(?:es)?)\b|\bvideo ?studio\b|\bestudio de v[íi]deo\b/i)],
      ['image', rx(/\b(?:im[áa]gen(?:es)?|fotos?|images?|pictures?|ilustraci[óo]n(?:es)?|dibujos?|imgs?)\b(?! de referencia)|\bimage ?studio\b|\bestudio de im[áa]gen(?:es)?\b/i)],
      ['music', rx(/\b(?:m[úu]sica|music|canci[óo]n(?:es)?|pistas?|audio|melod[íi]as?|songs?)\b|\bmusic ?studio\b|\bestudio de m[úu]sica\b/i)],
      ['storyboard', rx(/\bstory ?-?boards?\b|\bstoryboard ?studio\b|\bestudio (?:de )?storyboard\b|\bguion(?:es)? gr[áa]ficos?\b/i)],
    ],
    explicitStudio: rx(/\b(video|image|music|storyboard) ?studio\b|\bestudio de (v[íi]deo|im[áa]gen(?:es)?|m[úu]sica|storyboard)\b/i),
    clauses: rx(/(?<=[.!?;])\s+|\n+|,?\s+\b(?:pero|mientras que|aunque|y luego|luego|despu[ée]s|but|while)\b\s+|,\s+(?=(?:el|la|los|las|mi|mis|pero|y|the|my)\b)/i),
    promptLine: rx(/\b(?:prompt|indicaci[óo]n|instrucci[óo]n)(?: (?:era|fue|es|usado|usada|was|is))?\s*[:\-–]\s*([^\n]{3,600})/i),
    errorAfterColon: rx(
      /\b(?:(?:el )?error(?: (?:era|fue|dec[íi]a|dice|dijo|was|said))?|(?:el )?mensaje(?: de error)?(?: (?:era|dec[íi]a|dice|dijo))?|(?:me )?(?:dice|dijo|dec[íi]a|sale|sali[óo]|aparece|apareci[óo]|muestra|mostr[óo])|fall[óo] con|failed with|it said)\s*[:\-–]\s*([^\n]{3,400})/i,
    ),
    settings: {
      references: rx(/\b(\d{1,2}|ninguna|una?|dos|tres|cuatro|cinco|seis|no|a|an|one|two|three|four|five)\s+(?:im[áa]gen(?:es)? de referencia|fotos? de referencia|referencias|reference (?:images?|photos?))\b/i),
      referencesLabel: rx(/\b(?:im[áa]genes? de referencia|referencias|reference images?)\s*[:=]\s*(\d{1,2})\b/i),
      duration: rx(/\b(?:v[íi]deo|clip|canci[óo]n|pista|animaci[óo]n|audio)(?:es|s)? de (\d{1,3})\s?(?:segundos?|seg|s)\b|\b(?:duraci[óo]n|duration)\D{0,12}?(\d{1,3})\s?(?:segundos?|seconds?|secs?|seg|s)\b/i),
      numbers: { ninguna: 0, ninguno: 0, un: 1, una: 1, uno: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, no: 0, a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5 },
    },
    timeHint: rx(/\d{1,2}\s?(?::|h)\s?\d{0,2}\b|\bhace\b|\b(?:mediod[íi]a|medianoche|noon|midnight|ago)\b|\b(?:a las|las|a la|sobre las|hacia las|a eso de las|desde las|at|around)\s+\d{1,2}\b|\d\s?[ap]\.?m\b/i),
    bareHour: null,
    beforePrompt: rx(/\b(?:prompts?|escrib[íi]|puse|pon[íi]a|texto|indicaci[óo]n)\b[^.!?\n"“„«']{0,40}$/i),
    afterPrompt: rx(/^\s*(?:era|fue|es) (?:el|mi) prompt\b|^\s*(?:as|was|is) (?:the|my) prompt\b/i),
    beforeError: rx(
      /\b(?:error|errores|mensaje|dice|dijo|dec[íi]a|sale|sali[óo]|aparece|apareci[óo]|muestra|mostr[óo]|con|aviso|notificaci[óo]n|popup|said|says|got|with)\b[^.!?\n"“„«']{0,40}$/i,
    ),
    labels: {
      prompt: rx(/^(?:(?:el |mi )?(?:prompt|indicaci[óo]n|instrucci[óo]n)(?: usad[oa])?|prompt(?: text| used)?)$/i),
      error: rx(/^(?:(?:el )?error|mensaje(?: de error)?|motivo|raz[óo]n|detalles?|causa|error message|reason|failure reason)$/i),
      time: rx(/^(?:hora|fecha|cu[áa]ndo|fecha y hora|iniciad[oa]|cread[oa]|enviad[oa]|hora \(utc\)|time|date|started|submitted|created|failed at|timestamp|time \(utc\))$/i),
      studio: rx(/^(?:estudio|herramienta|app|aplicaci[óo]n|studio|tool)$/i),
      account: rx(/^(?:cuenta|correo(?: electr[óo]nico)?|e-?mail|usuario|login|account(?: email)?|correo de la cuenta)$/i),
      generation: rx(/^(?:(?:id|identificador) de (?:la )?generaci[óo]n|generaci[óo]n(?: id)?|id|run(?: id)?|job(?: id)?|generation(?: id)?)$/i),
    },
    account: rx(
      new RegExp(
        String.raw`\b(?:mi cuenta(?: es)?|cuenta\s*(?:es|:)|(?:entro|inicio sesi[óo]n|me conecto|estoy registrad[oa]|registrad[oa]) (?:con|como)|mi (?:correo|mail|email)(?: de la cuenta)?(?: es)?|my account(?: email)?(?: is)?)\s*:?\s*<?${EMAIL}>?`,
        'i',
      ),
    ),
    trouble: rx(/\b(?:fall\w*|errore?s?|se (?:cae|cay[óo]|colg[óo])|colgad\w*|trabad\w*|atascad\w*|no funcion\w*|no anda|no sale|no va|rot[oa]|cobr\w*|perd\w*|fail\w*|errors?|stuck)\b/i),
    fine: rx(/\b(?:funcion[óo]|funciona bien|sali[óo] bien|fue bien|termin[óo]|se gener[óo]|todo bien|sin problemas?|worked|was fine)\b/i),
    steps: [
      ['retry', rx(/\b(?:reintent\w*|volv[íi] a (?:intentar|probar|generar|lanzar)|(?:prob[ée]|intent[ée]) (?:otra vez|de nuevo|\d+ veces|varias veces|dos veces|tres veces)|lo repet[íi]|regener\w*|retried|tried again)\b/i)],
      ['simplify', rx(/\b(?:simplifiqu[ée]|simplificad\w*|prompt m[áa]s corto|acort[ée]|baj[ée] la resoluci[óo]n|quit[ée] (?:la |las )?(?:im[áa]genes? de )?referencias?)/i)],
      ['checked_credits', rx(/\b(?:revis[ée] (?:mis |los )?(?:cr[ée]ditos|saldo)|mis cr[ée]ditos (?:bajaron|disminuyeron)|(?:me )?(?:descontaron|cobraron) (?:los )?cr[ée]ditos|historial de cr[ée]ditos)/i)],
    ],
    morning: rx(/\b(?:de la ma[ñn]ana|esta ma[ñn]ana|por la ma[ñn]ana|madrugada|am|a\.m\.|morning)\b/i),
    evening: rx(/\b(?:tarde|noche|anoche|pm|p\.m\.|evening|night|afternoon)\b/i),
  },
};
