import type { ResetFlow } from '@twofold/api/password-reset';
import { t } from '../../i18n/i18n.js';
import type { ApiClient, Problem } from '../../shared/api.js';
import { ReadCodeForm } from '../../shared/components/code-entry.js';
import { Brand, Heading, Page } from '../../shared/components/layout.js';
import { SentCodeForm } from '../../shared/components/sent-code.js';
import { describeProblem } from '../../shared/messages.js';
import { methodLabel, type SignInMethod } from '../../shared/methods.js';
import {
  challengeSentCode,
  isRecentlySent,
  isSentCodeType,
  type SentCode,
  type SentCodeAnswer,
} from '../../shared/sent-codes.js';

/** The code step of a reset: one method, its code sent (sms, email) or read from an app or the saved list. */
export interface ResetChallenge {
  readonly flow: ResetFlow;
  readonly method: SignInMethod;
  /** When it was asked for: a new challenge is a fresh screen. */
  readonly startedAt: number;
  readonly sent?: SentCode | undefined;
  readonly sendProblem?: Problem | undefined;
}

/**
 * A problem's words on the reset's pages: by its code from the catalogs, and for the codes that end the reset
 * (too many wrong codes, too slow) the reset's own words, which say "this password reset", not "this sign-in".
 */
export function resetProblemText(
  problem: Problem,
  context: 'code' | 'sent-code' | 'recovery-code' | 'general' = 'general',
): string {
  return (
    resetEndingText(problem) ?? describeProblem(problem, context, { now: Date.now(), otherWay: 'method' })
  );
}

function resetEndingText(problem: Problem): string | undefined {
  if (problem.code === 'too_many_attempts') return t('passwords.reset.ended');
  if (problem.code === 'flow_expired' || problem.code === 'flow_not_found')
    return t('passwords.reset.expired');
  return undefined;
}

export function resetPath(flow: ResetFlow): string {
  return `/password-reset/${encodeURIComponent(flow.flowId)}`;
}

/** `POST /password-reset/{flow}/challenge`: sends the code of an sms or email method. */
export function resetChallenge(api: ApiClient, flow: ResetFlow, method: SignInMethod) {
  return api.post<Partial<SentCodeAnswer>>(`${resetPath(flow)}/challenge`, { methodId: method.id });
}

/** Picks a method: its code screen (a code sent moments ago still works), or why it could not start. */
export async function startResetChallenge(
  api: ApiClient,
  flow: ResetFlow,
  method: SignInMethod,
): Promise<{ challenge: ResetChallenge } | { problem: Problem }> {
  const result = await resetChallenge(api, flow, method);
  const startedAt = Date.now();
  if (result.ok) {
    const sent = challengeSentCode(method.type, result.data, startedAt);
    return { challenge: { flow, method, startedAt, sent } };
  }
  if (isRecentlySent(result.problem))
    return { challenge: { flow, method, startedAt, sendProblem: result.problem } };
  return { problem: result.problem };
}

/** "I can't get a code": the troubleshooter, for any code but a recovery code. */
function TroubleshootLink(props: { method: SignInMethod; onTroubleshoot: () => void }) {
  if (props.method.type === 'recovery_codes') return null;
  return (
    <div class="links">
      <button type="button" class="link" onClick={props.onTroubleshoot}>
        {t('troubleshooter.link')}
      </button>
    </div>
  );
}

export function ResetCodeScreen(props: {
  api: ApiClient;
  challenge: ResetChallenge;
  onVerified: (flow: ResetFlow) => void;
  onOtherMethod: () => void;
  onTroubleshoot: () => void;
  onRestart: () => void;
}) {
  const { api, challenge } = props;
  const { flow, method } = challenge;
  const type = method.type;
  // What both kinds of code form do here: verify against the reset, another method as the way back.
  const form = {
    verify: (code: string) => api.post<ResetFlow>(`${resetPath(flow)}/verify`, { methodId: method.id, code }),
    onVerified: props.onVerified,
    onRestart: props.onRestart,
    onBack: props.onOtherMethod,
    backLabel: t('passwords.reset.code.another'),
    otherWay: 'method',
    wordsFor: resetEndingText,
  } as const;
  return (
    <Page>
      <Brand />
      <Heading>{t('passwords.reset.code.title')}</Heading>
      {isSentCodeType(type) ? (
        <SentCodeForm<ResetFlow>
          {...form}
          type={type}
          sent={challenge.sent}
          sendProblem={challenge.sendProblem}
          destination={method.label}
          resend={() => api.post<SentCodeAnswer>(`${resetPath(flow)}/challenge`, { methodId: method.id })}
        />
      ) : (
        <>
          <p class="lead">
            {type === 'recovery_codes'
              ? t('passwords.reset.code.leadRecovery')
              : t('passwords.reset.code.lead', { name: methodLabel(method) })}
          </p>
          <ReadCodeForm<ResetFlow> {...form} type={type} />
        </>
      )}
      <TroubleshootLink method={method} onTroubleshoot={props.onTroubleshoot} />
    </Page>
  );
}
