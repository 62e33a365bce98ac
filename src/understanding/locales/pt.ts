import NormalizerPt from '@nlpjs/lang-pt/src/normalizer-pt.js';
import StemmerPt from '@nlpjs/lang-pt/src/stemmer-pt.js';
import registerTrigrams from '@nlpjs/lang-pt/src/trigrams.js';
import * as chrono from 'chrono-node/pt';
import type { LocalePack } from './locale-pack.ts';
import { clockWithH, list, rx, timeAgo, withParsers, words } from './pack-helpers.ts';

const normalizer = new NormalizerPt();
const stemmer = new StemmerPt();
const EMAIL = String.raw`([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})`;
const NUMBERS = { um: 1, uma: 1, umas: 1, meia: 0.5, dois: 2, duas: 2, três: 3, tres: 3, quatro: 4, cinco: 5, dez: 10, quinze: 15, vinte: 20, trinta: 30, quarenta: 40 };

/** Portuguese of Brazil and Portugal: você and tu, "não deu certo", "funciona não", "tá dando erro". */
export const pt: LocalePack = {
  locale: 'pt',
  alpha3: 'por',
  registerTrigrams: (guesser) => registerTrigrams({ get: () => guesser }),
  normalize: (text) => normalizer.normalize(text),
  stem: (tokens) => stemmer.stem(tokens),
  // chrono-node's Portuguese lacks "às 9h", "21h15" and "há 2 horas".
  parseDates: withParsers(chrono.casual, [
    clockWithH('(?:[àáa]s|das|pelas|por volta das|l[áa] pelas|desde as|[àa]|da)'),
    timeAgo(/\b(?:há|ha|faz)\s+(\d+|uma?|umas|meia|duas|dois|tr[êe]s|quatro|cinco|dez|quinze|vinte|trinta|quarenta)\s+(horas?|h|minutos?|mins?)\b/i, NUMBERS),
  ]),

  contractions: [],
  rewrites: {
    n: 'nao', nn: 'nao', naum: 'nao', ñ: 'nao', vc: 'voce', vcs: 'voces', ce: 'voce', q: 'que', oq: 'o que', pq: 'porque', pk: 'porque', tb: 'tambem', tbm: 'tambem',
    blz: 'beleza', vlw: 'valeu', obg: 'obrigado', brigado: 'obrigado', brigada: 'obrigada', obgd: 'obrigado', obgda: 'obrigada', ta: 'esta', to: 'estou', tava: 'estava',
    tao: 'estao', pra: 'para', pro: 'para o', dnv: 'de novo', msm: 'mesmo', mt: 'muito', mto: 'muito', ngm: 'ninguem', td: 'tudo', tds: 'todos', agr: 'agora', hj: 'hoje',
    kd: 'cade', kkk: 'haha', kkkk: 'haha', kkkkk: 'haha', rs: 'haha', rsrs: 'haha', ss: 'sim', sss: 'sim', simm: 'sim', okay: 'ok', oki: 'ok', okk: 'ok', blza: 'beleza',
    img: 'imagem', vid: 'video', qnd: 'quando', qdo: 'quando', qto: 'quanto', cmg: 'comigo', dps: 'depois', tmj: 'valeu', fds: 'fim de semana', pfv: 'por favor',
    pf: 'por favor', pfvr: 'por favor', porfavor: 'por favor', vdd: 'verdade', sla: 'sei la', nd: 'nada', eh: 'e', tou: 'estou', tá: 'esta', tô: 'estou',
  },
  // Cancelling negates what it governs: "cancela o envio" is no send.
  negators: words('nao nunca jamais nada nem sem nenhum nenhuma ninguem cancela cancelar cancele cancelem'),
  postNegators: words(''),
  // Brazilian "funciona não", "deu certo não": a final "não" negates what comes before it.
  finalNegators: words('nao'),
  leadingNo: {
    words: words('nao'),
    fillers: words('ah eh bom entao olha poxa'),
    statementStart: words('ainda continua continuou segue seguiu obrigado obrigada valeu mesmo mesma'),
  },
  scopeSkip: words('me te se lhe o a os as um uma meu minha mais'),
  scopeBreakers: words('mas e entao porque pois embora depois quando se ou porem enquanto contudo senao'),
  desire: words('quero queria preciso precisa gostaria favor pode podes poderia consegue tens devia deveria espero como tomara'),
  failureNouns: words('erro erros falha falhas problema problemas mensagem bug'),
  cessation: words('sumiu sumido desapareceu embora resolvido resolveu corrigido passou acabou'),
  lookups: {
    success: list('funciona|funcionou|funcionar|deu certo|rolou|resolveu|resolvido|arrumou|consertou|corrigido|terminou|concluiu|concluído|pronto|pronta|gerou|gerado|apareceu|chegou|na minha biblioteca|na biblioteca|baixei|perfeito|show|top|massa|emoji_ok|emoji_happy|tudo certo|certinho|carregou|finalmente|foi sim'),
    failure: list('falhou|falha|falhando|falhar|erro|erros|deu erro|dá erro|dando erro|travou|trava|quebrou|quebrado|crashou|caiu|timeout|expirou|mesmo erro|de novo|outra vez|igual|a mesma coisa|nada mudou|não adiantou|adiantou nada|emoji_bad|deu ruim|bugou|bugado|pifou|deu pau|porcaria'),
    send: list('envia|envie|enviar|manda|mande|mandar|pode mandar|pode enviar|encaminha|encaminhar|reporta|reportar|vai lá|pode ir|manda ver|faz isso|faça isso|confirma|confirmo|confirmar|ticket|abre o chamado|abrir chamado|chamado|pode seguir|bora|envia aí|manda aí'),
    hold: list('deixa|deixa pra lá|deixa quieto|esquece|esqueça|depois|mais tarde|amanhã|cancela|cancelar|espera|espere|agora não|não precisa|desnecessário|não é necessário|eu mesmo|eu mesma|melhor não|segura|não manda'),
    yes: list('sim|isso|isso mesmo|claro|com certeza|certo|correto|exato|exatamente|pode ser|ok|beleza|tá bom|fechado|positivo|aham|uhum|emoji_ok|é isso|combinado|pode|sim sim'),
    no: list('não|nope|negativo|de jeito nenhum|nem pensar|claro que não|acho que não|nada disso|errado|incorreto|emoji_bad|não não'),
    repeat: list('ainda|de novo|outra vez|continua|continuou|segue|mesmo|mesma|sempre|toda vez|cada vez|duas vezes|três vezes|tentei de novo|novamente|já'),
    waiting: list('carregando|processando|em processamento|na fila|fila|pendente|esperando|aguardando|gerando|renderizando|demorando|demora|travado|parado|preso|congelado|horas|minutos|séculos|ainda não|emoji_wait|girando|rodando|não sai do lugar|não termina|nada acontece'),
    greet: list('oi|olá|bom dia|boa tarde|boa noite|e aí|eai|opa|alguém|tem alguém|alguém aí|tudo bem|tudo bom|hey|hello'),
    thanks: list('obrigado|obrigada|valeu|agradeço|muito obrigado|muito obrigada'),
    bye: list('tchau|até mais|até logo|falou|é só isso|só isso|mais nada|nada mais|tudo certo|tudo resolvido|pode fechar|encerrar|fechar|abraço|abraços'),
    person: list('humano|pessoa|atendente|agente|alguém|real|de verdade|bot|robô|falar|ligar|telefone|suporte|operador|gerente|responsável|contato|contatar|atendimento|pessoa de verdade|ser humano'),
    money: list('reembolso|reembolsar|estorno|estornar|devolução|devolver|créditos|crédito|dinheiro|grana|paguei|pago|cobrado|cobraram|cobrança|descontado|descontaram|saldo|custo|custa|perdi|recuperar|reais|euros|de volta'),
    ask: list('como|por que|o que|qual|quanto|quantos|onde|quando|dá pra|posso|tem como|é normal|devo|é possível'),
    studio: list('vídeo|imagem|música|canção|storyboard|clipe|clip|foto|render|faixa|estúdio|geração|prompt'),
    other: list('outro|outra|outra coisa|diferente|nenhum|nenhuma|nenhum desses|não está na lista|não aparece|não é esse|não é essa|mais antigo|semana passada|nada a ver|outro assunto'),
  },
  fields: {
    studios: [
      ['video', rx(/\b(?:v[íi]deos?|vids?|clipes?|clips?|anima[çc][ãa]o|anima[çc][õo]es)\b|\bvideo ?studio\b|\best[úu]dio de v[íi]deo\b/i)],
      ['image', rx(/\b(?:imagens?|imagem|fotos?|images?|ilustra[çc][ãa]o|ilustra[çc][õo]es|desenhos?|imgs?|figuras?)\b(?! de refer[êe]ncia)|\bimage ?studio\b|\best[úu]dio de imagens?\b|\best[úu]dio de imagem\b/i)],
      ['music', rx(/\b(?:m[úu]sicas?|music|can[çc][ãa]o|can[çc][õo]es|faixas?|[áa]udio|melodias?|songs?|trilhas?)\b|\bmusic ?studio\b|\best[úu]dio de m[úu]sica\b/i)],
      ['storyboard', rx(/\bstory ?-?boards?\b|\bstoryboard ?studio\b|\best[úu]dio (?:de )?storyboard\b/i)],
    ],
    explicitStudio: rx(/\b(video|image|music|storyboard) ?studio\b|\best[úu]dio de (v[íi]deo|imagens?|imagem|m[úu]sica|storyboard)\b/i),
    clauses: rx(/(?<=[.!?;])\s+|\n+|,?\s+\b(?:mas|enquanto|embora|e depois|depois|por[ée]m|but|while)\b\s+|,\s+(?=(?:o|a|os|as|meu|minha|mas|e|the|my)\b)/i),
    promptLine: rx(/\b(?:prompt|comando|instru[çc][ãa]o)(?: (?:era|foi|é|usado|was|is))?\s*[:\-–]\s*([^\n]{3,600})/i),
    errorAfterColon: rx(
      /\b(?:(?:o )?erro(?: (?:era|foi|dizia|diz|disse))?|(?:a )?mensagem(?: de erro)?(?: (?:era|dizia|diz|disse))?|(?:ele |ela )?(?:diz|disse|dizia|aparece|apareceu|mostra|mostrou)|falhou com|deu o erro|(?:the )?error(?: message)?(?: was| said)?|failed with|it said)\s*[:\-–]\s*([^\n]{3,400})/i,
    ),
    settings: {
      references: rx(/\b(\d{1,2}|nenhuma|uma?|duas|dois|tr[êe]s|quatro|cinco|seis|no|a|an|one|two|three|four|five)\s+(?:imag(?:em|ens) de refer[êe]ncia|fotos? de refer[êe]ncia|refer[êe]ncias|reference (?:images?|photos?))\b/i),
      referencesLabel: rx(/\b(?:imagens? de refer[êe]ncia|refer[êe]ncias|reference images?)\s*[:=]\s*(\d{1,2})\b/i),
      duration: rx(/\b(?:v[íi]deo|clipe?|m[úu]sica|faixa|anima[çc][ãa]o|[áa]udio)s? de (\d{1,3})\s?(?:segundos?|seg|s)\b|\b(?:dura[çc][ãa]o|duration)\D{0,12}?(\d{1,3})\s?(?:segundos?|seconds?|secs?|seg|s)\b/i),
      numbers: { nenhuma: 0, nenhum: 0, um: 1, uma: 1, dois: 2, duas: 2, três: 3, tres: 3, quatro: 4, cinco: 5, seis: 6, no: 0, a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5 },
    },
    timeHint: rx(/\d{1,2}\s?(?::|h)\s?\d{0,2}\b|\b(?:há|ha|faz)\s+(?:\d+|uma?|umas|meia|duas|dois|tr[êe]s|alguns|algumas)\b|\b(?:meio-dia|meio dia|meia-noite|meia noite|noon|midnight|ago)\b|\b(?:[àáa]s|das|pelas|por volta das|l[áa] pelas|desde as|at|around)\s+\d{1,2}\b|\d\s?[ap]\.?m\b/i),
    bareHour: null,
    beforePrompt: rx(/\b(?:prompts?|comando|escrevi|digitei|coloquei|botei|usei)\b[^.!?\n"“„«']{0,40}$/i),
    afterPrompt: rx(/^\s*(?:era|foi|é) (?:o|meu) prompt\b|^\s*(?:as|was|is) (?:the|my) prompt\b/i),
    beforeError: rx(
      /\b(?:erro|erros|mensagem|diz|disse|dizia|aparece|apareceu|mostra|mostrou|deu|com|aviso|notifica[çc][ãa]o|popup|error|said|says|got|with)\b[^.!?\n"“„«']{0,40}$/i,
    ),
    labels: {
      prompt: rx(/^(?:(?:o |meu )?(?:prompt|comando)(?: usado)?|prompt(?: text| used)?)$/i),
      error: rx(/^(?:(?:o )?erro|mensagem(?: de erro)?|motivo|raz[ãa]o|detalhes?|causa|error(?: message)?|reason|failure reason)$/i),
      time: rx(/^(?:hora|hor[áa]rio|data|quando|data e hora|iniciad[oa]|criad[oa]|enviad[oa]|hora \(utc\)|time|date|started|submitted|created|failed at|timestamp|time \(utc\))$/i),
      studio: rx(/^(?:est[úu]dio|ferramenta|app|aplicativo|studio|tool)$/i),
      account: rx(/^(?:conta|e-?mail|e-?mail da conta|usu[áa]rio|login|account(?: email)?)$/i),
      generation: rx(/^(?:id da gera[çc][ãa]o|gera[çc][ãa]o(?: id)?|id|run(?: id)?|job(?: id)?|generation(?: id)?)$/i),
    },
    account: rx(
      new RegExp(
        String.raw`\b(?:minha conta(?: é| e)?|conta\s*(?:é|:)|(?:entro|logo|loguei|fa[çc]o login|estou cadastrad[oa]|cadastrad[oa]|registrad[oa]) (?:com|como)|meu (?:e-?mail|email)(?: da conta| de login)?(?: é| e)?|my account(?: email)?(?: is)?)\s*:?\s*<?${EMAIL}>?`,
        'i',
      ),
    ),
    trouble: rx(/\b(?:falh\w*|erros?|deu erro|d[áa] erro|dando erro|trav\w*|quebr\w*|caiu|n[ãa]o funciona\w*|n[ãa]o deu certo|n[ãa]o gera|cobr\w*|perd\w*|fail\w*|errors?|stuck)\b/i),
    fine: rx(/\b(?:funcionou|funciona bem|deu certo|foi bem|saiu bem|terminou|gerou|tudo certo|sem problemas?|worked|was fine)\b/i),
    steps: [
      ['retry', rx(/\b(?:tentei (?:de novo|novamente|outra vez|mais uma vez|\d+ vezes|v[áa]rias vezes|duas vezes|tr[êe]s vezes)|re-?tentei|refiz|(?:gerei|rodei) de novo|reenviei|retried|tried again)\b/i)],
      ['simplify', rx(/\b(?:simplifiquei|simplificad\w*|prompt mais curto|encurtei|(?:diminu[íi]|baixei|reduzi) a resolu[çc][ãa]o|tirei (?:a |as )?(?:imagens? de )?refer[êe]ncias?)/i)],
      ['checked_credits', rx(/\b(?:(?:verifiquei|conferi|chequei|olhei) (?:meus |os )?(?:cr[ée]ditos|saldo)|meus cr[ée]ditos (?:ca[íi]ram|diminu[íi]ram|baixaram)|(?:descontaram|cobraram|debitaram) (?:os |meus )?cr[ée]ditos|hist[óo]rico de cr[ée]ditos)/i)],
    ],
    morning: rx(/\b(?:de manh[ãa]|manh[ãa]|hoje cedo|cedo|madrugada|am|a\.m\.|morning)\b/i),
    evening: rx(/\b(?:tarde|noite|pm|p\.m\.|evening|night|afternoon)\b/i),
  },
};
